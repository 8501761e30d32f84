"""API fixtures: token clients for the personas, and a patient with a history written with the history
builder; every API test runs at the fixed clock (FIXED_NOW), as the web tests do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bmtrack.core.clock import site_zone
from tests.support.history import History, fixed_clock


@pytest.fixture(autouse=True)
def frozen_clock():
    with fixed_clock():
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are hashed with a fast hasher: PBKDF2 costs ~0.6 s a user here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    """An aware site-local instant ``days`` before today (services refuse the future): for request bodies."""
    day = (timezone.now().astimezone(site_zone()) - dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour), tzinfo=site_zone())


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon(db):
    return APIClient()


@pytest.fixture
def alice_api(alice):
    return client_for(alice)


@pytest.fixture
def bob_api(bob):
    return client_for(bob)


@pytest.fixture
def charlie_api(charlie):
    return client_for(charlie)


@pytest.fixture
def coordinator(dora):
    """A board coordinator on team A: reads the record, writes none of it."""
    return dora


@pytest.fixture
def record(make_patient, alice):
    """Alice's patient (team A) with a primary and markers, status, an MRI with two lesions, SRS and
    a follow-up MRI: enough for GPA, RANO-BM, due items and watch windows to exist."""
    h = History(make_patient(), now=timezone.now())
    four = ["t1_pre_3d", "t1_post_3d", "t2", "flair"]
    primary = h.primary(200, "nsclc_adeno", bm=130, tested=190, histology="", markers=[
        {"marker": "egfr", "result": "positive", "detail": "L858R"},
        {"marker": "pd_l1", "result": "positive", "value_pct": Decimal("40")}])
    h.status(days_ago=131, kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("0"), user=alice)
    baseline = h.mri(days_ago=130, purpose="srs_planning", scanner="", sequences=four, study_uid="1.2.3.4.5",
                     accession="ACC1", baseline=True,
                     lesions={"L1": (18, {"location": "left frontal"}), "L2": (12, {"location": "right parietal"})})
    srs = h.srs(days_ago=125, lesions=["L1", "L2"], dose_gy=20)
    followup = h.mri(days_ago=40, purpose="surveillance", scanner="", sequences=four, field_strength_t=None,
                     study_uid="", accession="", lesions={"L1": 10, "L2": 7})
    tt = h.treat("tt", days_ago=120, agent="osimertinib", line=1)
    return {"patient": h.patient, "primary": primary, "baseline": baseline, "followup": followup, "srs": srs,
            "tt": tt}
