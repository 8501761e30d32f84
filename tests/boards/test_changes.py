"""The "changed since last board" line: scans, responses and treatments since the patient's previous case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from bmtrack.boards import services
from bmtrack.boards.changes import changes_since_last_board
from tests.boards.conftest import History

pytestmark = pytest.mark.django_db

D = dt.date


def _case(meeting, patient, dora):
    return services.add_case(meeting, patient, question="What next?", presenter=None, user=dora)


def test_a_first_case_says_so(meeting, dora, make_patient):
    case = _case(meeting, make_patient(), dora)
    assert changes_since_last_board([case])[case.pk].text == "First time at a board."


def test_it_lists_scans_responses_and_treatments_since_the_previous_case_only(meeting, board, dora, make_patient):
    patient = make_patient()
    h = History(patient)
    h.primary(D(2025, 10, 1), type_="melanoma", bm=D(2026, 1, 10))
    h.status(D(2026, 1, 10), kps=90, extracranial_metastases=True, dexamethasone_mg=Decimal("0"))
    h.mri(D(2026, 1, 10), {"L1": 16, "L2": 12}, purpose="diagnosis", baseline=True)
    earlier = services.create_meeting(board, date=D(2026, 1, 15), user=dora)
    _case(earlier, patient, dora)
    h.treat("chemo", D(2026, 1, 20), agent="temozolomide", line=1)
    h.mri(D(2026, 4, 1), {"L1": 10, "L2": 8}, purpose="response")
    h.mri(D(2026, 6, 1), {"L1": 17, "L2": 9}, purpose="response")
    case = _case(meeting, patient, dora)

    text = changes_since_last_board([case])[case.pk].text

    assert text.startswith("Since the last board (15 Jan 2026): 2 scans (MRI 1 Apr 2026, MRI 1 Jun 2026)")
    assert "response PR (1 Apr 2026), PD (1 Jun 2026)" in text
    assert "chemotherapy (20 Jan 2026)" in text
    assert "10 Jan 2026" not in text  # before the previous board


def test_nothing_new_is_said_in_words(meeting, board, dora, make_patient):
    patient = make_patient()
    _case(services.create_meeting(board, date=D(2026, 5, 1), user=dora), patient, dora)
    case = _case(meeting, patient, dora)
    assert changes_since_last_board([case])[case.pk].text == (
        "Since the last board (1 May 2026): no new scan, response or treatment recorded.")


def test_the_meeting_page_and_the_packet_show_the_line_in_constant_queries(client, meeting, board, dora,
                                                                          make_patient, django_assert_max_num_queries):
    patients = [make_patient() for _ in range(3)]
    earlier = services.create_meeting(board, date=D(2026, 5, 1), user=dora)
    for patient in patients:
        _case(earlier, patient, dora)
        History(patient).mri(D(2026, 5, 20), {"L1": 9}, purpose="surveillance")
        _case(meeting, patient, dora)
    cases = list(meeting.cases.all())
    with django_assert_max_num_queries(3):
        changes = changes_since_last_board(cases)
    assert all(c.text.startswith("Since the last board (1 May 2026): 1 scan (MRI 20 May 2026)") for c in
               changes.values())
    client.force_login(dora)
    page = client.get(reverse("boards:meeting", args=[meeting.pk])).text
    assert page.count("Since the last board (1 May 2026)") == 3
    packet = client.get(reverse("boards:packet", args=[meeting.pk])).text
    assert "Changed since last board:" in packet
