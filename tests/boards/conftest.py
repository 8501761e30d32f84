"""Board fixtures: a board of team A with Dora (its coordinator) and Bob, a meeting, and histories
recorded as they happened (the personas are tests/support/personas.py's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.support import history

MEETING_DAY = dt.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created in every test here; the production hasher would spend seconds on that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def board(teams, dora, bob):
    from bmtrack.boards.models import Board

    board = Board.objects.create(name="Neuro-oncology board")
    board.care_teams.add(teams[0])
    board.members.add(dora, bob)
    return board


@pytest.fixture
def meeting(board, dora):
    from bmtrack.boards import services

    return services.create_meeting(board, date=MEETING_DAY, starts_at=dt.time(16, 0), location="Room 4.12",
                                   user=dora)


def History(patient):  # noqa: N802 - used like the class it wraps
    """A history as the board sees it: each step recorded on the evening it happened
    (tests/support/history.py)."""
    return history.History(patient, as_it_happens=True)


@pytest.fixture
def progressing_patient(make_patient):
    """NSCLC (EGFR+) treated with SRS and osimertinib: PR, then PD of the SRS-treated L1 on
    1 Jun 2026 inside its radiation-necrosis window, and a fall in KPS (90 → 70) so the GPA falls."""
    patient = make_patient(given_name="Marta", family_name="Visser", birth_date=dt.date(1961, 3, 2))
    h = History(patient)
    h.primary(dt.date(2025, 9, 20), bm=dt.date(2025, 11, 1), markers=[
        {"marker": "egfr", "result": "positive", "detail": "exon 19 deletion"},
        {"marker": "alk", "result": "negative"},
        {"marker": "pd_l1", "result": "positive", "value_pct": Decimal("30")},
    ])
    h.status(dt.date(2025, 10, 30), kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("4"),
             neuro_status="stable")
    h.mri(dt.date(2025, 11, 1), {"L1": 20, "L2": 12}, purpose="diagnosis", baseline=True)
    h.treat("srs", dt.date(2025, 11, 10), end=dt.date(2025, 11, 10), lesions=["L1", "L2"], dose_gy=Decimal("20"),
            fractions=1)
    h.treat("tt", dt.date(2025, 11, 15), agent="osimertinib", line=1)
    h.status(dt.date(2025, 12, 1), dexamethasone_mg=Decimal("0"))
    h.mri(dt.date(2026, 2, 1), {"L1": 14, "L2": 8}, purpose="response")
    h.mri(dt.date(2026, 5, 1), {"L1": 12, "L2": 6}, purpose="surveillance")
    h.status(dt.date(2026, 5, 20), kps=70, neuro_status="stable")
    h.mri(dt.date(2026, 6, 1), {"L1": 22, "L2": 9}, purpose="surveillance", sequences=["t1_post_3d", "t2"])
    return patient
