"""The patient timeline: treatments as bars, scans as marks, watch windows shaded, due items ahead.

Lanes from top to bottom: watch windows, treatments, scans, due items; a line marks the day the
chart is seen from (today on the patient page, the board day in the packet), and a dated line can
mark one more day (the packet: the diagnosis of brain metastases). The span runs from the first
event to the last open due item (at least a few weeks past the marked day); a watch window that runs
on beyond it is cut at the edge and says until when it runs. The packet has no due-item lane
(``due=None``) and draws its legend inside the chart (``legend_in_chart``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bmtrack.clinical.dates import shift_clamped
from bmtrack.core.charts.scale import (
    Boxes,
    LegendEntry,
    Rows,
    Tick,
    TimeScale,
    month_ticks,
    place_legend,
    text_width,
)
from bmtrack.core.formatting import fmt_date

WIDTH = 1000  # the page's viewBox; the packet draws the same lanes narrower
LEFT = 118
RIGHT = 16
TOP = 8
ROW = 24
BAR = 14
LANE_GAP = 10
AXIS = 42  # below the axis: tick labels, then the marked day's label
LABEL_SIZE = 12
SCAN_LABEL_SIZE = 11
SCAN_LABEL_LINE = 13
MARK_LABEL_SIZE = 11  # the marked day's and the dated line's labels under the axis
LEGEND_SIZE = 11.5
LEGEND_LINE = 17


@dataclass(frozen=True)
class TreatmentIn:
    kind: str
    label: str
    start: dt.date
    end: dt.date | None
    status: str  # planned, given, stopped, cancelled
    systemic: bool
    title: str


@dataclass(frozen=True)
class ScanIn:
    day: dt.date
    modality: str  # mri, ct, pet
    category: str | None  # RANO-BM category of the scan, if scored
    title: str
    pending: bool = False


@dataclass(frozen=True)
class WindowIn:
    kind: str
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class DueIn:
    kind: str
    state: str  # upcoming, due, overdue
    start: dt.date
    end: dt.date
    label: str
    title: str


@dataclass(frozen=True)
class DayLine:
    """A dated line across the lanes with its label under the axis (the packet's BM diagnosis)."""

    day: dt.date
    label: str
    key: str  # the line's role: its palette colour and the page's ``tl-line-<key>`` class


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    css: str
    label: str
    label_x: float
    label_y: float
    title: str
    label_inside: bool = False
    arrow: bool = False  # continues beyond the right edge (a window) or up to the marked day (a therapy)
    anchor: str = "start"
    key: str = ""  # window kind, treatment kind or due state: its colour in the palette
    hollow: bool = False  # planned: drawn as an outline


@dataclass
class Mark:
    x: float
    y: float
    shape: str  # circle, square, diamond
    css: str
    title: str
    label: str = ""
    label_y: float = 0
    points: str = ""  # for the diamond
    sx: float = 0  # top-left corner, for the square
    sy: float = 0
    label_x: float = 0
    anchor: str = "middle"
    category: str = ""  # RANO-BM category ("" unscored): its colour in the palette
    pending: bool = False


@dataclass
class Lane:
    label: str
    y: float
    h: float

    @property
    def label_y(self) -> float:
        return self.y + self.h / 2 + 4


@dataclass
class Shade:
    x: float
    w: float
    y: float
    h: float
    css: str
    key: str = ""  # window kind


@dataclass
class VLine:
    """A vertical line across the lanes and its label under the axis."""

    x: float
    label: str
    label_x: float
    label_y: float
    anchor: str
    key: str  # "marker" (today / the board day) or a DayLine's key


@dataclass
class Timeline:
    width: int
    height: int
    plot_left: float
    plot_right: float
    lanes: list[Lane] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    shades: list[Shade] = field(default_factory=list)
    windows: list[Bar] = field(default_factory=list)
    treatments: list[Bar] = field(default_factory=list)
    scans: list[Mark] = field(default_factory=list)
    due: list[Bar] = field(default_factory=list)
    marker: VLine | None = None
    lines: list[VLine] = field(default_factory=list)  # dated lines other than the marker
    legend: list[LegendEntry] = field(default_factory=list)
    axis_y: float = 0
    start: dt.date | None = None
    end: dt.date | None = None
    empty: bool = False
    reason: str = "No treatments or scans recorded yet."

    @property
    def today_x(self) -> float:
        return self.marker.x if self.marker else 0


CATEGORY_CSS = {
    "baseline": "tl-cat-baseline", "CR": "tl-cat-cr", "PR": "tl-cat-pr", "SD": "tl-cat-sd",
    "non-CR/non-PD": "tl-cat-sd", "PD": "tl-cat-pd", "unconfirmed PD": "tl-cat-upd", "NE": "tl-cat-ne",
}
CATEGORY_SHORT = {"baseline": "BL", "non-CR/non-PD": "nonCR", "unconfirmed PD": "uPD"}
SHAPES = {"mri": "circle", "ct": "square"}  # anything else (PET) a diamond
SHORT_KIND = {"surgery": "Surgery", "srs": "SRS", "fsrs": "fSRS", "wbrt": "WBRT", "litt": "LITT", "tt": "TT",
              "ici": "ICI", "chemo": "Chemo", "other": "Other"}


def treatment_label(kind: str, agent: str = "", dose_gy: Decimal | None = None) -> str:
    """A treatment's name on its bar: the kind in short, then the agent or the dose."""
    label = SHORT_KIND.get(kind, kind)
    if agent:
        return f"{label} · {agent}"
    if dose_gy:
        return f"{label} {dose_gy.normalize():f} Gy"
    return label


def window_label(kind: str, ends_on: dt.date) -> str:
    """A watch window's name on its bar: what it watches for and until when."""
    name = "Pseudoprogression" if kind == "pseudoprogression" else "Radiation necrosis"
    return f"{name} watch to {fmt_date(ends_on)}"


def _outside_label(x1: float, w: float, label: str, width: float) -> tuple[float, str, float, float]:
    """Label to the right of a bar, or to its left when it would run off the chart:
    (x, text-anchor, left extent, right extent)."""
    label_w = text_width(label, LABEL_SIZE)
    if x1 + w + 4 + label_w <= width - 2:
        return x1 + w + 4, "start", x1, x1 + w + 4 + label_w
    return x1 - 4, "end", x1 - 4 - label_w, x1 + w


def build_timeline(treatments: list[TreatmentIn], scans: list[ScanIn], windows: list[WindowIn],
                   due: list[DueIn] | None, today: dt.date, *, marker_label: str = "Today",
                   day_lines: Sequence[DayLine] = (), width: int = WIDTH, legend_in_chart: bool = False) -> Timeline:
    """The lanes seen from ``today`` (the board day in the packet, labelled ``marker_label``); ``due``
    None leaves the due lane out; ``day_lines`` are more dated lines (their days widen the span)."""
    days = [t.start for t in treatments] + [t.end for t in treatments if t.end] + [s.day for s in scans]
    days += [d.start for d in due or ()] + [d.end for d in due or ()] + [w.start for w in windows]
    if not days:
        return Timeline(width, 60, LEFT, width - RIGHT, empty=True)
    days += [line.day for line in day_lines]
    first = min(days + [today])
    last = max([shift_clamped(today, 21)] + [d.end for d in due or ()]
               + [t.end or t.start for t in treatments])
    scale = TimeScale.padded(first, last, LEFT, width - RIGHT, parts=40, min_days=7)
    chart = Timeline(width, 0, LEFT, width - RIGHT, start=scale.start, end=scale.end)
    chart.marker = VLine(scale(scale.clamp(today)), marker_label, 0, 0, "middle", "marker")
    chart.lines = [VLine(scale(scale.clamp(line.day)), line.label, 0, 0, "middle", line.key) for line in day_lines]
    y = _window_lane(chart, scale, windows, TOP)
    y = _treatment_lane(chart, scale, treatments, today, y)
    y = _scan_lane(chart, scale, scans, y)
    if due is not None:
        y = _due_lane(chart, scale, due, y)
    else:
        y -= LANE_GAP
    for shade in chart.shades:
        shade.y, shade.h = TOP, y - TOP
    chart.axis_y = y + 4
    chart.ticks = month_ticks(scale)
    below = _place_line_labels(chart)
    chart.legend = _legend(chart, treatments, due)
    chart.height = int(below)
    if legend_in_chart:
        chart.height = int(place_legend(chart.legend, 10, below + 2, width - RIGHT, LEGEND_SIZE, LEGEND_LINE))
    return chart


def _window_lane(chart: Timeline, scale: TimeScale, windows: list[WindowIn], y: float) -> float:
    """One thin bar per watch window with its label, and a shade across every lane."""
    rows = Rows()
    placed = []
    for window in sorted(windows, key=lambda w: w.start):
        x1, x2 = scale(scale.clamp(window.start)), scale(scale.clamp(window.end))
        label = window.label + (" →" if window.end > scale.end else "")
        row = rows.place(x1, max(x2, x1 + text_width(label, LABEL_SIZE) + 6))
        placed.append((window, x1, x2, label, row))
    if not placed:
        return y
    lane_h = max(1, len(rows)) * ROW
    chart.lanes.append(Lane("Watch windows", y, lane_h))
    for window, x1, x2, label, row in placed:
        top = y + row * ROW + (ROW - BAR) / 2
        chart.windows.append(Bar(x1, top, max(x2 - x1, 2), BAR, f"tl-window tl-window-{window.kind}", label, x1 + 4,
                                 top + BAR - 3, label, label_inside=True, arrow=window.end > scale.end,
                                 key=window.kind))
        chart.shades.append(Shade(x1, max(x2 - x1, 2), 0, 0, f"tl-shade tl-shade-{window.kind}", window.kind))
    return y + lane_h + LANE_GAP


def _treatment_lane(chart: Timeline, scale: TimeScale, treatments: list[TreatmentIn], today: dt.date,
                    y: float) -> float:
    """Bars (a local treatment is a day or a few); given systemic therapy without an end runs to the
    marked day; a planned one is hollow."""
    rows = Rows()
    placed = []
    for treatment in sorted(treatments, key=lambda t: (t.start, t.kind)):
        start = scale.clamp(treatment.start)
        ongoing = treatment.end is None and treatment.systemic and treatment.status == "given"
        end = scale.clamp(treatment.end or (today if ongoing else treatment.start))
        x1, x2 = scale(start), scale(end)
        w = max(x2 - x1, 5)
        inside = text_width(treatment.label, LABEL_SIZE) + 8 <= w
        if inside:
            label_x, anchor, left, right = x1 + 4, "start", x1, x1 + w
        else:
            label_x, anchor, left, right = _outside_label(x1, w, treatment.label, chart.width)
        row = rows.place(left, right)
        placed.append((treatment, x1, w, inside, row, ongoing, label_x, anchor))
    lane_h = max(1, len(rows)) * ROW
    chart.lanes.append(Lane("Treatments", y, lane_h))
    for treatment, x1, w, inside, row, ongoing, label_x, anchor in placed:
        top = y + row * ROW + (ROW - BAR) / 2
        css = f"tl-treat tl-treat-{treatment.kind} tl-status-{treatment.status}"
        chart.treatments.append(Bar(x1, top, w, BAR, css, treatment.label, label_x, top + BAR - 3, treatment.title,
                                    label_inside=inside, arrow=ongoing, anchor=anchor, key=treatment.kind,
                                    hollow=treatment.status == "planned"))
    return y + lane_h + LANE_GAP


def _scan_lane(chart: Timeline, scale: TimeScale, scans: list[ScanIn], y: float) -> float:
    """Marks by modality, coloured by response category; labels on two staggered rows under the marks,
    never over each other nor across a dated line (a baseline MRI on the day of diagnosis has its "BL"
    beside the line, not on it)."""
    lane_h = ROW + 2 * SCAN_LABEL_LINE + 2
    chart.lanes.append(Lane("Scans", y, lane_h))
    mark_y = y + ROW / 2 + 2
    boxes = Boxes(gap=4)
    lines = [line.x for line in [chart.marker, *chart.lines] if line is not None]
    # MRIs last, so that a CT or PET on the same day never hides the MRI's mark.
    for scan in sorted(scans, key=lambda s: (s.modality == "mri", s.day)):
        x = scale(scan.day)
        css = "tl-scan " + (CATEGORY_CSS.get(scan.category, "tl-cat-none") if scan.category else "tl-cat-none")
        if scan.pending:
            css += " tl-scan-pending"
        shape = SHAPES.get(scan.modality, "diamond")
        mark = Mark(x, mark_y, shape, css, scan.title, sx=round(x - 6, 1), sy=round(mark_y - 6, 1),
                    category=scan.category or "", pending=scan.pending)
        if shape == "diamond":
            mark.points = f"{x},{mark_y - 7} {x + 7},{mark_y} {x},{mark_y + 7} {x - 7},{mark_y}"
        label = CATEGORY_SHORT.get(scan.category, scan.category or "")
        if label:
            _place_scan_label(mark, label, lines, boxes)
        chart.scans.append(mark)
    return y + lane_h + LANE_GAP


def _place_scan_label(mark: Mark, label: str, lines: list[float], boxes: Boxes) -> None:
    half = text_width(label, SCAN_LABEL_SIZE) / 2
    for row in range(2):
        base = mark.y + 22 + row * SCAN_LABEL_LINE
        for x, anchor, left, right in _beside_lines(mark.x, half, lines):
            box = (left, right, base - SCAN_LABEL_SIZE, base + 2)
            if boxes.free(box):
                boxes.add(box)
                mark.label, mark.label_x, mark.label_y, mark.anchor = label, x, base, anchor
                return


def _beside_lines(x: float, half: float, lines: list[float]) -> list[tuple[float, str, float, float]]:
    """Where a label centred at ``x`` may go: centred if no line crosses it, else just right or just left
    of the crossing line; as (x, anchor, left, right)."""
    crossing = [line for line in lines if x - half - 2 <= line <= x + half + 2]
    if not crossing:
        return [(x, "middle", x - half, x + half)]
    line = crossing[0]
    places = [(line + 3, "start", line + 3, line + 3 + 2 * half), (line - 3, "end", line - 3 - 2 * half, line - 3)]
    return [p for p in places if not any(p[2] - 1 <= other <= p[3] + 1 for other in lines)]


def _due_lane(chart: Timeline, scale: TimeScale, due: list[DueIn], y: float) -> float:
    """Due items ahead (open ones): their window as a bar, coloured by state."""
    rows = Rows()
    placed = []
    for item in sorted(due, key=lambda d: (d.start, d.end)):
        x1, x2 = scale(scale.clamp(item.start)), scale(scale.clamp(item.end))
        w = max(x2 - x1, 5)
        label_x, anchor, left, right = _outside_label(x1, w, item.label, chart.width)
        row = rows.place(left, right)
        placed.append((item, x1, w, row, label_x, anchor))
    lane_h = max(1, len(rows)) * ROW
    chart.lanes.append(Lane("Due", y, lane_h))
    for item, x1, w, row, label_x, anchor in placed:
        top = y + row * ROW + (ROW - BAR) / 2
        chart.due.append(Bar(x1, top, w, BAR, f"tl-due tl-due-{item.state}", item.label, label_x, top + BAR - 3,
                             item.title, anchor=anchor, key=item.state))
    return y + lane_h


def _place_line_labels(chart: Timeline) -> float:
    """The marked day's label under the axis, below the month labels; each dated line's beside it, a row
    lower when the two would print over each other. Returns the y below the last of them."""
    boxes = Boxes(gap=6)
    bottom = chart.axis_y + AXIS
    for line in [chart.marker, *chart.lines]:
        half = text_width(line.label, MARK_LABEL_SIZE) / 2
        x = min(max(line.x, half + 2), chart.width - half - 2)  # kept on the chart
        for row in range(3):
            base = chart.axis_y + 26 + row * 13
            box = (x - half, x + half, base - MARK_LABEL_SIZE, base + 2)
            if boxes.free(box) or row == 2:
                boxes.add(box)
                line.label_x, line.label_y = x, base
                bottom = max(bottom, base + 16)
                break
    return bottom


def _legend(chart: Timeline, treatments, due) -> list[LegendEntry]:
    entries = [LegendEntry("treat-local", "Local treatment"), LegendEntry("treat-systemic", "Systemic therapy")]
    if any(t.status == "planned" for t in treatments):
        entries.append(LegendEntry("planned", "Planned (outline)"))
    entries += [LegendEntry("mri", "MRI"), LegendEntry("ct", "CT"), LegendEntry("pet", "PET")]
    entries += [LegendEntry("win-pseudo", "Pseudoprogression watch"),
                LegendEntry("win-rn", "Radiation-necrosis watch")]
    if due is not None:
        entries += [LegendEntry("due-overdue", "Overdue"), LegendEntry("due-due", "Due"),
                    LegendEntry("due-upcoming", "Upcoming")]
    entries += [LegendEntry(f"line-{line.key}", line.label) for line in chart.lines]
    return entries
