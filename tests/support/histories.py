"""Named clinical histories the web and browser tests share, each one patient in one situation the
worklist, the patient page or the adherence grid must show. Written with the history builder
(tests/support/history.py) back from ``now`` (FIXED_NOW unless given), for the tests alone: the demo
data (bmtrack/patients/demo.py) shows the app to new users and may change for that reason.

Each takes the patient's team and responsible nurse and returns the patient.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.support.history import FIXED_NOW, SCANNER_15T, History

EGFR_EXON19 = {"marker": "egfr", "result": "positive", "detail": "exon 19 deletion"}
EGFR_NEGATIVE = {"marker": "egfr", "result": "negative"}
ALK_NEGATIVE = {"marker": "alk", "result": "negative"}


def _at(lesions: dict) -> dict:
    """{"L1": (mm, location)} -> the builder's {"L1": (mm, {"location": ...})}; 0 = disappeared."""
    return {label: (mm, {"location": loc} if loc and mm else {}) for label, (mm, loc) in lesions.items()}


def postop_mri_overdue(team, nurse, now=FIXED_NOW):
    """NSCLC (EGFR+), a right frontal metastasis resected four days ago (13:00): the post-operative
    MRI (72 h) is overdue by some 19 hours at 8 am, and urgent."""
    h = History.new_patient(team, nurse, now, sex="female", age=58)
    h.primary(400, "nsclc_adeno", bm=6, markers=[EGFR_EXON19, ALK_NEGATIVE,
                                                  {"marker": "pd_l1", "result": "positive", "value_pct": 30}])
    h.status(days_ago=7, kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("8"), neuro_status="worse")
    h.mri(days_ago=6, lesions=_at({"L1": (34, "right frontal"), "L2": (8, "left parietal")}), purpose="diagnosis",
          baseline=True)
    h.surgery(days_ago=4, lesions=["L1"], note="Resection right frontal metastasis")
    return h.patient


def postop_mri_overdue_melanoma(team, nurse, now=FIXED_NOW):
    """Melanoma (BRAF V600E), resected five days ago: post-operative MRI overdue."""
    h = History.new_patient(team, nurse, now, sex="male", age=49)
    h.primary(700, "melanoma", stage="IV", bm=8, markers=[{"marker": "braf", "result": "positive", "detail": "V600E"}])
    h.status(days_ago=8, kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("4"))
    h.mri(days_ago=8, lesions=_at({"L1": (29, "left temporal")}), purpose="diagnosis", baseline=True)
    h.treat("surgery", start=h.at(days_ago=5, hour=8), end=h.at(days_ago=5, hour=12), lesions=["L1"])
    return h.patient


def postop_done_then_cavity_srs(team, nurse, now=FIXED_NOW):
    """Breast (ER+/PR+/HER2+): resection 70 days ago, post-operative MRI the next day (on time), then
    SRS of the other lesion 48 days ago: the follow-up MRI comes later."""
    h = History.new_patient(team, nurse, now, sex="female", age=61)
    h.primary(900, "breast", stage="IV", bm=75, markers=[
        {"marker": "er", "result": "positive", "value_pct": 90},
        {"marker": "pr", "result": "positive", "value_pct": 40},
        {"marker": "her2", "result": "positive", "detail": "IHC 3+"}])
    h.status(days_ago=76, kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("4"))
    h.mri(days_ago=75, lesions=_at({"L1": (31, "left cerebellar"), "L2": (12, "right occipital")}),
          purpose="diagnosis")
    h.surgery(days_ago=70, lesions=["L1"], hours=3)
    h.mri(days_ago=69, lesions={"L1": 0, "L2": 12}, purpose="post_operative", baseline=True)
    h.status(days_ago=60, kps=90, dexamethasone_mg=Decimal("0"), neuro_status="improved")
    h.mri(days_ago=52, lesions={"L1": 0, "L2": 12}, purpose="srs_planning", sequences=["t1_pre_3d", "t1_post_3d"])
    h.ct(days_ago=51)
    h.srs(days_ago=48, lesions=["L2"], dose_gy=24)
    return h.patient


def postop_mri_done_late(team, nurse, now=FIXED_NOW):
    """NSCLC: the post-operative MRI came 92 h after surgery, past the 72 h limit: "done late"."""
    h = History.new_patient(team, nurse, now, sex="male", age=55)
    h.primary(300, "nsclc_nonadeno", bm=30, markers=[{"marker": "pd_l1", "result": "positive", "value_pct": 10}])
    h.status(days_ago=31, kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("4"))
    h.mri(days_ago=30, lesions=_at({"L1": (26, "right temporal")}), purpose="diagnosis", baseline=True)
    surgery = h.surgery(days_ago=25, lesions=["L1"], hours=3)
    h.mri(at=surgery.end + dt.timedelta(hours=92), lesions={"L1": 0}, purpose="post_operative")
    return h.patient


def srs_followup_overdue(team, nurse, now=FIXED_NOW, type_="nsclc_nonadeno"):
    """SRS of two lesions 112 days ago and no MRI since: the follow-up MRI is weeks overdue."""
    h = History.new_patient(team, nurse, now, sex="male", age=67)
    h.primary(500, type_, stage="IIIB", seer="regional", bm=125,
              markers=[{"marker": "pd_l1", "result": "positive", "value_pct": 60}])
    h.status(days_ago=126, kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("0"))
    h.mri(days_ago=125, lesions=_at({"L1": (14, "right parietal"), "L2": (11, "left frontal")}), purpose="diagnosis")
    h.mri(days_ago=116, lesions=_at({"L1": (15, "right parietal"), "L2": (11, "left frontal")}),
          purpose="srs_planning", baseline=True)
    h.ct(days_ago=115)
    h.srs(days_ago=112, lesions=["L1", "L2"], dose_gy=20)
    return h.patient


def srs_serial_response(team, nurse, now=FIXED_NOW, type_="renal", age=64):
    """Renal cancer, SRS of three lesions 415 days ago, then four surveillance MRIs as they shrink
    (L3 gone by the third): a serial RANO-BM response."""
    h = History.new_patient(team, nurse, now, sex="male", age=age)
    h.primary(1200, type_, stage="IV", bm=420)
    h.status(days_ago=421, kps=90, extracranial_metastases=True, haemoglobin_g_dl=Decimal("12.9"),
             dexamethasone_mg=Decimal("0"))
    h.mri(days_ago=420, lesions=_at({"L1": (22, "left frontal"), "L2": (16, "right temporal"),
                                    "L3": (11, "cerebellar")}), purpose="srs_planning", baseline=True)
    h.ct(days_ago=419)
    h.srs(days_ago=415, lesions=["L1", "L2", "L3"], dose_gy=21)
    for days, (l1, l2, l3) in ((335, (17, 12, 9)), (250, (13, 9, 6)), (165, (10, 7, 0)), (75, (9, 6, 0))):
        h.mri(days_ago=days, lesions={"L1": l1, "L2": l2, "L3": l3}, purpose="surveillance")
    h.status(days_ago=75, kps=90, haemoglobin_g_dl=Decimal("13.1"))
    return h.patient


def ici_unconfirmed_progression(team, nurse, now=FIXED_NOW):
    """Melanoma on ipilimumab + nivolumab: the response MRI 44 days ago grew L1 16 → 22 mm, an
    unconfirmed progression (immunotherapy: confirm before calling it)."""
    h = History.new_patient(team, nurse, now, sex="female", age=55)
    h.primary(300, "melanoma", stage="IV", bm=130, markers=[{"marker": "braf", "result": "negative"}])
    h.status(days_ago=131, kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"), neuro_status="stable")
    h.mri(days_ago=130, lesions=_at({"L1": (16, "right frontal"), "L2": (12, "left occipital")}),
          purpose="diagnosis", baseline=True)
    h.treat("ici", days_ago=122, agent="ipilimumab + nivolumab", line=1)
    h.status(days_ago=45, kps=90, dexamethasone_mg=Decimal("0"), neuro_status="stable")
    h.mri(days_ago=44, lesions=_at({"L1": (22, "right frontal"), "L2": (14, "left occipital")}), purpose="response")
    return h.patient


def tt_response_due(team, nurse, now=FIXED_NOW, started_days_ago=66, agent="osimertinib"):
    """NSCLC (EGFR L858R) on targeted therapy: the follow-up and the response MRI share one window,
    one need. Started 66 days ago its deadline is some four weeks ahead ("due"); 86 days ago,
    within a week ("due this week")."""
    h = History.new_patient(team, nurse, now, sex="female", age=52)
    h.primary(80, "nsclc_adeno", stage="IVB", bm=70, markers=[
        {"marker": "egfr", "result": "positive", "detail": "L858R"}, ALK_NEGATIVE,
        {"marker": "pd_l1", "result": "negative", "value_pct": 0}])
    h.status(days_ago=70, kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    h.mri(days_ago=70, lesions=_at({"L1": (13, "left frontal"), "L2": (11, "right parietal"), "L3": (7, "cerebellar"),
                                   "L4": (6, "left occipital")}), purpose="diagnosis", baseline=True,
          non_target="present")
    h.treat("tt", days_ago=started_days_ago, agent=agent, line=1)
    return h.patient


def gynae_srs_recent(team, nurse, now=FIXED_NOW):
    """Gynaecological cancer, SRS 40 days ago: follow-up MRI upcoming, radiation-necrosis window open."""
    h = History.new_patient(team, nurse, now, sex="female", age=59)
    h.primary(700, "gynaecological", stage="IVB", bm=45)
    h.status(days_ago=45, kps=80, extracranial_metastases=False)
    h.mri(days_ago=44, lesions=_at({"L1": (17, "right frontal")}), purpose="srs_planning", baseline=True)
    h.ct(days_ago=43)
    h.srs(days_ago=40, lesions=["L1"], dose_gy=22)
    return h.patient


def scan_awaiting_measurements(team, nurse, now=FIXED_NOW):
    """Colorectal cancer, resected, followed up: yesterday's surveillance MRI waits for measurements."""
    h = History.new_patient(team, nurse, now, sex="female", age=69)
    h.primary(900, "colorectal", stage="IV", bm=150, markers=[{"marker": "ras", "result": "positive",
                                                               "detail": "KRAS G12D"}])
    h.status(days_ago=150, kps=80, extracranial_metastases=True)
    h.mri(days_ago=150, lesions=_at({"L1": (26, "right cerebellar")}), purpose="diagnosis")
    h.surgery(days_ago=145, lesions=["L1"], hours=3)
    h.mri(days_ago=144, lesions={"L1": 0}, purpose="post_operative", baseline=True)
    h.mri(days_ago=60, lesions={"L1": 0}, purpose="surveillance")
    h.mri(days_ago=1, lesions=None, purpose="surveillance")
    return h.patient


def planned_srs_without_planning_mri(team, nurse, now=FIXED_NOW):
    """SRS planned three days ahead, and no planning MRI yet (the diagnostic one was 1.5 T)."""
    h = History.new_patient(team, nurse, now, sex="male", age=71)
    h.primary(60, "nsclc_adeno", stage="IV", bm=20, markers=[
        EGFR_NEGATIVE, ALK_NEGATIVE, {"marker": "pd_l1", "result": "positive", "value_pct": 80}])
    h.status(days_ago=20, kps=70, extracranial_metastases=True)
    h.mri(days_ago=20, lesions=_at({"L1": (18, "left parietal"), "L2": (9, "right frontal")}), purpose="diagnosis",
          scanner=SCANNER_15T)
    h.treat("srs", start=h.ahead(3), status="planned", dose_gy=Decimal("24"), fractions=1)
    return h.patient


def wbrt_sclc(team, nurse, now=FIXED_NOW):
    """Small-cell lung cancer, seven lesions, whole-brain radiotherapy 33 to 20 days ago."""
    h = History.new_patient(team, nurse, now, sex="male", age=66)
    h.primary(120, "sclc", stage="IV", bm=40)
    h.status(days_ago=40, kps=70, extracranial_metastases=True, dexamethasone_mg=Decimal("8"))
    h.mri(days_ago=40, lesions={f"L{i}": mm for i, mm in enumerate([15, 12, 10, 9, 8, 6, 5], 1)},
          purpose="diagnosis", baseline=True)
    h.treat("wbrt", days_ago=33, end_days_ago=20, dose_gy=Decimal("20"), fractions=5)
    return h.patient


def srs_lesion_enlarging_in_necrosis_window(team, nurse, now=FIXED_NOW):
    """An SRS-treated lesion grows 8 months after radiosurgery (14 → 22 mm): unconfirmed PD with
    possible radiation necrosis, confirmation MRI due, work-up suggested."""
    h = History.new_patient(team, nurse, now, sex="female", age=62)
    h.primary(700, "nsclc_adeno", stage="IV", bm=262, markers=[EGFR_NEGATIVE, ALK_NEGATIVE])
    h.status(days_ago=262, kps=90, extracranial_metastases=False, dexamethasone_mg=Decimal("0"))
    h.mri(days_ago=260, lesions=_at({"L1": (18, "left frontal"), "L2": (12, "right parietal")}),
          purpose="srs_planning", baseline=True)
    h.ct(days_ago=259)
    h.srs(days_ago=255, lesions=["L1", "L2"], dose_gy=21)
    h.mri(days_ago=170, lesions={"L1": 14, "L2": 10}, purpose="surveillance")
    h.mri(days_ago=12, lesions={"L1": 22, "L2": 10}, purpose="surveillance")
    return h.patient


def new_lesion_awaiting_call(team, nurse, now=FIXED_NOW):
    """A follow-up MRI measured a new lesion (L2) and nobody has called it yet: equivocal until the
    reader says none, equivocal or definite (as it arrives from the PACS's structured report)."""
    h = History.new_patient(team, nurse, now, sex="male", age=59)
    h.primary(800, "breast", stage="IV", bm=150, markers=[
        {"marker": "er", "result": "negative"}, {"marker": "pr", "result": "negative"},
        {"marker": "her2", "result": "positive", "detail": "IHC 3+"}])
    h.status(days_ago=151, kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    h.mri(days_ago=150, lesions=_at({"L1": (20, "right frontal")}), purpose="srs_planning", baseline=True)
    h.srs(days_ago=146, lesions=["L1"], dose_gy=24)
    h.mri(days_ago=3, lesions=_at({"L1": (15, ""), "L2": (6, "left occipital")}), purpose="surveillance",
          new_lesions="", call_required=False)
    return h.patient


EVERY = (srs_lesion_enlarging_in_necrosis_window, new_lesion_awaiting_call, postop_mri_overdue,
         postop_mri_overdue_melanoma, postop_done_then_cavity_srs, postop_mri_done_late, srs_followup_overdue,
         srs_serial_response, ici_unconfirmed_progression, tt_response_due, gynae_srs_recent,
         scan_awaiting_measurements, planned_srs_without_planning_mri, wbrt_sclc)


def deceased(team, nurse, now=FIXED_NOW):
    """NSCLC treated with whole-brain radiotherapy ten months ago; died a month ago."""
    from bmtrack.patients import services

    h = History.new_patient(team, nurse, now, sex="male", age=74)
    h.primary(500, "nsclc_nonadeno", stage="IV", bm=300)
    h.status(days_ago=300, kps=60, extracranial_metastases=True)
    h.mri(days_ago=300, lesions=_at({"L1": (24, "left frontal")}), purpose="diagnosis", baseline=True)
    h.treat("wbrt", days_ago=290, end_days_ago=280, dose_gy=Decimal("20"), fractions=5)
    services.set_patient_status(h.patient, "deceased", deceased_on=h.day(days_ago=30), now=now)
    return h.patient
