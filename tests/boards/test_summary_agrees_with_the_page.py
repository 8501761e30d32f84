"""The board's case summary and the patient page call the same rules, so they give the same verdicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bmtrack.boards import services
from bmtrack.boards.summary import build_case_summary
from bmtrack.web.queries.patient import load_patient_page
from tests.boards.conftest import History
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_without_flair(make_patient):
    """Baseline MRI with FLAIR, SRS, then a follow-up booked as 'surveillance' without FLAIR: it is
    scored against the baseline (RANO-BM), so it must repeat the baseline's sequences."""
    patient = make_patient()
    h = History(patient)
    h.primary(dt.date(2025, 9, 20), bm=dt.date(2025, 11, 1))
    h.mri(dt.date(2025, 11, 1), {"L1": 20}, purpose="diagnosis", baseline=True,
          sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"])
    h.treat("srs", dt.date(2025, 11, 10), end=dt.date(2025, 11, 10), lesions=["L1"], dose_gy=Decimal("20"),
            fractions=1)
    h.mri(dt.date(2026, 2, 1), {"L1": 14}, purpose="surveillance", sequences=["t1_pre_3d", "t1_post_3d", "t2"])
    return patient


def test_the_packet_and_the_page_give_one_protocol_verdict_for_a_scored_scan(scored_without_flair, meeting, dora):
    case = services.add_case(meeting, scored_without_flair, question="Next step?", user=dora)
    summary = build_case_summary(case)
    page = load_patient_page(scored_without_flair, at(2026, 2, 2))
    card = next(card for card in page.scans if card.protocol and card.scan.purpose == "surveillance")

    assert card.protocol.checked_as == "response"
    assert card.protocol.check.missing == ("flair",)
    # Before: the packet checked the scan as 'surveillance' and called it compliant.
    assert (summary.protocol.compliant, summary.protocol.missing) == (False, ["FLAIR"])
    assert summary.protocol.purpose == "Response evaluation"


def test_the_packet_names_a_work_up_exactly_when_the_page_does(progressing_patient, meeting, dora):
    case = services.add_case(meeting, progressing_patient, question="Next step?", user=dora)
    summary = build_case_summary(case)
    page = load_patient_page(progressing_patient, at(2026, 6, 2))

    assert [w.window.kind for w in page.workup] == ["radiation_necrosis"]
    assert summary.workup is not None and summary.workup.steps == list(page.workup[0].hint.suggestions)
