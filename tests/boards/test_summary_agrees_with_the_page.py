"""The board's case summary and the patient page call the same rules, so they give the same verdicts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from bmtrack.boards import services
from bmtrack.boards.summary import build_case_summary
from bmtrack.core import palette
from bmtrack.core.charts import response, timeline
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


def page_colours(svg: str, mark: str, prefix: str) -> list[str]:
    """The colour of each page mark of class ``mark``, from its category class through the palette."""
    by_class = {f"{prefix}-cat-none": palette.UNSCORED}
    for classes in (timeline.CATEGORY_CSS, response.CATEGORY_CSS):
        for category, css in classes.items():
            by_class.setdefault(css, palette.CATEGORY_COLOURS[category])
    return sorted(by_class[css] for css in re.findall(rf'<\w+ class="{mark}({prefix}-cat-[\w-]+)', svg))


def packet_colours(svg: str, mark: str) -> list[str]:
    marks = [m for m in re.findall(r"<\w+ [^>]*>", svg) if f'class="{mark}"' in m]
    return sorted(re.search(r' fill="(#[0-9a-f]+)"', m).group(1) for m in marks)


def test_the_page_and_the_packet_draw_the_same_marks_in_the_same_colours(progressing_patient, meeting, dora):
    summary = build_case_summary(services.add_case(meeting, progressing_patient, question="Next?", user=dora))
    page = load_patient_page(progressing_patient, at(2026, 6, 10, 9))
    page_timeline = render_to_string("web/partials/timeline_svg.html", {"page": page})
    page_chart = render_to_string("web/partials/response_svg.html", {"page": page})

    scans = progressing_patient.scans.count()
    assert len(page_colours(page_timeline, "tl-scan ", "tl")) == scans == 4
    assert page_colours(page_timeline, "tl-scan ", "tl") == packet_colours(summary.timeline, "tl-scan")
    assert len(page_colours(page_chart, "", "rc")) == progressing_patient.responses.count() == 4
    assert page_colours(page_chart, "", "rc") == packet_colours(summary.response_chart, "rc-point")
    treatments = progressing_patient.treatments.count()
    assert page_timeline.count('class="tl-treat ') == summary.timeline.count('class="tl-treat"') == treatments
    assert page_timeline.count('class="tl-window ') == summary.timeline.count('class="tl-window"') >= 1
