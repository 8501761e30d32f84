"""The one chart geometry (``bmtrack.core.charts``) that the page and the packet both draw: table-driven
checks that labels never collide, that the BL label keeps off the BM-diagnosis line, that the RANO-BM
lines sit at −30 % and +20 %, and that an empty record says why (no database)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bmtrack.core.charts import response, timeline
from bmtrack.core.charts.scale import Rows, TimeScale, month_ticks, nice_max, text_width

D = dt.date
BOARD = D(2026, 6, 10)


def scan(day, category="SD", modality="mri"):
    return timeline.ScanIn(day, modality, category, f"{modality} {day}")


def scan_label_boxes(chart):
    boxes = []
    for mark in chart.scans:
        if not mark.label:
            continue
        w = text_width(mark.label, timeline.SCAN_LABEL_SIZE)
        left = {"middle": mark.label_x - w / 2, "start": mark.label_x, "end": mark.label_x - w}[mark.anchor]
        boxes.append((left, left + w, mark.label_y - timeline.SCAN_LABEL_SIZE, mark.label_y + 2))
    return boxes


def overlap(a, b):
    return not (a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2])


CROWDED_SCANS = {
    "a scan a week": [scan(D(2026, 1, 5) + dt.timedelta(days=7 * i), c) for i, c in
                      enumerate(["baseline", "PR", "unconfirmed PD", "PD", "non-CR/non-PD", "CR", "NE", "SD"])],
    "same day, three modalities": [scan(D(2026, 3, 1), "PR"), scan(D(2026, 3, 1), "PD", "ct"),
                                   scan(D(2026, 3, 1), "SD", "pet")],
    "baseline on the day of diagnosis": [scan(D(2025, 11, 1), "baseline"), scan(D(2025, 11, 3), "PR")],
}


@pytest.mark.parametrize("scans", CROWDED_SCANS.values(), ids=CROWDED_SCANS.keys())
@pytest.mark.parametrize("width", [timeline.WIDTH, 900])
def test_timeline_scan_labels_never_collide_and_keep_off_the_dated_lines(scans, width):
    chart = timeline.build_timeline([], scans, [], None, BOARD, marker_label="Board", width=width,
                                    day_lines=[timeline.DayLine(D(2025, 11, 1), "BM diagnosis", "bm")])
    boxes = scan_label_boxes(chart)
    assert boxes, "some labels are placed"
    assert not any(overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    for line in [chart.marker, *chart.lines]:
        assert not any(left < line.x < right for left, right, _, _ in boxes), line.label


def test_the_baseline_label_sits_beside_the_bm_diagnosis_line_not_on_it():
    chart = timeline.build_timeline([], [scan(D(2025, 11, 1), "baseline")], [], None, BOARD,
                                    day_lines=[timeline.DayLine(D(2025, 11, 1), "BM diagnosis", "bm")])
    (bl,) = chart.scans
    (bm,) = chart.lines
    assert bl.label == "BL" and bl.x == bm.x
    assert bl.anchor in ("start", "end") and abs(bl.label_x - bm.x) == 3


def test_the_marked_day_and_a_dated_line_close_together_keep_their_labels_apart():
    chart = timeline.build_timeline([], [scan(D(2026, 5, 1), "baseline")], [], None, BOARD, marker_label="Board",
                                    day_lines=[timeline.DayLine(BOARD - dt.timedelta(days=1), "BM diagnosis", "bm")])
    board, bm = chart.marker, chart.lines[0]
    assert (board.label, bm.label) == ("Board", "BM diagnosis")
    assert bm.label_y > board.label_y  # a row lower
    assert chart.height >= bm.label_y


def test_the_packet_options_survive_in_the_one_geometry():
    treatments = [timeline.TreatmentIn("tt", "osimertinib", D(2025, 11, 15), None, "given", True, ""),
                  timeline.TreatmentIn("srs", "SRS", D(2026, 7, 1), None, "planned", False, "")]
    windows = [timeline.WindowIn("radiation_necrosis", D(2025, 11, 10), D(2028, 11, 10), "RN watch")]
    chart = timeline.build_timeline(treatments, [scan(D(2025, 11, 1), "baseline")], windows, None, BOARD,
                                    marker_label="Board", width=900, legend_in_chart=True,
                                    day_lines=[timeline.DayLine(D(2025, 11, 1), "BM diagnosis", "bm")])
    assert [lane.label for lane in chart.lanes] == ["Watch windows", "Treatments", "Scans"]  # no due lane
    ongoing = next(b for b in chart.treatments if b.key == "tt")
    assert ongoing.arrow and abs(ongoing.x + ongoing.w - chart.marker.x) < 1  # drawn to the board day
    assert next(b for b in chart.treatments if b.key == "srs").hollow
    assert len(chart.shades) == 1 and chart.shades[0].key == "radiation_necrosis"
    keys = [entry.key for entry in chart.legend]
    assert "planned" in keys and "line-bm" in keys and not any(k.startswith("due-") for k in keys)
    assert all(0 < entry.x < chart.width and chart.axis_y < entry.y <= chart.height for entry in chart.legend)


def point(day, total, category, baseline=40.0, nadir=None):
    return response.PointIn(day, total, baseline, nadir, category, "")


SERIES = [point(D(2026, 1, 5), 40.0, "baseline"), point(D(2026, 3, 5), 24.0, "PR", nadir=40.0),
          point(D(2026, 5, 5), 30.0, "SD", nadir=24.0)]


@pytest.mark.parametrize("options", [{}, {"width": 420, "height": 150, "line_labels": False,
                                          "legend_in_chart": True}], ids=["page", "packet"])
def test_the_response_lines_sit_at_minus_30_from_baseline_and_plus_20_from_nadir(options):
    chart = response.build_response_chart(SERIES, **options)
    y_max = float(chart.y_ticks[-1].label)

    def y(value):
        return round(chart.plot_bottom - value / y_max * (chart.plot_bottom - chart.plot_top), 1)

    levels = {}
    for line in chart.lines:
        levels.setdefault(line.key, []).append(line.y1)
    assert levels["baseline"] == [y(40)] and levels["pr"] == [y(28)]
    assert levels["nadir"][:2] == [y(40), y(24)] and levels["pd"][:2] == [y(48), y(28.8)]
    texts = {entry.text for entry in chart.legend} | {label.text for label in chart.line_labels}
    assert {"Baseline 40 mm", "−30 % (PR) 28 mm", "Nadir 24 mm", "+20 % (PD) 28.8 mm"} <= texts
    assert [p.label for p in chart.points] == ["baseline", "PR", "SD"]
    assert [p.y for p in chart.points] == [y(40), y(24), y(30)]
    ys = sorted(label.y for label in chart.line_labels)
    assert all(b - a >= 13 for a, b in itertools.pairwise(ys))  # line labels at the right never overprint
    assert all(p.label_x - text_width(p.label, response.LABEL_SIZE) / 2 >= 0
               and p.label_x + text_width(p.label, response.LABEL_SIZE) / 2 <= chart.width for p in chart.points)


CLOSE_POINTS = {
    "five scans a few days apart": [point(D(2026, 1, 1) + dt.timedelta(days=4 * i), 30 + (i % 2),
                                          ["baseline", "SD", "non-CR/non-PD", "SD", "unconfirmed PD"][i],
                                          nadir=None if i == 0 else 30) for i in range(5)],
    "last point at the right edge": SERIES + [point(D(2026, 5, 9), 31.0, "unconfirmed PD", nadir=24.0)],
}


@pytest.mark.parametrize("points", CLOSE_POINTS.values(), ids=CLOSE_POINTS.keys())
@pytest.mark.parametrize("width", [response.WIDTH, 420])
def test_response_point_labels_never_collide(points, width):
    chart = response.build_response_chart(points, width=width, line_labels=width == response.WIDTH)
    boxes = [(p.label_x - text_width(p.label, response.LABEL_SIZE) / 2,
              p.label_x + text_width(p.label, response.LABEL_SIZE) / 2, p.label_y - response.LABEL_SIZE, p.label_y + 2)
             for p in chart.points if p.label]
    assert len(boxes) >= 2
    assert not any(overlap(a, b) for a, b in itertools.combinations(boxes, 2))


EMPTY = {
    "no assessment": ([], "No response series yet"),
    "no measurable target": ([point(D(2026, 1, 5), None, "baseline", baseline=None)], "non-target"),
}


@pytest.mark.parametrize(("points", "reason"), EMPTY.values(), ids=EMPTY.keys())
def test_an_empty_response_chart_says_why(points, reason):
    chart = response.build_response_chart(points)
    assert chart.empty and reason in chart.reason and not chart.points


def test_an_empty_timeline_says_so_in_both_layouts():
    for due in ([], None):
        chart = timeline.build_timeline([], [], [], due, BOARD)
        assert chart.empty and chart.reason == "No treatments or scans recorded yet."


# --- where each thing goes (moved from tests/web/test_charts.py) ----------------------------------------



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
