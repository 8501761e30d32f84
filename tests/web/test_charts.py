"""Chart geometry (no database): the pictures put each thing where the numbers say."""

import datetime as dt

from bmtrack.core.charts import response, timeline
from bmtrack.core.charts.scale import Rows, TimeScale, month_ticks, nice_max
from bmtrack.web.charts.bars import hbars, week_bars
from bmtrack.web.queries.dashboard import Week

D = dt.date


def point(day, total, category, baseline=40.0, nadir=None):
    return response.PointIn(day, total, baseline, nadir, category, f"{day}: {category}")


def test_the_response_chart_draws_baseline_pr_nadir_and_pd_lines_at_their_values():
    chart = response.build_response_chart([
        point(D(2026, 1, 5), 40.0, "baseline"),
        point(D(2026, 3, 5), 24.0, "PR", nadir=40.0),
        point(D(2026, 5, 5), 30.0, "SD", nadir=24.0),
    ])
    y_max = float(chart.y_ticks[-1].label)
    plot = chart.plot_bottom - chart.plot_top

    def y(value):
        return round(chart.plot_bottom - value / y_max * plot, 1)

    lines = {line.css: line for line in chart.lines}
    assert lines["rc-baseline"].y1 == y(40)
    assert lines["rc-pr"].y1 == y(28)  # −30 % from baseline
    nadirs = [line for line in chart.lines if line.css == "rc-nadir"]
    pds = [line for line in chart.lines if line.css == "rc-pd"]
    assert [n.y1 for n in nadirs] == [y(40), y(24)]  # the nadir each follow-up was compared with
    assert [p.y1 for p in pds] == [y(48), y(28.8)]  # +20 % above it
    assert [p.label for p in chart.points] == ["baseline", "PR", "SD"]
    assert [p.y for p in chart.points] == [y(40), y(24), y(30)]
    assert {label.text for label in chart.line_labels} >= {"Baseline 40 mm", "−30 % (PR) 28 mm", "Nadir 24 mm",
                                                         "+20 % (PD) 28.8 mm"}
    ys = sorted(label.y for label in chart.line_labels)
    assert all(b - a >= 13 for a, b in zip(ys, ys[1:], strict=False))  # labels never overprint


def test_without_measurable_disease_the_chart_says_why():
    chart = response.build_response_chart([point(D(2026, 1, 5), None, "baseline", baseline=None)])
    assert chart.empty and "non-target" in chart.reason
    assert response.build_response_chart([]).empty


def test_the_timeline_puts_each_event_at_its_date_and_lanes_in_order():
    today = D(2026, 6, 1)
    chart = timeline.build_timeline(
        [timeline.TreatmentIn("srs", "SRS 20 Gy", D(2026, 1, 10), D(2026, 1, 10), "given", False, "SRS"),
         timeline.TreatmentIn("ici", "ICI · nivolumab", D(2026, 2, 1), None, "given", True, "ICI")],
        [timeline.ScanIn(D(2026, 1, 5), "mri", "baseline", "MRI"), timeline.ScanIn(D(2026, 4, 1), "mri", "PR", "MRI"),
         timeline.ScanIn(D(2026, 1, 6), "ct", None, "CT"), timeline.ScanIn(D(2026, 4, 2), "pet", None, "PET")],
        [timeline.WindowIn("radiation_necrosis", D(2026, 1, 10), D(2029, 1, 10), "RN watch"),
         timeline.WindowIn("pseudoprogression", D(2026, 2, 1), D(2026, 8, 1), "PsP watch")],
        [timeline.DueIn("followup_mri", "upcoming", D(2026, 6, 1), D(2026, 7, 1), "Follow-up MRI", "FU")],
        today,
    )
    assert [lane.label for lane in chart.lanes] == ["Watch windows", "Treatments", "Scans", "Due"]
    xs = {m.title: m.x for m in chart.scans}
    assert xs["MRI"] > xs["CT"] > 0
    assert [m.shape for m in chart.scans] == ["square", "diamond", "circle", "circle"]  # MRIs drawn on top
    ici = next(b for b in chart.treatments if b.label.startswith("ICI"))
    assert ici.arrow and abs(ici.x + ici.w - chart.today_x) < 1  # ongoing until today
    rn = next(b for b in chart.windows if "RN" in b.label)
    assert rn.arrow and rn.label.endswith("→") and rn.x + rn.w <= chart.width  # cut at the edge, says it runs on
    assert len(chart.shades) == 2 and all(s.h > 0 for s in chart.shades)
    assert chart.due[0].css == "tl-due tl-due-upcoming"
    assert all(b.label_x <= chart.width for b in chart.due + chart.treatments)
    assert month_ticks(TimeScale(chart.start, chart.end, 0, 1))


def test_an_empty_history_draws_no_timeline():
    assert timeline.build_timeline([], [], [], [], D(2026, 1, 1)).empty


def test_labels_near_the_right_edge_go_left_of_their_bar():
    today = D(2026, 6, 1)
    chart = timeline.build_timeline([], [timeline.ScanIn(D(2026, 1, 1), "mri", None, "MRI")], [],
                                    [timeline.DueIn("followup_mri", "upcoming", D(2026, 7, 1), D(2026, 8, 1),
                                                    "A rather long follow-up label", "")], today)
    assert chart.due[0].anchor == "end" and chart.due[0].label_x < chart.due[0].x


def test_rows_never_overlap_and_scales_are_round():
    rows = Rows(gap=5)
    placed = [rows.place(0, 50), rows.place(20, 60), rows.place(56, 90), rows.place(10, 20, max_rows=2)]
    assert placed == [0, 1, 0, None]
    assert nice_max(43.2) == (50, 10) and nice_max(0) == (10.0, 2.0)


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
