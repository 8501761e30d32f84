"""The dashboard's bar charts (no database): each bar is the share the numbers say. The patient charts' geometry
is tested in tests/core/test_chart_geometry.py."""

import datetime as dt

from bmtrack.web.charts.bars import hbars, week_bars
from bmtrack.web.queries.dashboard import Week

D = dt.date


def test_dashboard_bars():
    chart = hbars([("Follow-up MRI", 4), ("Post-operative MRI", 2)])
    assert chart.bars[0].w > chart.bars[1].w > 0
    weeks = week_bars([Week(D(2026, 1, 5), 4, 5), Week(D(2026, 1, 12), 0, 0), Week(D(2026, 1, 19), 1, 4)])
    assert [b.css for b in weeks.bars] == ["wk-good", "wk-none", "wk-bad"]
    good, _, bad = weeks.bars
    assert good.segments[0].h > bad.segments[0].h  # the on-time part is the share on the axis


def test_a_week_with_nothing_on_time_is_a_red_bar_and_an_empty_week_a_grey_one():
    weeks = week_bars([Week(D(2026, 1, 5), 0, 3), Week(D(2026, 1, 12), 0, 0), Week(D(2026, 1, 19), 2, 4, late=1)])
    missed, empty, mixed = weeks.bars
    plot = weeks.bottom - weeks.top
    assert [(s.css, s.h) for s in missed.segments] == [("wk-bad", plot)]  # full height, red
    assert [s.css for s in empty.segments] == ["wk-empty"] and empty.n_label == "–"
    assert "no scans due" in empty.title
    assert [(s.css, s.count) for s in mixed.segments] == [("wk-good", 2), ("wk-mid", 1), ("wk-bad", 1)]
    assert [bar.n_label for bar in weeks.bars] == ["3", "–", "4"]  # n per bar
    assert mixed.segments[0].y == weeks.bottom - plot / 2  # 50 % on time: the green part reaches 50 %
    assert "2 of 4 on time (50 %), 1 late, 1 missed" in mixed.title
