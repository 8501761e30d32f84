"""The patient timeline: treatments as bars, scans as marks, watch windows shaded, due items ahead.

Lanes from top to bottom: watch windows, treatments, scans, due items; a line marks today. The span
runs from the first event to the last open due item (at least a few weeks past today); a watch
window that runs on beyond it is cut at the edge and says until when it runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bmtrack.core.charts.scale import Rows, Tick, TimeScale, month_ticks, text_width

WIDTH = 1000
LEFT = 118
RIGHT = 16
TOP = 8
ROW = 24
BAR = 14
LANE_GAP = 10
AXIS = 42
LABEL_SIZE = 12


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
    arrow: bool = False  # continues beyond the right edge
    anchor: str = "start"


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
    today_x: float = 0
    axis_y: float = 0
    start: dt.date | None = None
    end: dt.date | None = None
    empty: bool = False


CATEGORY_CSS = {
    "baseline": "tl-cat-baseline", "CR": "tl-cat-cr", "PR": "tl-cat-pr", "SD": "tl-cat-sd",
    "non-CR/non-PD": "tl-cat-sd", "PD": "tl-cat-pd", "unconfirmed PD": "tl-cat-upd", "NE": "tl-cat-ne",
}
CATEGORY_SHORT = {"baseline": "BL", "non-CR/non-PD": "nonCR", "unconfirmed PD": "uPD"}


def _outside_label(x1: float, w: float, label: str) -> tuple[float, str, float, float]:
    """Label to the right of a bar, or to its left when it would run off the chart:
    (x, text-anchor, left extent, right extent)."""
    width = text_width(label, LABEL_SIZE)
    if x1 + w + 4 + width <= WIDTH - 2:
        return x1 + w + 4, "start", x1, x1 + w + 4 + width
    return x1 - 4, "end", x1 - 4 - width, x1 + w


def build_timeline(treatments: list[TreatmentIn], scans: list[ScanIn], windows: list[WindowIn],
                   due: list[DueIn], today: dt.date) -> Timeline:
    days = [t.start for t in treatments] + [t.end for t in treatments if t.end] + [s.day for s in scans]
    days += [d.start for d in due] + [d.end for d in due] + [w.start for w in windows]
    if not days:
        return Timeline(WIDTH, 60, LEFT, WIDTH - RIGHT, empty=True)
    first = min(days + [today])
    last = max([today + dt.timedelta(days=21)] + [d.end for d in due] + [t.end or t.start for t in treatments])
    scale = TimeScale.padded(first, last, LEFT, WIDTH - RIGHT, parts=40, min_days=7)
    chart = Timeline(WIDTH, 0, LEFT, WIDTH - RIGHT, start=scale.start, end=scale.end)
    y = TOP

    # Watch windows: one thin bar per window with its label, and a shade across every lane.
    rows = Rows()
    placed = []
    for window in sorted(windows, key=lambda w: w.start):
        x1, x2 = scale(scale.clamp(window.start)), scale(scale.clamp(window.end))
        label = window.label + (" →" if window.end > scale.end else "")
        row = rows.place(x1, max(x2, x1 + text_width(label, LABEL_SIZE) + 6))
        placed.append((window, x1, x2, label, row))
    if placed:
        lane_h = max(1, len(rows)) * ROW
        chart.lanes.append(Lane("Watch windows", y, lane_h))
        for window, x1, x2, label, row in placed:
            css = f"tl-window tl-window-{window.kind}"
            top = y + row * ROW + (ROW - BAR) / 2
            chart.windows.append(Bar(x1, top, max(x2 - x1, 2), BAR, css, label, x1 + 4, top + BAR - 3,
                                     label, label_inside=True, arrow=window.end > scale.end))
            chart.shades.append(Shade(x1, max(x2 - x1, 2), 0, 0, f"tl-shade tl-shade-{window.kind}"))
        y += lane_h + LANE_GAP

    # Treatments: bars (a local treatment is a day or a few), systemic therapy runs until it ends.
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
            label_x, anchor, left, right = _outside_label(x1, w, treatment.label)
        row = rows.place(left, right)
        placed.append((treatment, x1, w, inside, row, ongoing, label_x, anchor))
    lane_h = max(1, len(rows)) * ROW
    chart.lanes.append(Lane("Treatments", y, lane_h))
    for treatment, x1, w, inside, row, ongoing, label_x, anchor in placed:
        top = y + row * ROW + (ROW - BAR) / 2
        css = f"tl-treat tl-treat-{treatment.kind} tl-status-{treatment.status}"
        chart.treatments.append(Bar(x1, top, w, BAR, css, treatment.label, label_x, top + BAR - 3, treatment.title,
                                    label_inside=inside, arrow=ongoing, anchor=anchor))
    y += lane_h + LANE_GAP

    # Scans: marks by modality, coloured by response category; labels on two staggered rows.
    lane_h = ROW + 2 * 14
    chart.lanes.append(Lane("Scans", y, lane_h))
    mark_y = y + ROW / 2 + 2
    labels = Rows(gap=4)
    # MRIs last, so that a CT or PET on the same day never hides the MRI's mark.
    for scan in sorted(scans, key=lambda s: (s.modality == "mri", s.day)):
        x = scale(scan.day)
        css = "tl-scan " + (CATEGORY_CSS.get(scan.category, "tl-cat-none") if scan.category else "tl-cat-none")
        if scan.pending:
            css += " tl-scan-pending"
        shape = {"mri": "circle", "ct": "square"}.get(scan.modality, "diamond")
        label = CATEGORY_SHORT.get(scan.category, scan.category or "")
        mark = Mark(x, mark_y, shape, css, scan.title, sx=round(x - 6, 1), sy=round(mark_y - 6, 1))
        if shape == "diamond":
            mark.points = f"{x},{mark_y - 7} {x + 7},{mark_y} {x},{mark_y + 7} {x - 7},{mark_y}"
        if label:
            half = text_width(label, 11) / 2
            row = labels.place(x - half, x + half, max_rows=2)
            if row is not None:
                mark.label, mark.label_y = label, mark_y + 22 + row * 13
        chart.scans.append(mark)
    y += lane_h + LANE_GAP

    # Due items ahead (open ones): their window as a bar, coloured by state.
    rows = Rows()
    placed = []
    for item in sorted(due, key=lambda d: (d.start, d.end)):
        x1, x2 = scale(scale.clamp(item.start)), scale(scale.clamp(item.end))
        w = max(x2 - x1, 5)
        label_x, anchor, left, right = _outside_label(x1, w, item.label)
        row = rows.place(left, right)
        placed.append((item, x1, w, row, label_x, anchor))
    lane_h = max(1, len(rows)) * ROW
    chart.lanes.append(Lane("Due", y, lane_h))
    for item, x1, w, row, label_x, anchor in placed:
        top = y + row * ROW + (ROW - BAR) / 2
        chart.due.append(Bar(x1, top, w, BAR, f"tl-due tl-due-{item.state}", item.label, label_x, top + BAR - 3,
                             item.title, anchor=anchor))
    y += lane_h

    for shade in chart.shades:
        shade.y, shade.h = TOP, y - TOP
    chart.axis_y = y + 4
    chart.ticks = month_ticks(scale)
    chart.today_x = scale(scale.clamp(today))
    chart.height = int(y + AXIS)
    return chart
