"""API fixtures: token clients for the personas, and a patient with a history built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bmtrack.core.clock import site_zone


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are hashed with a fast hasher: PBKDF2 costs ~0.6 s a user here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    """An aware site-local instant ``days`` before today (services refuse the future)."""
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
    from bmtrack.patients import services

    patient = make_patient()
    primary = services.record_primary(
        patient, type="nsclc_adeno", diagnosed_on=days_ago(200).date(), stage="IVA", seer_stage="metastatic",
        brain_metastases_diagnosed_on=days_ago(130).date(),
        markers=[{"marker": "egfr", "result": "positive", "tested_on": days_ago(190).date(), "detail": "L858R"},
                 {"marker": "pd_l1", "result": "positive", "value_pct": Decimal("40"),
                  "tested_on": days_ago(190).date()}],
    )
    services.record_observation(patient, observed_on=days_ago(131).date(), kps=80, extracranial_metastases=True,
                                dexamethasone_mg=Decimal("0"), user=alice)
    baseline = services.record_scan(
        patient, at=days_ago(130, 11), modality="mri", purpose="srs_planning", field_strength_t=Decimal("3.0"),
        sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"], study_uid="1.2.3.4.5", accession="ACC1",
        is_baseline=True,
        measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("18"), "location": "left frontal"},
                      {"lesion": "L2", "longest_diameter_mm": Decimal("12"), "location": "right parietal"}],
    )
    srs = services.record_treatment(patient, kind="srs", status="given", start=days_ago(125, 9),
                                    end=days_ago(125, 10), dose_gy=Decimal("20"), fractions=1,
                                    lesions=list(patient.lesions.all()))
    followup = services.record_scan(
        patient, at=days_ago(40, 11), modality="mri", purpose="surveillance",
        sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"],
        measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("10")},
                      {"lesion": "L2", "longest_diameter_mm": Decimal("7")}],
    )
    tt = services.record_treatment(patient, kind="tt", status="given", start=days_ago(120, 9), agent="osimertinib",
                                   line=1)
    return {"patient": patient, "primary": primary, "baseline": baseline, "followup": followup, "srs": srs,
            "tt": tt}
