"""Board fixtures: a coordinator on team A (Dora), one on team B (Erik), a board and a meeting, and
builders that write clinical histories through the real services, each step at its own time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import at

MEETING_DAY = dt.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created in every test here; the production hasher would spend seconds on that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _member(username, team, role):
    from django.contrib.auth.models import Group

    from bmtrack.accounts.models import User
    from bmtrack.accounts.roles import sync_role_groups

    sync_role_groups()
    user = User.objects.create_user(username, f"{username}@example.org", "correct horse battery staple",
                                    first_name=username.title(), last_name="Coordinator")
    team.members.add(user)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def dora(teams):
    """The board coordinator of team A."""
    return _member("dora", teams[0], "board_coordinator")


@pytest.fixture
def erik(teams):
    """The board coordinator of team B: must see nothing of team A's patients."""
    return _member("erik", teams[1], "board_coordinator")


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


class History:
    """Writes one patient's history through the services; every step is 'now' at its own time."""

    def __init__(self, patient):
        self.patient = patient

    @staticmethod
    def when(day: dt.date, hour: int = 10) -> dt.datetime:
        return at(day.year, day.month, day.day, hour)

    def primary(self, day, type_="nsclc_adeno", bm_on=None, markers=(), stage="IVA"):
        from bmtrack.patients import services

        return services.record_primary(
            self.patient, type=type_, stage=stage, seer_stage="metastatic", diagnosed_on=day,
            brain_metastases_diagnosed_on=bm_on, histology="acinar-predominant" if type_ == "nsclc_adeno" else "",
            markers=[{"tested_on": day, **m} for m in markers], now=self.when(max(day, bm_on or day), 18),
        )

    def status(self, day, **facts):
        from bmtrack.patients import services

        return services.record_observation(self.patient, observed_on=day, now=self.when(day, 18), **facts)

    def mri(self, day, lesions, purpose="surveillance", baseline=False, new_lesions="none", **extra):
        """``lesions``: {"L1": mm or 0 (disappeared) or (mm, {measurement fields})}."""
        from bmtrack.patients import services

        measurements = []
        for label, value in lesions.items():
            fields = {}
            if isinstance(value, tuple):
                value, fields = value
            if value == 0:
                measurements.append({"lesion": label, "disappeared": True, **fields})
            else:
                measurements.append({"lesion": label, "longest_diameter_mm": Decimal(str(value)), **fields})
        return services.record_scan(
            self.patient, at=self.when(day, 11), modality="mri", purpose=purpose, field_strength_t=Decimal("3.0"),
            scanner="Siemens Prisma 3T", sequences=extra.pop("sequences", ["t1_pre_3d", "t1_post_3d", "t2", "flair"]),
            new_lesions=new_lesions, is_baseline=baseline, measurements=measurements, now=self.when(day, 18),
            **extra,
        )

    def treat(self, kind, day, end=None, lesions=(), status="given", **fields):
        from bmtrack.patients import services

        lesion_objs = list(self.patient.lesions.filter(label__in=lesions))
        end_at = self.when(end, 12) if end else None
        return services.record_treatment(self.patient, kind=kind, status=status, start=self.when(day, 9), end=end_at,
                                         lesions=lesion_objs, now=self.when(max(day, end or day), 18), **fields)


@pytest.fixture
def history():
    return History


@pytest.fixture
def progressing_patient(make_patient):
    """NSCLC (EGFR+) treated with SRS and osimertinib: PR, then PD of the SRS-treated L1 on
    1 Jun 2026 inside its radiation-necrosis window, and a fall in KPS (90 → 70) so the GPA falls."""
    patient = make_patient(given_name="Marta", family_name="Visser", birth_date=dt.date(1961, 3, 2))
    h = History(patient)
    h.primary(dt.date(2025, 9, 20), bm_on=dt.date(2025, 11, 1), markers=[
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
