"""Recording the board's decision creates the planned treatment or the due item, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bmtrack.boards import services
from bmtrack.boards.decisions import record_decision
from bmtrack.patients import services as patient_services
from bmtrack.patients.models import Treatment
from bmtrack.surveillance.models import DueItem
from tests.boards.conftest import History
from tests.conftest import at

pytestmark = pytest.mark.django_db

D = dt.date
DECIDED_AT = at(2026, 6, 10, 17)


@pytest.fixture
def case(meeting, dora, bob, make_patient):
    patient = make_patient()
    h = History(patient)
    h.primary(D(2025, 3, 1), bm=D(2026, 5, 30), markers=[{"marker": "egfr", "result": "negative"},
                                                           {"marker": "alk", "result": "negative"}])
    h.status(D(2026, 5, 30), kps=90, extracranial_metastases=False)
    h.mri(D(2026, 5, 30), {"L1": 16, "L2": 9}, purpose="diagnosis")
    return services.add_case(meeting, patient, question="New brain metastases: SRS?", presenter=bob, user=dora)


def test_srs_planned_creates_a_planned_srs_and_surveillance_owes_its_planning_mri(case, dora):
    decided = record_decision(case, "srs_planned", planned_on=D(2026, 6, 24), lesions=case.patient.lesions.all(),
                              note="24 Gy single fraction", user=dora, now=DECIDED_AT)

    treatment = decided.planned_treatment
    assert (treatment.kind, treatment.status) == ("srs", "planned")
    assert treatment.start == at(2026, 6, 24, 9)
    assert sorted(lesion.label for lesion in treatment.lesions.all()) == ["L1", "L2"]
    assert treatment.note.startswith("Tumour board Neuro-oncology board, 10 Jun 2026: SRS planned. 24 Gy")
    planning = DueItem.objects.get(patient=case.patient, kind="srs_planning_mri", trigger=f"T{treatment.pk}")
    assert planning.due_by == D(2026, 6, 24)
    assert (decided.decision, decided.decided_by, decided.decided_at) == ("srs_planned", dora, DECIDED_AT)


def test_surgery_and_wbrt_create_planned_treatments_of_their_kind(meeting, case, dora, make_patient):
    record_decision(case, "surgery", planned_on=D(2026, 6, 17), user=dora, now=DECIDED_AT)
    other = services.add_case(meeting, make_patient(), question="WBRT?", user=dora)
    record_decision(other, "wbrt", planned_on=D(2026, 6, 20), user=dora, now=DECIDED_AT)

    assert Treatment.objects.get(patient=case.patient).kind == "surgery"
    assert Treatment.objects.get(patient=other.patient).kind == "wbrt"
    assert set(Treatment.objects.values_list("status", flat=True)) == {"planned"}


def test_switching_systemic_therapy_plans_the_new_agent(case, dora):
    decided = record_decision(case, "switch_systemic", planned_on=D(2026, 6, 15), systemic_kind="ici",
                              agent="pembrolizumab", line=2, user=dora, now=DECIDED_AT)

    treatment = decided.planned_treatment
    assert (treatment.kind, treatment.status, treatment.agent, treatment.line) == ("ici", "planned", "pembrolizumab", 2)


def test_repeat_mri_in_3_months_adds_a_board_follow_up_item_3_months_after_the_meeting(case, dora):
    decided = record_decision(case, "repeat_mri_3_months", note="then rediscuss", user=dora, now=DECIDED_AT)

    item = decided.followup_item
    assert item.kind == "board_followup" and item.patient == case.patient
    assert (item.due_from, item.due_by) == (D(2026, 8, 27), D(2026, 9, 24))  # 10 Sep 2026 ± 14 days
    assert item.is_open
    assert item.reason == "Tumour board Neuro-oncology board, 10 Jun 2026: Repeat MRI in 3 months. then rediscuss"


def test_advanced_imaging_adds_a_follow_up_item_due_within_two_weeks(case, dora):
    decided = record_decision(case, "advanced_imaging", user=dora, now=DECIDED_AT)

    assert (decided.followup_item.due_from, decided.followup_item.due_by) == (D(2026, 6, 10), D(2026, 6, 24))


def test_best_supportive_care_ends_surveillance(case, dora):
    record_decision(case, "best_supportive_care", note="patient's wish", user=dora, now=DECIDED_AT)

    case.patient.refresh_from_db()
    assert case.patient.status == "supportive_care"
    assert not DueItem.objects.filter(patient=case.patient, state__in=("upcoming", "due", "overdue")).exists()


def test_a_decision_is_recorded_once(case, dora):
    record_decision(case, "continue_surveillance", user=dora, now=DECIDED_AT)

    with pytest.raises(ValidationError) as error:
        record_decision(case, "repeat_mri_3_months", user=dora, now=DECIDED_AT)
    assert "already decided" in str(error.value)
    assert not DueItem.objects.filter(kind="board_followup").exists()


def test_a_decision_that_cannot_be_followed_up_leaves_nothing_behind(case, dora):
    # A follow-up cannot be owed by a patient no longer under surveillance: the whole decision fails.
    patient_services.set_patient_status(case.patient, "discharged", now=at(2026, 6, 10, 12))

    with pytest.raises(ValidationError):
        record_decision(case, "repeat_mri_3_months", user=dora, now=DECIDED_AT)

    case.refresh_from_db()
    assert case.decision == "" and case.followup_item is None
    assert not DueItem.objects.filter(kind="board_followup").exists()


@pytest.mark.parametrize(("decision", "fields", "field"), [
    ("srs_planned", {}, "planned_on"),
    ("switch_systemic", {"planned_on": D(2026, 6, 15)}, "systemic_kind"),
    ("other", {}, "decision_note"),
    ("wait_and_see", {}, "decision"),
])
def test_an_incomplete_decision_is_refused_naming_the_field(case, dora, decision, fields, field):
    with pytest.raises(ValidationError) as error:
        record_decision(case, decision, user=dora, now=DECIDED_AT, **fields)

    assert field in error.value.message_dict
    assert not Treatment.objects.filter(patient=case.patient).exists()


def test_lesions_of_another_patient_are_refused(case, dora, make_patient):
    stranger = make_patient()
    History(stranger).mri(D(2026, 5, 30), {"L9": Decimal("12")}, purpose="diagnosis")

    with pytest.raises(ValidationError):
        record_decision(case, "srs_planned", planned_on=D(2026, 6, 24), lesions=stranger.lesions.all(), user=dora,
                        now=DECIDED_AT)
    case.refresh_from_db()
    assert case.decision == ""
