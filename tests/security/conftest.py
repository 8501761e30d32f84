"""Adversarial fixtures: a data manager of team A (signed in with two-step verification, as the admin
requires) and a patient of team B whose whole record was written through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import at, verified_client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dm_a(dana):
    """A data manager of team A: the admin's everyday user."""
    user = dana
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def admin_client(client, dm_a):
    return verified_client(client, dm_a)


def write_record(patient, *, start: dt.date = dt.date(2025, 11, 1)):
    """Primary with a marker, KPS, an MRI with a measured lesion, SRS to it, a follow-up MRI: every kind of
    row the admin lists (and due items, a watch window, a response) exists for ``patient``."""
    from bmtrack.patients import services

    def when(day, hour=10):
        return at(day.year, day.month, day.day, hour)

    primary = services.record_primary(patient, type="nsclc_adeno", stage="IVA", seer_stage="metastatic",
                                      diagnosed_on=start - dt.timedelta(days=40), brain_metastases_diagnosed_on=start,
                                      markers=[{"marker": "egfr", "result": "positive", "tested_on": start}],
                                      now=when(start, 18))
    services.record_observation(patient, observed_on=start, kps=90, extracranial_metastases=True,
                                now=when(start, 18))
    baseline = services.record_scan(patient, at=when(start, 11), modality="mri", purpose="diagnosis",
                                    sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"], is_baseline=True,
                                    measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("20")}],
                                    now=when(start, 18))
    srs_day = start + dt.timedelta(days=9)
    treatment = services.record_treatment(patient, kind="srs", status="given", start=when(srs_day, 9),
                                          end=when(srs_day, 12), lesions=list(patient.lesions.all()),
                                          dose_gy=Decimal("20"), fractions=1, now=when(srs_day, 18))
    follow_day = srs_day + dt.timedelta(days=60)
    follow_up = services.record_scan(patient, at=when(follow_day, 11), modality="mri", purpose="surveillance",
                                     sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"],
                                     measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("12")}],
                                     now=when(follow_day, 18))
    return {"primary": primary, "baseline": baseline, "treatment": treatment, "follow_up": follow_up}


@pytest.fixture
def patient_b(make_patient, teams, charlie):
    patient = make_patient(care_team=teams[1], responsible_nurse=charlie, given_name="Bea", family_name="Bakker")
    write_record(patient)
    return patient


@pytest.fixture
def case_b(patient_b, charlie, teams):
    from bmtrack.boards import services
    from bmtrack.boards.models import Board

    board = Board.objects.create(name="Board B")
    board.care_teams.add(teams[1])
    meeting = services.create_meeting(board, date=dt.date(2026, 3, 4), user=charlie)
    return services.add_case(meeting, patient_b, question="SRS again?", user=charlie)
