"""The RANO-BM response chart: sum of target diameters over time, with the lines that decide.

Drawn from the stored assessments (``ResponseAssessment``): the baseline sum and the −30 % line
(partial response is a sum at least 30 % below baseline), the nadir each scan was compared with and
the +20 % line above it (progression also needs one target ≥ 5 mm larger, which the caption says).
Each point carries its scan's category. Nothing is recomputed here but the drawing positions.

The page labels the lines at the right of the plot; the packet, narrower, names them with their
values in a legend under it (``line_labels=False, legend_in_chart=True``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bmtrack.core.charts.scale import Boxes, LegendEntry, Tick, TimeScale, nice_max, place_legend, text_width
from bmtrack.core.formatting import fmt_date

WIDTH = 1000
HEIGHT = 320
LEFT = 58
RIGHT = 178  # room for the line labels
RIGHT_BARE = 16  # without them (the packet)
TOP = 26
BOTTOM = 46
AXIS_SIZE = 11
LEGEND_SIZE = 11.5
LEGEND_LINE = 17

PR_FACTOR = 0.7  # −30 % from baseline (RANO-BM, Lin 2015)
PD_FACTOR = 1.2  # +20 % from nadir (RANO-BM, Lin 2015)


@dataclass(frozen=True)
class PointIn:
    day: dt.date
    sum_mm: float | None
    baseline_mm: float | None
    nadir_mm: float | None
    category: str
    title: str


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str
    key: str = ""  # baseline, pr, nadir, pd: the line's palette colour
    extend: bool = False  # carried on past the last scan (drawn fainter)


@dataclass
class Label:
    x: float
    y: float
    text: str
    css: str = ""
    anchor: str = "start"
    key: str = ""


@dataclass
class Point:
    x: float
    y: float
    css: str
    label: str
    label_y: float
    value: str
    value_y: float
    title: str
    category: str = ""
    label_x: float = 0


@dataclass
class ResponseChart:
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT
    plot_top: float = TOP
    plot_bottom: float = HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    line_labels: list[Label] = field(default_factory=list)
    path: str = ""
    points: list[Point] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    empty: bool = False
    reason: str = ""


CATEGORY_CSS = {
    "baseline": "rc-cat-baseline", "CR": "rc-cat-cr", "PR": "rc-cat-pr", "SD": "rc-cat-sd",
    "non-CR/non-PD": "rc-cat-sd", "PD": "rc-cat-pd", "unconfirmed PD": "rc-cat-upd", "NE": "rc-cat-ne",
}


def _mm(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + " mm"


def build_response_chart(points: list[PointIn], *, width: int = WIDTH, height: int = HEIGHT,
                         line_labels: bool = True, legend_in_chart: bool = False) -> ResponseChart:
    measured = [p for p in points if p.sum_mm is not None]
    if not points:
        return ResponseChart(width, height, empty=True,
                             reason="No response series yet: it starts with a measured baseline MRI.")
    baseline = points[0].baseline_mm if points[0].baseline_mm is not None else points[0].sum_mm
    if not measured or not baseline:
        return ResponseChart(width, height, empty=True,
                             reason="No measurable target lesion at baseline: the response is judged on "
                                    "non-target lesions only, so there is no sum to chart.")
    chart = ResponseChart(width, height, plot_right=width - (RIGHT if line_labels else RIGHT_BARE),
                          plot_bottom=height - BOTTOM)
    top_value = max([p.sum_mm for p in measured] + [baseline]
                    + [PD_FACTOR * p.nadir_mm for p in measured if p.nadir_mm is not None])
    y_max, step = nice_max(top_value * 1.08)

    def y(value: float) -> float:
        return round(chart.plot_bottom - value / y_max * (chart.plot_bottom - chart.plot_top), 1)

    first, last = measured[0].day, measured[-1].day
    scale = TimeScale.padded(first, last, LEFT, chart.plot_right, parts=25, min_days=10)

    value = 0.0
    while value <= y_max + 1e-9:
        chart.y_ticks.append(Tick(y(value), _mm(value).replace(" mm", "")))
        value += step

    # Baseline and −30 % lines across the whole series.
    x_start, x_end = scale(first), chart.plot_right
    labels = []
    for level, key, text in ((baseline, "baseline", f"Baseline {_mm(baseline)}"),
                             (PR_FACTOR * baseline, "pr", f"−30 % (PR) {_mm(PR_FACTOR * baseline)}")):
        chart.lines.append(Line(x_start, y(level), x_end, y(level), f"rc-{key}", key))
        labels.append(Label(x_end + 6, y(level) + 4, text, f"rc-{key}-label", key=key))

    # The nadir each follow-up was compared with, and +20 % above it, as steps.
    previous = measured[0]
    last_nadir = None
    for point in measured[1:]:
        if point.nadir_mm is not None:
            x1, x2 = scale(previous.day), scale(point.day)
            chart.lines.append(Line(x1, y(point.nadir_mm), x2, y(point.nadir_mm), "rc-nadir", "nadir"))
            chart.lines.append(Line(x1, y(PD_FACTOR * point.nadir_mm), x2, y(PD_FACTOR * point.nadir_mm), "rc-pd",
                                    "pd"))
            last_nadir = point.nadir_mm
        previous = point
    if last_nadir is not None:
        x_last = scale(measured[-1].day)
        chart.lines.append(Line(x_last, y(last_nadir), x_end, y(last_nadir), "rc-nadir rc-extend", "nadir", True))
        chart.lines.append(Line(x_last, y(PD_FACTOR * last_nadir), x_end, y(PD_FACTOR * last_nadir),
                                "rc-pd rc-extend", "pd", True))
        labels.append(Label(x_end + 6, y(last_nadir) + 4, f"Nadir {_mm(last_nadir)}", "rc-nadir-label",
                            key="nadir"))
        labels.append(Label(x_end + 6, y(PD_FACTOR * last_nadir) + 4, f"+20 % (PD) {_mm(PD_FACTOR * last_nadir)}",
                            "rc-pd-label", key="pd"))
    if line_labels:
        chart.line_labels = labels
        _spread(chart.line_labels)
        chart.legend = [LegendEntry(key, text) for key, text in LINE_NAMES]
    else:
        chart.legend = [LegendEntry(label.key, label.text) for label in labels]

    coords = []
    last_label_x = -1e9
    for point in measured:
        x, yy = scale(point.day), y(point.sum_mm)
        coords.append(f"{x},{yy}")
        chart.points.append(Point(x, yy, CATEGORY_CSS.get(point.category, "rc-cat-ne"), point.category,
                                  yy - 12, _mm(point.sum_mm), yy + 20, point.title, point.category))
        label = fmt_date(point.day)
        if x - last_label_x >= text_width(label, AXIS_SIZE) + 6:
            chart.x_labels.append(Label(x, chart.plot_bottom + 18, label, anchor="middle"))
            last_label_x = x
    chart.path = " ".join(coords)
    place_point_labels(chart.points, width)
    if legend_in_chart:
        chart.height = int(place_legend(chart.legend, 10, chart.plot_bottom + 38, width - RIGHT_BARE, LEGEND_SIZE,
                                        LEGEND_LINE))
    return chart


# The page's legend: what each line means (its labels at the right give the values).
LINE_NAMES = (("baseline", "Baseline"), ("pr", "−30 % from baseline (PR)"), ("nadir", "Nadir"),
              ("pd", "+20 % from nadir (PD also needs one target ≥ 5 mm larger)"))


LABEL_SIZE = 11.5  # .rc-cat
LABEL_LINE = 14


def place_point_labels(points: list[Point], width: float = WIDTH) -> None:
    """Each category label above its point; a label that would print over an earlier one moves up a line
    (or below the point), and is left out if no place is free: labels never collide (the point's tooltip
    and the scan table still give it). A label near an edge of the chart is kept inside it."""
    boxes = Boxes(gap=2)
    for point in points:
        half = text_width(point.label, LABEL_SIZE) / 2
        point.label_x = min(max(point.x, half + 4), width - half - 8)  # bold text runs wider than text_width
        left, right = point.label_x - half, point.label_x + half
        for y in (point.y - 12, point.y - 12 - LABEL_LINE, point.y + 22, point.y - 12 - 2 * LABEL_LINE):
            box = (left, right, y - LABEL_SIZE, y + 2)
            if boxes.free(box):
                point.label_y = y
                boxes.add(box)
                break
        else:
            point.label = ""


def _spread(labels: list[Label], gap: float = 13) -> None:
    """Move right-hand line labels apart vertically so they never print over each other."""
    labels.sort(key=lambda label: label.y)
    for previous, label in zip(labels, labels[1:], strict=False):
        if label.y - previous.y < gap:
            label.y = previous.y + gap
