"""The RANO-BM response chart: sum of target diameters over time, with the lines that decide.

Drawn from the stored assessments (``ResponseAssessment``): the baseline sum and the −30 % line
(partial response is a sum at least 30 % below baseline), the nadir each scan was compared with and
the +20 % line above it (progression also needs one target ≥ 5 mm larger, which the caption says).
Each point carries its scan's category. Nothing is recomputed here but the drawing positions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bmtrack.core.charts.scale import Tick, TimeScale, nice_max, text_width
from bmtrack.core.formatting import fmt_date

WIDTH = 1000
HEIGHT = 320
LEFT = 58
RIGHT = 178
TOP = 26
BOTTOM = 46

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


@dataclass
class Label:
    x: float
    y: float
    text: str
    css: str = ""
    anchor: str = "start"


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
    empty: bool = False
    reason: str = ""


CATEGORY_CSS = {
    "baseline": "rc-cat-baseline", "CR": "rc-cat-cr", "PR": "rc-cat-pr", "SD": "rc-cat-sd",
    "non-CR/non-PD": "rc-cat-sd", "PD": "rc-cat-pd", "unconfirmed PD": "rc-cat-upd", "NE": "rc-cat-ne",
}


def _mm(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + " mm"


def build_response_chart(points: list[PointIn]) -> ResponseChart:
    measured = [p for p in points if p.sum_mm is not None]
    if not points:
        return ResponseChart(empty=True, reason="No response series yet: it starts with a measured baseline MRI.")
    baseline = points[0].baseline_mm if points[0].baseline_mm is not None else points[0].sum_mm
    if not measured or not baseline:
        return ResponseChart(empty=True, reason="No measurable target lesion at baseline: the response is judged on "
                                                 "non-target lesions only, so there is no sum to chart.")
    chart = ResponseChart()
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
    for level, css, text in ((baseline, "rc-baseline", f"Baseline {_mm(baseline)}"),
                             (PR_FACTOR * baseline, "rc-pr", f"−30 % (PR) {_mm(PR_FACTOR * baseline)}")):
        chart.lines.append(Line(x_start, y(level), x_end, y(level), css))
        chart.line_labels.append(Label(x_end + 6, y(level) + 4, text, css + "-label"))

    # The nadir each follow-up was compared with, and +20 % above it, as steps.
    previous = measured[0]
    last_nadir = None
    for point in measured[1:]:
        if point.nadir_mm is not None:
            x1, x2 = scale(previous.day), scale(point.day)
            chart.lines.append(Line(x1, y(point.nadir_mm), x2, y(point.nadir_mm), "rc-nadir"))
            chart.lines.append(Line(x1, y(PD_FACTOR * point.nadir_mm), x2, y(PD_FACTOR * point.nadir_mm), "rc-pd"))
            last_nadir = point.nadir_mm
        previous = point
    if last_nadir is not None:
        x_last = scale(measured[-1].day)
        chart.lines.append(Line(x_last, y(last_nadir), x_end, y(last_nadir), "rc-nadir rc-extend"))
        chart.lines.append(Line(x_last, y(PD_FACTOR * last_nadir), x_end, y(PD_FACTOR * last_nadir),
                                "rc-pd rc-extend"))
        chart.line_labels.append(Label(x_end + 6, y(last_nadir) + 4, f"Nadir {_mm(last_nadir)}", "rc-nadir-label"))
        chart.line_labels.append(Label(x_end + 6, y(PD_FACTOR * last_nadir) + 4,
                                       f"+20 % (PD) {_mm(PD_FACTOR * last_nadir)}", "rc-pd-label"))
    _spread(chart.line_labels)

    coords = []
    last_label_x = -1e9
    for point in measured:
        x, yy = scale(point.day), y(point.sum_mm)
        coords.append(f"{x},{yy}")
        chart.points.append(Point(x, yy, CATEGORY_CSS.get(point.category, "rc-cat-ne"), point.category,
                                  yy - 12, _mm(point.sum_mm), yy + 20, point.title))
        label = fmt_date(point.day)
        if x - last_label_x >= text_width(label, 11) + 6:
            chart.x_labels.append(Label(x, chart.plot_bottom + 18, label, anchor="middle"))
            last_label_x = x
    chart.path = " ".join(coords)
    place_point_labels(chart.points)
    return chart


LABEL_SIZE = 11.5  # .rc-cat
LABEL_LINE = 14


def place_point_labels(points: list[Point]) -> None:
    """Each category label above its point; a label that would print over an earlier one moves up a line
    (or below the point), and is left out if no place is free: labels never collide (the point's tooltip
    and the scan table still give it)."""
    placed: list[tuple[float, float, float, float]] = []  # left, right, top, bottom

    def free(left: float, right: float, top: float, bottom: float) -> bool:
        return all(right + 2 <= x0 or left >= x1 + 2 or bottom <= y0 or top >= y1 for x0, x1, y0, y1 in placed)

    for point in points:
        half = text_width(point.label, LABEL_SIZE) / 2
        left, right = point.x - half, point.x + half
        for y in (point.y - 12, point.y - 12 - LABEL_LINE, point.y + 22, point.y - 12 - 2 * LABEL_LINE):
            box = (left, right, y - LABEL_SIZE, y + 2)
            if free(*box):
                point.label_y = y
                placed.append(box)
                break
        else:
            point.label = ""


def _spread(labels: list[Label], gap: float = 13) -> None:
    """Move right-hand line labels apart vertically so they never print over each other."""
    labels.sort(key=lambda label: label.y)
    for previous, label in zip(labels, labels[1:], strict=False):
        if label.y - previous.y < gap:
            label.y = previous.y + gap
