"""The SVG pictures of the case summary: plain data in, escaped markup out (no database)."""

from __future__ import annotations

import datetime as dt

from bmtrack.boards import charts

D = dt.date


def test_the_response_chart_draws_one_point_per_assessment_with_its_category():
    svg = charts.response_chart([
        charts.ResponsePoint(D(2026, 1, 1), "baseline", 32.0),
        charts.ResponsePoint(D(2026, 3, 1), "PR", 20.0, nadir_mm=32.0),
        charts.ResponsePoint(D(2026, 5, 1), "PD", 31.0, nadir_mm=20.0),
    ])

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 3
    assert ">BL</text>" in svg and ">PR</text>" in svg and ">PD</text>" in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_the_response_chart_says_so_when_nothing_is_measured():
    assert "No measured response series yet" in charts.response_chart([])


def test_the_timeline_escapes_what_it_is_given():
    svg = charts.timeline(
        treatments=[charts.TimelineTreatment("ici", '<script>alert("x")</script>', D(2026, 1, 10), None, ongoing=True),
                    charts.TimelineTreatment("srs", "SRS", D(2026, 2, 1), D(2026, 2, 1), planned=True)],
        scans=[charts.TimelineScan(D(2026, 1, 5), "mri", "baseline"), charts.TimelineScan(D(2026, 1, 6), "ct")],
        windows=[charts.TimelineWindow("pseudoprogression", D(2026, 1, 10), D(2026, 7, 10))],
        today=D(2026, 6, 10),
        bm_diagnosed_on=D(2026, 1, 5),
    )

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "BM diagnosis" in svg and ">board</text>" in svg
    assert "style=" not in svg
