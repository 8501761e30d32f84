"""Realistic demo data: ~40 patients whose histories exercise every rule bmtrack follows.

Built through the real services at times relative to ``now`` (so the worklist always has
something true to show: an overdue post-operative MRI, a response scan due, an unconfirmed
progression on immunotherapy...). Names and MRNs are invented.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from bmtrack.accounts.models import CareTeam, User
from bmtrack.accounts.roles import sync_role_groups
from bmtrack.core.clock import site_zone
from bmtrack.patients import services
from bmtrack.patients.models import Patient

GIVEN = ["Anna", "Bram", "Carla", "Daan", "Eva", "Femke", "Gert", "Hanna", "Ilse", "Joost", "Karin", "Lars",
         "Marieke", "Nico", "Olga", "Pim", "Quinten", "Roos", "Sanne", "Tom", "Ursula", "Vera", "Wim", "Yara",
         "Zoë", "Anouk", "Bas", "Chantal", "Dirk", "Esther", "Floor", "Guus", "Heleen", "Ivo", "Jet", "Koen",
         "Lotte", "Maarten", "Nadia", "Otto", "Petra", "Rik"]
FAMILY = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
          "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
          "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Berg",
          "van Dijk", "Schouten", "Willems", "Hoekstra", "Koster", "Verbeek", "Prins", "Huisman", "Post",
          "Kuipers", "Veenstra", "Kramer", "van den Broek", "Scholten", "van Wijk"]

FULL_PROTOCOL = ["t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi"]
SCANNER_3T = "Siemens Prisma 3T (MR2)"
SCANNER_15T = "Philips Ingenia 1.5T (MR1)"


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    team: str


class DemoBuilder:
    def __init__(self, now: dt.datetime, seed: int = 20261125):
        self.now = now
        self.rng = random.Random(seed)
        self.tz = site_zone()
        self.count = 0

    # --- time helpers ---
    def ago(self, days: float, hour: int = 10) -> dt.datetime:
        day = (self.now.astimezone(self.tz) - dt.timedelta(days=days)).date()
        moment = dt.datetime.combine(day, dt.time(hour, self.rng.choice([0, 15, 30, 45])), tzinfo=self.tz)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def ahead(self, days: float, hour: int = 9) -> dt.datetime:
        day = (self.now.astimezone(self.tz) + dt.timedelta(days=days)).date()
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=self.tz)

    def day(self, days_ago: float) -> dt.date:
        return self.ago(days_ago).date()

    # --- record helpers ---
    def patient(self, team, nurse, sex, age) -> Patient:
        index = self.count
        self.count += 1
        birth = self.now.astimezone(self.tz).date().replace(year=self.now.year - age) - dt.timedelta(
            days=self.rng.randint(0, 360))
        return services.create_patient(
            mrn=f"{7000000 + index * 137:07d}", given_name=GIVEN[index % len(GIVEN)],
            family_name=FAMILY[index % len(FAMILY)], birth_date=birth, sex=sex, care_team=team,
            responsible_nurse=nurse, now=self.now,
            # Ofcom's drama numbers (07700 900xxx, 020 7946 0xxx): never a real line.
            phones=f"07700 900{index % 1000:03d}" + (f"; 020 7946 0{index % 1000:03d}" if index % 3 == 0 else ""),
        )

    def primary(self, patient, type_, stage, seer, diagnosed_days_ago, bm_days_ago, markers=()):
        return services.record_primary(
            patient, type=type_, stage=stage, seer_stage=seer, diagnosed_on=self.day(diagnosed_days_ago),
            brain_metastases_diagnosed_on=self.day(bm_days_ago) if bm_days_ago is not None else None,
            markers=[{"tested_on": self.day(diagnosed_days_ago - 10), **m} for m in markers], now=self.now,
        )

    def status(self, patient, days_ago, **facts):
        return services.record_observation(patient, observed_on=self.day(days_ago), now=self.now, **facts)

    def mri(self, patient, days_ago, lesions=None, purpose="surveillance", hour=11, scanner=SCANNER_3T,
            new_lesions="none", non_target="none", baseline=False, sequences=None, call_required=True):
        uid = f"1.2.826.0.1.3680043.8.498.{self.rng.randint(10**9, 10**10)}"
        measurements = [
            ({"lesion": label, "disappeared": True} if mm == 0 else
             {"lesion": label, "longest_diameter_mm": Decimal(str(mm)), "location": loc})
            for label, (mm, loc) in (lesions or {}).items()
        ]
        return services.record_scan(
            patient, at=self.ago(days_ago, hour), modality="mri", purpose=purpose,
            field_strength_t=Decimal("3.0") if "3T" in scanner else Decimal("1.5"), scanner=scanner,
            sequences=sequences or FULL_PROTOCOL, study_uid=uid, accession=f"ACC{self.rng.randint(10**6, 10**7)}",
            new_lesions=new_lesions, non_target=non_target, is_baseline=baseline,
            measurements=measurements, now=self.now, call_required=call_required,
        )

    def ct(self, patient, days_ago, purpose="srs_planning"):
        return services.record_scan(patient, at=self.ago(days_ago, 14), modality="ct", purpose=purpose,
                                    scanner="Canon Aquilion ONE", now=self.now)

    def treat(self, patient, kind, start, end=None, status="given", lesions=(), **fields):
        lesion_objs = list(patient.lesions.filter(label__in=lesions)) if lesions else []
        return services.record_treatment(patient, kind=kind, status=status, start=start, end=end,
                                         lesions=lesion_objs, now=self.now, **fields)


def _users(builder_now) -> tuple[dict, list[DemoLogin]]:
    sync_role_groups()
    team_a, _ = CareTeam.objects.get_or_create(name="Neuro-oncology — Lung & Other")
    team_b, _ = CareTeam.objects.get_or_create(name="Neuro-oncology — Breast, Melanoma & Renal")
    specs = [
        ("nina", "Nina", "Bakker", "nurse", [team_a]),
        ("noor", "Noor", "El Amrani", "nurse", [team_b]),
        ("pieter", "Pieter", "Hendriks", "physician", [team_a, team_b]),
        ("carla", "Carla", "Verhoeven", "board_coordinator", [team_a, team_b]),
        ("daan", "Daan", "Kuiper", "data_manager", [team_a, team_b]),
    ]
    users, logins = {}, []
    for username, first, last, role, user_teams in specs:
        password = f"{username}-{secrets.token_urlsafe(9)}"
        user = User.objects.create_user(username, f"{username}@hospital.example", password, first_name=first,
                                        last_name=last)
        user.groups.add(Group.objects.get(name=role))
        if role == "data_manager":
            # Data managers work in the admin (which asks for a TOTP device as well).
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        for team in user_teams:
            team.members.add(user)
        users[username] = user
        logins.append(DemoLogin(username, password, role, ", ".join(t.name for t in user_teams)))
    admin_password = f"admin-{secrets.token_urlsafe(9)}"
    admin = User.objects.create_superuser("admin", "admin@hospital.example", admin_password,
                                          first_name="Site", last_name="Administrator")
    admin.groups.add(Group.objects.get(name="administrator"))
    logins.append(DemoLogin("admin", admin_password, "administrator (superuser; /admin/ asks for a TOTP device)",
                            "all"))
    for team in (team_a, team_b):
        team.responsible_physician = users["pieter"]
        team.save()
    return {"a": team_a, "b": team_b, **users}, logins


def load_demo_data(now: dt.datetime) -> list[DemoLogin]:
    with transaction.atomic():
        ctx, logins = _users(now)
        b = DemoBuilder(now)
        for scenario in SCENARIOS:
            scenario(b, ctx)
    return logins


# --- scenarios: each one patient, named for what it shows ----------------------------------

def postop_mri_overdue_nsclc_egfr(b, c):
    p = b.patient(c["a"], c["nina"], "female", 58)
    b.primary(p, "nsclc_adeno", "IVA", "metastatic", 400, 6,
              [{"marker": "egfr", "result": "positive", "detail": "exon 19 deletion"},
               {"marker": "alk", "result": "negative"}, {"marker": "pd_l1", "result": "positive", "value_pct": 30}])
    b.status(p, 7, kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("8"), neuro_status="worse")
    b.mri(p, 6, {"L1": (34, "right frontal"), "L2": (8, "left parietal")}, purpose="diagnosis", baseline=True)
    b.treat(p, "surgery", b.ago(4, 9), b.ago(4, 13), lesions=["L1"], note="Resection right frontal metastasis")


def postop_mri_overdue_melanoma(b, c):
    p = b.patient(c["b"], c["noor"], "male", 49)
    b.primary(p, "melanoma", "IV", "metastatic", 700, 8, [{"marker": "braf", "result": "positive",
                                                          "detail": "V600E"}])
    b.status(p, 8, kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("4"))
    b.mri(p, 8, {"L1": (29, "left temporal")}, purpose="diagnosis", baseline=True)
    b.treat(p, "surgery", b.ago(5, 8), b.ago(5, 12), lesions=["L1"])


def postop_done_then_cavity_srs(b, c, type_="breast", team="b", nurse="noor", markers=None):
    p = b.patient(c[team], c[nurse], "female", 61)
    b.primary(p, type_, "IV", "metastatic", 900, 75, markers or [
        {"marker": "er", "result": "positive", "value_pct": 90}, {"marker": "pr", "result": "positive",
                                                                  "value_pct": 40},
        {"marker": "her2", "result": "positive", "detail": "IHC 3+"}])
    b.status(p, 76, kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("4"))
    b.mri(p, 75, {"L1": (31, "left cerebellar"), "L2": (12, "right occipital")}, purpose="diagnosis")
    b.treat(p, "surgery", b.ago(70, 9), b.ago(70, 12), lesions=["L1"])
    b.mri(p, 69, {"L1": (0, ""), "L2": (12, "")}, purpose="post_operative", baseline=True)
    b.status(p, 60, kps=90, dexamethasone_mg=Decimal("0"), neuro_status="improved")
    b.mri(p, 52, {"L1": (0, ""), "L2": (12, "")}, purpose="srs_planning", sequences=["t1_pre_3d", "t1_post_3d"])
    b.ct(p, 51)
    b.treat(p, "srs", b.ago(48, 9), b.ago(48, 10), lesions=["L2"], dose_gy=Decimal("24"), fractions=1)


def srs_followup_overdue(b, c, type_="nsclc_nonadeno", team="a", nurse="nina"):
    p = b.patient(c[team], c[nurse], "male", 67)
    b.primary(p, type_, "IIIB", "regional", 500, 125, [{"marker": "pd_l1", "result": "positive", "value_pct": 60}])
    b.status(p, 126, kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("0"))
    b.mri(p, 125, {"L1": (14, "right parietal"), "L2": (11, "left frontal")}, purpose="diagnosis")
    b.mri(p, 116, {"L1": (15, "right parietal"), "L2": (11, "left frontal")}, purpose="srs_planning",
          baseline=True)
    b.ct(p, 115)
    b.treat(p, "srs", b.ago(112, 9), b.ago(112, 10), lesions=["L1", "L2"], dose_gy=Decimal("20"), fractions=1)


def srs_serial_response(b, c, type_="renal", team="b", nurse="noor", age=64):
    p = b.patient(c[team], c[nurse], "male", age)
    b.primary(p, type_, "IV", "metastatic", 1200, 420, [])
    b.status(p, 421, kps=90, extracranial_metastases=True, haemoglobin_g_dl=Decimal("12.9"),
             dexamethasone_mg=Decimal("0"))
    b.mri(p, 420, {"L1": (22, "left frontal"), "L2": (16, "right temporal"), "L3": (11, "cerebellar")},
          purpose="srs_planning", baseline=True)
    b.ct(p, 419)
    b.treat(p, "srs", b.ago(415, 9), b.ago(415, 10), lesions=["L1", "L2", "L3"], dose_gy=Decimal("21"), fractions=1)
    for days, sizes in ((335, (17, 12, 9)), (250, (13, 9, 6)), (165, (10, 7, 0)), (75, (9, 6, 0))):
        b.mri(p, days, {"L1": (sizes[0], ""), "L2": (sizes[1], ""), "L3": (sizes[2], "")}, purpose="surveillance")
    b.status(p, 75, kps=90, haemoglobin_g_dl=Decimal("13.1"))


def ici_unconfirmed_progression(b, c):
    p = b.patient(c["b"], c["noor"], "female", 55)
    b.primary(p, "melanoma", "IV", "metastatic", 300, 130, [{"marker": "braf", "result": "negative"}])
    b.status(p, 131, kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"), neuro_status="stable")
    b.mri(p, 130, {"L1": (16, "right frontal"), "L2": (12, "left occipital")}, purpose="diagnosis", baseline=True)
    b.treat(p, "ici", b.ago(122, 9), agent="ipilimumab + nivolumab", line=1)
    b.status(p, 45, kps=90, dexamethasone_mg=Decimal("0"), neuro_status="stable")
    b.mri(p, 44, {"L1": (22, "right frontal"), "L2": (14, "left occipital")}, purpose="response")


def tt_response_due(b, c, markers=None, agent="osimertinib", type_="nsclc_adeno", started_days_ago=66):
    # The follow-up and the response MRI share one window: one need on the worklist. Started 66 days
    # ago, its deadline is some 4 weeks ahead ("due"); 86 days ago, within a week ("due this week").
    p = b.patient(c["a"], c["nina"], "female", 52)
    b.primary(p, type_, "IVB", "metastatic", 80, 70, markers or [
        {"marker": "egfr", "result": "positive", "detail": "L858R"}, {"marker": "alk", "result": "negative"},
        {"marker": "pd_l1", "result": "negative", "value_pct": 0}])
    b.status(p, 70, kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    b.mri(p, 70, {f"L{i}": (mm, loc) for i, (mm, loc) in enumerate(
        [(13, "left frontal"), (11, "right parietal"), (7, "cerebellar"), (6, "left occipital")], 1)},
        purpose="diagnosis", baseline=True, non_target="present")
    b.treat(p, "tt", b.ago(started_days_ago, 9), agent=agent, line=1)


def postop_mri_done_late(b, c):
    # The post-operative MRI came 92 h after surgery, past the 72 h limit: "done late (20 h ...)".
    p = b.patient(c["a"], c["nina"], "male", 55)
    b.primary(p, "nsclc_nonadeno", "IVA", "metastatic", 300, 30,
              [{"marker": "pd_l1", "result": "positive", "value_pct": 10}])
    b.status(p, 31, kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("4"))
    b.mri(p, 30, {"L1": (26, "right temporal")}, purpose="diagnosis", baseline=True)
    surgery_end = b.ago(25, 12)
    b.treat(p, "surgery", surgery_end - dt.timedelta(hours=3), surgery_end, lesions=["L1"])
    services.record_scan(p, at=surgery_end + dt.timedelta(hours=92), modality="mri", purpose="post_operative",
                         field_strength_t=Decimal("3.0"), scanner=SCANNER_3T, sequences=FULL_PROTOCOL,
                         measurements=[{"lesion": "L1", "disappeared": True}], now=b.now)


def planned_srs_without_planning_mri(b, c):
    p = b.patient(c["a"], c["nina"], "male", 71)
    b.primary(p, "nsclc_adeno", "IV", "metastatic", 60, 20, [{"marker": "egfr", "result": "negative"},
                                                             {"marker": "alk", "result": "negative"},
                                                             {"marker": "pd_l1", "result": "positive",
                                                              "value_pct": 80}])
    b.status(p, 20, kps=70, extracranial_metastases=True)
    b.mri(p, 20, {"L1": (18, "left parietal"), "L2": (9, "right frontal")}, purpose="diagnosis",
          scanner=SCANNER_15T)
    b.treat(p, "srs", b.ahead(3), status="planned", dose_gy=Decimal("24"), fractions=1)


def wbrt_sclc(b, c):
    p = b.patient(c["a"], c["nina"], "male", 66)
    b.primary(p, "sclc", "IV", "metastatic", 120, 40, [])
    b.status(p, 40, kps=70, extracranial_metastases=True, dexamethasone_mg=Decimal("8"))
    b.mri(p, 40, {f"L{i}": (mm, "") for i, mm in enumerate([15, 12, 10, 9, 8, 6, 5], 1)}, purpose="diagnosis",
          baseline=True)
    b.treat(p, "wbrt", b.ago(33, 9), b.ago(20, 10), dose_gy=Decimal("20"), fractions=5)


def scan_awaiting_measurements(b, c, type_="colorectal", team="a", nurse="nina"):
    p = b.patient(c[team], c[nurse], "female", 69)
    b.primary(p, type_, "IV", "metastatic", 900, 150, [{"marker": "ras", "result": "positive", "detail": "KRAS G12D"}])
    b.status(p, 150, kps=80, extracranial_metastases=True)
    b.mri(p, 150, {"L1": (26, "right cerebellar")}, purpose="diagnosis")
    b.treat(p, "surgery", b.ago(145, 9), b.ago(145, 12), lesions=["L1"])
    b.mri(p, 144, {"L1": (0, "")}, purpose="post_operative", baseline=True)
    b.mri(p, 60, {"L1": (0, "")}, purpose="surveillance")
    b.mri(p, 1, None, purpose="surveillance")


def inactive(status):
    def scenario(b, c):
        p = b.patient(c["a"], c["nina"], "male", 74)
        b.primary(p, "nsclc_nonadeno", "IV", "metastatic", 500, 300, [])
        b.status(p, 300, kps=60, extracranial_metastases=True)
        b.mri(p, 300, {"L1": (24, "left frontal")}, purpose="diagnosis", baseline=True)
        b.treat(p, "wbrt", b.ago(290, 9), b.ago(280, 10), dose_gy=Decimal("20"), fractions=5)
        services.set_patient_status(p, status, deceased_on=b.day(30) if status == "deceased" else None, now=b.now)
    scenario.__name__ = f"inactive_{status}"
    return scenario


def gynae_srs_recent(b, c):
    p = b.patient(c["a"], c["nina"], "female", 59)
    b.primary(p, "gynaecological", "IVB", "metastatic", 700, 45, [])
    b.status(p, 45, kps=80, extracranial_metastases=False)
    b.mri(p, 44, {"L1": (17, "right frontal")}, purpose="srs_planning", baseline=True)
    b.ct(p, 43)
    b.treat(p, "srs", b.ago(40, 9), b.ago(40, 10), lesions=["L1"], dose_gy=Decimal("22"), fractions=1)


def breast_triple_negative_fsrs(b, c):
    p = b.patient(c["b"], c["noor"], "female", 44)
    b.primary(p, "breast", "IIIC", "regional", 500, 95, [{"marker": "er", "result": "negative"},
                                                         {"marker": "pr", "result": "negative"},
                                                         {"marker": "her2", "result": "negative"}])
    b.status(p, 95, kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("2"))
    b.mri(p, 94, {"L1": (32, "left temporal")}, purpose="srs_planning", baseline=True)
    b.ct(p, 93)
    b.treat(p, "fsrs", b.ago(90, 9), b.ago(86, 10), lesions=["L1"], dose_gy=Decimal("27"), fractions=3)
    b.mri(p, 28, {"L1": (27, "left temporal")}, purpose="surveillance")


def melanoma_braf_tt_then_ici(b, c):
    p = b.patient(c["b"], c["noor"], "male", 38)
    b.primary(p, "melanoma", "IIID", "regional", 600, 260, [{"marker": "braf", "result": "positive",
                                                             "detail": "V600K"}])
    b.status(p, 260, kps=100, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    b.mri(p, 259, {"L1": (12, "right parietal"), "L2": (10, "left frontal"), "L3": (4, "pons")},
          purpose="diagnosis", baseline=True, non_target="present")
    b.treat(p, "tt", b.ago(255, 9), b.ago(130, 9), status="stopped", agent="dabrafenib + trametinib", line=1)
    b.mri(p, 190, {"L1": (6, ""), "L2": (5, ""), "L3": (0, "")}, purpose="response", non_target="none")
    b.mri(p, 132, {"L1": (8, ""), "L2": (7, ""), "L3": (0, "")}, purpose="surveillance", new_lesions="definite")
    b.treat(p, "ici", b.ago(125, 9), agent="nivolumab", line=2)
    b.mri(p, 40, {"L1": (7, ""), "L2": (6, ""), "L3": (0, "")}, purpose="response")


def srs_lesion_enlarging_in_necrosis_window(b, c):
    """An SRS-treated lesion grows 8 months after radiosurgery: unconfirmed PD with possible
    radiation necrosis (rano-bm.md), confirmation MRI due, work-up suggested."""
    p = b.patient(c["a"], c["nina"], "female", 62)
    b.primary(p, "nsclc_adeno", "IV", "metastatic", 700, 262, [{"marker": "egfr", "result": "negative"},
                                                               {"marker": "alk", "result": "negative"}])
    b.status(p, 262, kps=90, extracranial_metastases=False, dexamethasone_mg=Decimal("0"))
    b.mri(p, 260, {"L1": (18, "left frontal"), "L2": (12, "right parietal")}, purpose="srs_planning", baseline=True)
    b.ct(p, 259)
    b.treat(p, "srs", b.ago(255, 9), b.ago(255, 10), lesions=["L1", "L2"], dose_gy=Decimal("21"), fractions=1)
    b.mri(p, 170, {"L1": (14, ""), "L2": (10, "")}, purpose="surveillance")
    b.mri(p, 12, {"L1": (22, ""), "L2": (10, "")}, purpose="surveillance")


def new_lesion_awaiting_call(b, c):
    """A follow-up MRI measured a new lesion and nobody has called it yet (record.md: no silent
    default): equivocal until the reader says none, equivocal or definite."""
    p = b.patient(c["b"], c["noor"], "male", 59)
    b.primary(p, "breast", "IV", "metastatic", 800, 150, [
        {"marker": "er", "result": "negative"}, {"marker": "pr", "result": "negative"},
        {"marker": "her2", "result": "positive", "detail": "IHC 3+"}])
    b.status(p, 151, kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    b.mri(p, 150, {"L1": (20, "right frontal")}, purpose="srs_planning", baseline=True)
    b.treat(p, "srs", b.ago(146, 9), b.ago(146, 10), lesions=["L1"], dose_gy=Decimal("24"), fractions=1)
    # As it arrives from another system (the PACS's structured report): measured, not yet called.
    b.mri(p, 3, {"L1": (15, ""), "L2": (6, "left occipital")}, purpose="surveillance", new_lesions="",
          call_required=False)


SCENARIOS = [
    srs_lesion_enlarging_in_necrosis_window,
    new_lesion_awaiting_call,
    postop_mri_overdue_nsclc_egfr,
    postop_mri_overdue_melanoma,
    postop_done_then_cavity_srs,
    lambda b, c: postop_done_then_cavity_srs(b, c, type_="nsclc_adeno", team="a", nurse="nina", markers=[
        {"marker": "alk", "result": "positive", "detail": "EML4-ALK"}, {"marker": "egfr", "result": "negative"}]),
    lambda b, c: postop_done_then_cavity_srs(b, c, type_="breast", markers=[
        {"marker": "er", "result": "positive", "value_pct": 95}, {"marker": "pr", "result": "positive",
                                                                  "value_pct": 70},
        {"marker": "her2", "result": "negative"}]),
    srs_followup_overdue,
    lambda b, c: srs_followup_overdue(b, c, type_="nsclc_adeno"),
    lambda b, c: srs_followup_overdue(b, c, type_="melanoma", team="b", nurse="noor"),
    lambda b, c: srs_followup_overdue(b, c, type_="breast", team="b", nurse="noor"),
    srs_serial_response,
    lambda b, c: srs_serial_response(b, c, type_="melanoma", age=57),
    lambda b, c: srs_serial_response(b, c, type_="breast", age=48),
    lambda b, c: srs_serial_response(b, c, type_="nsclc_adeno", team="a", nurse="nina", age=63),
    lambda b, c: srs_serial_response(b, c, type_="gi_other", team="a", nurse="nina", age=70),
    ici_unconfirmed_progression,
    tt_response_due,
    lambda b, c: tt_response_due(b, c, markers=[{"marker": "alk", "result": "positive", "detail": "EML4-ALK"},
                                                {"marker": "egfr", "result": "negative"}], agent="alectinib"),
    lambda b, c: tt_response_due(b, c, type_="nsclc_adeno", agent="pembrolizumab", markers=[
        {"marker": "egfr", "result": "negative"}, {"marker": "alk", "result": "negative"},
        {"marker": "pd_l1", "result": "positive", "value_pct": 75}]),
    planned_srs_without_planning_mri,
    wbrt_sclc,
    lambda b, c: wbrt_sclc(b, c),
    scan_awaiting_measurements,
    lambda b, c: scan_awaiting_measurements(b, c, type_="gi_other"),
    inactive("deceased"),
    inactive("discharged"),
    inactive("supportive_care"),
    gynae_srs_recent,
    lambda b, c: gynae_srs_recent(b, c),
    breast_triple_negative_fsrs,
    lambda b, c: breast_triple_negative_fsrs(b, c),
    melanoma_braf_tt_then_ici,
    lambda b, c: melanoma_braf_tt_then_ici(b, c),
    lambda b, c: srs_serial_response(b, c, type_="renal", age=72),
    lambda b, c: srs_followup_overdue(b, c, type_="sclc"),
    lambda b, c: srs_followup_overdue(b, c, type_="renal", team="b", nurse="noor"),
    lambda b, c: postop_mri_overdue_nsclc_egfr(b, c),
    lambda b, c: gynae_srs_recent(b, c),
    lambda b, c: scan_awaiting_measurements(b, c, type_="colorectal"),
    lambda b, c: tt_response_due(b, c, type_="nsclc_adeno", agent="osimertinib"),
    lambda b, c: srs_serial_response(b, c, type_="colorectal", team="a", nurse="nina", age=66),
    lambda b, c: tt_response_due(b, c, type_="nsclc_adeno", agent="erlotinib", started_days_ago=86),
    postop_mri_done_late,
]
