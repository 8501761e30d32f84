"""Suggested cases: each rule with a patient who should and one who should not be suggested."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bmtrack.boards import services
from bmtrack.boards.models import CaseSuggestion, SuggestionReason
from bmtrack.boards.suggestions import suggestions_for_meeting
from tests.boards.conftest import History

pytestmark = pytest.mark.django_db

D = dt.date


def reasons_by_patient(meeting, user) -> dict[int, set[str]]:
    return {ps.patient.pk: {item.reason for item in ps.items} for ps in suggestions_for_meeting(meeting, user)}


def test_it_suggests_a_new_brain_metastasis_diagnosis_and_not_an_old_one(meeting, dora, make_patient):
    new, old = make_patient(), make_patient()
    History(new).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    History(old).primary(D(2024, 1, 5), bm=D(2025, 6, 1))

    found = reasons_by_patient(meeting, dora)

    assert found.get(new.pk) == {SuggestionReason.NEW_BM}
    assert old.pk not in found


def test_it_suggests_first_lesions_on_an_mri_when_no_diagnosis_date_is_recorded(meeting, dora, make_patient):
    first_seen, long_known = make_patient(), make_patient()
    History(first_seen).mri(D(2026, 6, 2), {"L1": 14}, purpose="diagnosis")
    History(long_known).mri(D(2025, 9, 1), {"L1": 14}, purpose="diagnosis")
    History(long_known).mri(D(2026, 6, 2), {"L1": 13}, purpose="surveillance")

    found = reasons_by_patient(meeting, dora)

    assert found.get(first_seen.pk) == {SuggestionReason.NEW_BM}
    assert long_known.pk not in found


def _responding(patient, last_sizes, new_lesions="none"):
    h = History(patient)
    h.primary(D(2025, 10, 1), type_="melanoma", bm=D(2026, 1, 10),
              markers=[{"marker": "braf", "result": "negative"}])
    h.status(D(2026, 1, 10), kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    h.mri(D(2026, 1, 10), {"L1": 16, "L2": 12}, purpose="diagnosis", baseline=True)
    h.treat("chemo", D(2026, 1, 20), agent="temozolomide", line=1)
    h.mri(D(2026, 4, 1), {"L1": 10, "L2": 8}, purpose="response")
    h.mri(D(2026, 6, 1), last_sizes, purpose="response", new_lesions=new_lesions)
    return h


def test_it_suggests_progression_and_not_a_continued_response(meeting, dora, make_patient):
    progressing, responding = make_patient(), make_patient()
    _responding(progressing, {"L1": 17, "L2": 9})
    _responding(responding, {"L1": 9, "L2": 7})

    found = suggestions_for_meeting(meeting, dora)
    by_patient = {ps.patient.pk: ps for ps in found}

    assert SuggestionReason.PROGRESSION in {i.reason for i in by_patient[progressing.pk].items}
    text = next(i.text for i in by_patient[progressing.pk].items if i.reason == SuggestionReason.PROGRESSION)
    assert text.startswith("PD (RANO-BM) on the MRI of 1 Jun 2026: sum 26 mm")
    assert responding.pk not in by_patient


def test_it_suggests_an_unconfirmed_progression_on_immunotherapy(meeting, dora, make_patient):
    patient = make_patient()
    h = History(patient)
    h.primary(D(2025, 10, 1), type_="melanoma", bm=D(2026, 1, 10))
    h.status(D(2026, 1, 10), kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    h.mri(D(2026, 1, 10), {"L1": 16, "L2": 12}, purpose="diagnosis", baseline=True)
    h.treat("ici", D(2026, 1, 20), agent="ipilimumab + nivolumab", line=1)
    h.mri(D(2026, 5, 25), {"L1": 22, "L2": 14}, purpose="response")

    (suggested,) = suggestions_for_meeting(meeting, dora)

    item = next(i for i in suggested.items if i.reason == SuggestionReason.PROGRESSION)
    assert item.text.startswith("Unconfirmed PD (iRANO) on the MRI of 25 May 2026")
    assert "confirmation MRI due" in item.text
    assert suggested.question.startswith("Unconfirmed progression on immunotherapy")


def _srs_then(patient, last_l1, last_l2=7):
    h = History(patient)
    h.primary(D(2025, 1, 1), type_="breast", bm=D(2025, 11, 1), markers=[
        {"marker": "er", "result": "negative"}, {"marker": "pr", "result": "negative"},
        {"marker": "her2", "result": "negative"}])
    h.status(D(2025, 11, 1), kps=80, extracranial_metastases=False, dexamethasone_mg=Decimal("0"))
    h.mri(D(2025, 11, 1), {"L1": 18, "L2": 8}, purpose="srs_planning", baseline=True)
    h.treat("srs", D(2025, 11, 8), end=D(2025, 11, 8), lesions=["L1"], dose_gy=Decimal("20"), fractions=1)
    h.mri(D(2026, 2, 10), {"L1": 11, "L2": 7}, purpose="surveillance")
    h.mri(D(2026, 5, 30), {"L1": last_l1, "L2": last_l2}, purpose="surveillance")
    return h


def test_it_suggests_an_srs_treated_lesion_enlarging_inside_the_radiation_necrosis_window(meeting, dora,
                                                                                           make_patient):
    enlarging, shrinking = make_patient(), make_patient()
    _srs_then(enlarging, last_l1=17)  # 11 → 17 mm: +55 %, +6 mm above the nadir
    _srs_then(shrinking, last_l1=9)

    found = {ps.patient.pk: ps for ps in suggestions_for_meeting(meeting, dora)}

    item = next(i for i in found[enlarging.pk].items if i.reason == SuggestionReason.ENLARGING_IN_WINDOW)
    assert item.window_kind == "radiation_necrosis"
    assert item.text.startswith("L1 grew from 11 to 17 mm (MRI of 30 May 2026) inside the radiation-necrosis window")
    assert "true progression or treatment effect" in item.question
    assert shrinking.pk not in found


def test_it_does_not_call_an_untreated_lesion_enlarging_in_a_window(meeting, dora, make_patient):
    patient = make_patient()
    _srs_then(patient, last_l1=10, last_l2=14)  # L2 was not treated by the SRS: 7 → 14 mm

    items = [i for ps in suggestions_for_meeting(meeting, dora) for i in ps.items]

    assert SuggestionReason.ENLARGING_IN_WINDOW not in {i.reason for i in items}


def _resected(patient, postop_l1):
    h = History(patient)
    h.primary(D(2025, 1, 1), type_="colorectal", bm=D(2026, 5, 1))
    h.status(D(2026, 5, 1), kps=80, extracranial_metastases=True)
    h.mri(D(2026, 5, 1), {"L1": 31, "L2": 9}, purpose="diagnosis")
    h.treat("surgery", D(2026, 5, 20), end=D(2026, 5, 20), lesions=["L1"])
    h.mri(D(2026, 5, 21), {"L1": postop_l1, "L2": 9}, purpose="post_operative")
    return h


def test_it_suggests_residual_tumour_on_a_post_operative_mri_and_not_a_complete_resection(meeting, dora,
                                                                                         make_patient):
    residual, complete = make_patient(), make_patient()
    _resected(residual, postop_l1=12)
    _resected(complete, postop_l1=0)
    # Both are new BM diagnoses too, but the resection since treated them: only the residue is suggested.
    found = {ps.patient.pk: ps for ps in suggestions_for_meeting(meeting, dora)}

    assert {i.reason for i in found[residual.pk].items} == {SuggestionReason.POSTOP_RESIDUAL}
    assert complete.pk not in found
    text = next(i.text for i in found[residual.pk].items if i.reason == SuggestionReason.POSTOP_RESIDUAL)
    assert text == "Residual tumour on the post-operative MRI of 21 May 2026: L1 12 mm (resected 20 May 2026)."


def test_it_does_not_count_a_non_measurable_remnant_as_residual_tumour(meeting, dora, make_patient):
    patient = make_patient()
    _resected(patient, postop_l1=(6, {"measurable": False}))

    items = [i for ps in suggestions_for_meeting(meeting, dora) for i in ps.items]

    assert SuggestionReason.POSTOP_RESIDUAL not in {i.reason for i in items}


def _gpa(patient, kps_then, kps_now):
    h = History(patient)
    h.primary(D(2024, 1, 1), type_="renal", bm=D(2025, 1, 10))
    h.status(D(2025, 1, 10), kps=kps_then, extracranial_metastases=True, haemoglobin_g_dl=Decimal("12.5"))
    h.mri(D(2025, 1, 10), {"L1": 15}, purpose="diagnosis", baseline=True)
    h.status(D(2026, 5, 15), kps=kps_now)
    return h


def test_it_suggests_a_patient_whose_gpa_has_fallen_and_not_one_whose_gpa_rose(meeting, dora, make_patient):
    fallen, risen = make_patient(), make_patient()
    _gpa(fallen, 90, 60)
    _gpa(risen, 70, 90)

    found = {ps.patient.pk: ps for ps in suggestions_for_meeting(meeting, dora)}

    (item,) = found[fallen.pk].items
    assert item.reason == SuggestionReason.GPA_FALLEN
    scores = list(fallen.gpa_assessments.filter(moment="current", status="scored").order_by("computed_at")
                  .values_list("score", flat=True))
    assert item.text.startswith(f"GPA fell from {scores[0]} to {scores[-1]} on 15 May 2026 (renal-2018)")
    assert risen.pk not in found


def test_a_dismissed_suggestion_is_not_offered_again_and_an_accepted_one_becomes_a_case(meeting, dora, make_patient):
    dismissed, accepted = make_patient(), make_patient()
    History(dismissed).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    History(accepted).primary(D(2025, 1, 5), bm=D(2026, 5, 30))
    by_patient = {ps.patient.pk: ps for ps in suggestions_for_meeting(meeting, dora)}

    services.dismiss_suggestion(meeting, by_patient[dismissed.pk], user=dora)
    case = services.accept_suggestion(meeting, by_patient[accepted.pk], presenter=dora, user=dora)

    assert suggestions_for_meeting(meeting, dora) == []
    assert case.order == 1 and case.presenter == dora
    assert case.question.startswith("New brain metastases")
    assert case.reasons[0]["reason"] == "new_bm" and "30 May 2026" in case.reasons[0]["text"]
    assert set(CaseSuggestion.objects.values_list("patient_id", "status")) == {
        (dismissed.pk, "dismissed"), (accepted.pk, "accepted")}


def test_it_only_suggests_patients_the_coordinator_may_see(meeting, dora, erik, teams, make_patient):
    theirs = make_patient(care_team=teams[1])
    History(theirs).primary(D(2025, 1, 5), bm=D(2026, 5, 28))

    assert suggestions_for_meeting(meeting, dora) == []  # not a patient of team A (the board's team)
    assert suggestions_for_meeting(meeting, erik) == []  # Erik sees team B, but this board is team A's


def test_the_look_back_starts_at_the_previous_meeting_of_the_board(meeting, board, dora, make_patient):
    before, after = make_patient(), make_patient()
    History(before).primary(D(2025, 1, 5), bm=D(2026, 5, 20))
    History(after).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    services.create_meeting(board, date=D(2026, 5, 27), user=dora)

    assert set(reasons_by_patient(meeting, dora)) == {after.pk}


def test_a_new_diagnosis_already_treated_locally_is_not_suggested_but_one_only_planned_is(meeting, dora,
                                                                                          make_patient):
    treated, planned, systemic = make_patient(), make_patient(), make_patient()
    for patient in (treated, planned, systemic):
        History(patient).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
        History(patient).mri(D(2026, 5, 28), {"L1": 9}, purpose="diagnosis")
    History(treated).treat("srs", D(2026, 6, 2), lesions=["L1"], dose_gy=Decimal("20"), fractions=1)
    History(planned).treat("srs", D(2026, 6, 9), status="planned", lesions=["L1"])
    History(systemic).treat("chemo", D(2026, 6, 1), agent="carboplatin", line=1)

    found = reasons_by_patient(meeting, dora)

    assert treated.pk not in found
    assert found.get(planned.pk) == {SuggestionReason.NEW_BM}  # decided, not yet given: still for the board
    assert found.get(systemic.pk) == {SuggestionReason.NEW_BM}  # a systemic line does not treat them locally


def test_progression_treated_since_the_pd_scan_is_not_suggested(meeting, dora, make_patient):
    treated, untreated = make_patient(), make_patient()
    _responding(treated, {"L1": 17, "L2": 9})
    _responding(untreated, {"L1": 17, "L2": 9})
    History(treated).treat("srs", D(2026, 6, 4), lesions=["L1"], dose_gy=Decimal("20"), fractions=1)

    found = reasons_by_patient(meeting, dora)

    assert treated.pk not in found
    assert SuggestionReason.PROGRESSION in found[untreated.pk]


def test_a_patient_discussed_at_a_board_since_the_trigger_is_not_suggested(meeting, board, dora, teams,
                                                                           make_patient):
    from bmtrack.boards.models import Board

    discussed, waiting = make_patient(), make_patient()
    for patient in (discussed, waiting):
        History(patient).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    surgical = Board.objects.create(name="Surgical board")  # another board: its meeting is not the look-back
    surgical.care_teams.add(teams[0])
    other_board = services.create_meeting(surgical, date=D(2026, 5, 30), user=dora)
    services.add_case(other_board, discussed, question="New brain metastases: which treatment?", presenter=None,
                      user=dora)

    found = reasons_by_patient(meeting, dora)

    assert discussed.pk not in found and waiting.pk in found


def test_each_suggestion_says_why_now_with_the_trigger_and_its_date(meeting, board, dora, make_patient):
    fresh, known = make_patient(), make_patient()
    History(fresh).primary(D(2025, 1, 5), bm=D(2026, 5, 28))
    _responding(known, {"L1": 17, "L2": 9})
    earlier = services.create_meeting(board, date=D(2026, 3, 2), user=dora)
    services.add_case(earlier, known, question="Response so far?", presenter=None, user=dora)

    found = {ps.patient.pk: ps for ps in suggestions_for_meeting(meeting, dora)}

    assert found[fresh.pk].why_now == ("New brain metastasis diagnosis on 28 May 2026; "
                                       "not discussed at a board before.")
    assert found[known.pk].why_now.startswith("Progression (RANO-BM PD or iRANO unconfirmed PD) on 1 Jun 2026")
    assert found[known.pk].why_now.endswith("last at a board on 2 Mar 2026, before this.")
