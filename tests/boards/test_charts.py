"""The packet's renderer of the one chart geometry: plain data in, escaped markup with presentation
attributes in the palette's colours out (no database)."""

from __future__ import annotations

import datetime as dt

from bmtrack.boards import charts
from bmtrack.core import palette
from bmtrack.core.charts import response, timeline

D = dt.date


def test_the_response_chart_draws_one_point_per_assessment_in_its_category_colour():
    chart = response.build_response_chart([
        response.PointIn(D(2026, 1, 1), 32.0, 32.0, None, "baseline", ""),
        response.PointIn(D(2026, 3, 1), 20.0, 32.0, 32.0, "PR", ""),
        response.PointIn(D(2026, 5, 1), 31.0, 32.0, 20.0, "PD", ""),
    ], **charts.PACKET_RESPONSE)
    svg = charts.response_svg(chart)

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 3
    for category in ("baseline", "PR", "PD"):
        assert f'fill="{palette.CATEGORY_COLOURS[category]}" font-weight="bold">{category}</text>' in svg
    assert "+20 % (PD) 24 mm" in svg and "−30 % (PR) 22.4 mm" in svg  # the lines named in the legend
    assert 'viewBox="0 0 420 ' in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_the_response_chart_says_why_it_is_empty():
    assert "No response series yet" in charts.response_svg(response.build_response_chart([]))


def test_the_timeline_escapes_what_it_is_given_and_marks_the_board_day_and_the_diagnosis():
    chart = timeline.build_timeline(
        [timeline.TreatmentIn("ici", '<script>alert("x")</script>', D(2026, 1, 10), None, "given", True, ""),
         timeline.TreatmentIn("srs", "SRS", D(2026, 7, 1), None, "planned", False, "")],
        [timeline.ScanIn(D(2026, 1, 5), "mri", "baseline", ""), timeline.ScanIn(D(2026, 1, 6), "ct", None, "")],
        [timeline.WindowIn("pseudoprogression", D(2026, 1, 10), D(2026, 7, 10), "PsP watch")],
        None, D(2026, 6, 10), day_lines=[timeline.DayLine(D(2026, 1, 5), "BM diagnosis", "bm")],
        **charts.PACKET_TIMELINE)
    svg = charts.timeline_svg(chart)

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ">BM diagnosis</text>" in svg and ">Board</text>" in svg
    assert f'fill="{palette.TREATMENT_COLOURS["srs"]}" fill-opacity="0.25"' in svg  # planned: faint, outlined
    assert f'stroke="{palette.PLANNED_OUTLINE}" stroke-dasharray="4 3"' in svg
    assert f'fill="{palette.PSEUDOPROGRESSION}" fill-opacity="0.07"' in svg  # the window shaded
    assert ">Due</text>" not in svg and ">Overdue</text>" not in svg  # no due lane in the packet
    assert "style=" not in svg


def test_an_empty_timeline_says_so():
    svg = charts.timeline_svg(timeline.build_timeline([], [], [], None, D(2026, 6, 10), **charts.PACKET_TIMELINE))
    assert "No treatments or scans recorded yet." in svg
