"""SVG pictures for the case summary: the RANO-BM response chart and the treatment/imaging timeline.

Plain SVG markup built from plain data (no JavaScript, no CSS ``style`` attributes: the pages' CSP
forbids inline styles, so colours and fonts are SVG presentation attributes). The same markup is
inlined in the web packet and in the PDF (WeasyPrint renders inline SVG). Every label is escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bmtrack.clinical.dates import month_starts, shift_clamped
from bmtrack.core import palette

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK = "#1b1f24"
MUTED = "#5b6573"
GRID = "#e3e6eb"
CATEGORY_COLOURS = {
    "baseline": "#0b5cad",
    "CR": "#1e6b35",
    "PR": "#2f8f4e",
    "SD": "#5b6573",
    "non-CR/non-PD": "#5b6573",
    "NE": "#9aa3ae",
    "unconfirmed PD": "#c26a00",
    "PD": "#a4161a",
}
TREATMENT_COLOURS = {
    "surgery": "#6a3d9a",
    "srs": "#0b7a75",
    "fsrs": "#0b7a75",
    "wbrt": "#1f5fa8",
    "litt": "#6a3d9a",
    "tt": "#b35900",
    "ici": "#a4161a",
    "chemo": "#7a5c00",
    "other": "#5b6573",
}
# The watch windows' colours are the page's (one palette: bmtrack.core.palette).
WINDOW_FILLS = palette.WINDOW_FILLS
WINDOW_COLOURS = palette.WINDOW_COLOURS
SHORT_CATEGORY = {"baseline": "BL", "non-CR/non-PD": "nCR/nPD", "unconfirmed PD": "uPD"}


class Svg:
    """A tiny SVG writer: ``add("line", x1=..., stroke_width=1)`` (underscores become hyphens)."""

    def __init__(self, width: int, height: int, label: str):
        self.width, self.height, self.label = width, height, label
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, **attrs) -> None:
        rendered = " ".join(
            f'{"class" if name == "class_" else name.replace("_", "-")}="{escape(_fmt(value))}"'
            for name, value in attrs.items() if value is not None
        )
        if text is None:
            self.parts.append(f"<{tag} {rendered}/>")
        else:
            self.parts.append(f"<{tag} {rendered}>{escape(text)}</{tag}>")

    def text(self, x, y, text, size=9, anchor="start", fill=INK, weight=None) -> None:
        self.add("text", text, x=x, y=y, font_size=size, font_family=FONT, text_anchor=anchor, fill=fill,
                 font_weight=weight)

    def render(self) -> SafeString:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
                f'width="{self.width}" height="{self.height}" role="img" aria-label="{escape(self.label)}">'
                f"<title>{escape(self.label)}</title>")
        return mark_safe(head + "".join(self.parts) + "</svg>")  # noqa: S308 - every part is escaped above


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


# --- response chart ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponsePoint:
    on: dt.date
    category: str
    sum_mm: float | None
    nadir_mm: float | None = None  # the nadir this timepoint was compared with


def _nice_step(span: float) -> float:
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def response_chart(points: Sequence[ResponsePoint], width: int = 300, height: int = 135) -> SafeString:
    """Sum of target diameters over time, with the baseline, the PR line (−30 %) and the PD threshold
    (nadir + 20 %) each timepoint was compared with; each point is coloured and labelled by category."""
    svg = Svg(width, height, "RANO-BM response: sum of target lesion diameters over time")
    measured = [p for p in points if p.sum_mm is not None]
    if not measured:
        svg.text(width / 2, height / 2, "No measured response series yet", size=10, anchor="middle", fill=MUTED)
        return svg.render()
    left, right, top, bottom = 28, 8, 24, 24
    first, last = measured[0].on, measured[-1].on
    if first == last:
        first, last = shift_clamped(first, -15), shift_clamped(last, 15)
    span_days = (last - first).days
    baseline = measured[0].sum_mm if measured[0].category == "baseline" else None
    thresholds = [p.nadir_mm * 1.2 for p in measured if p.nadir_mm is not None]
    top_value = max([p.sum_mm for p in measured] + thresholds + [1.0]) * 1.08
    step = _nice_step(top_value)
    top_value = math.ceil(top_value / step) * step

    def x(day: dt.date) -> float:
        return left + 8 + (day - first).days / span_days * (width - left - right - 16)

    def y(mm: float) -> float:
        return top + (1 - mm / top_value) * (height - top - bottom)

    tick = 0.0
    while tick <= top_value + 1e-9:
        svg.add("line", x1=left, x2=width - right, y1=y(tick), y2=y(tick), stroke=GRID, stroke_width=1)
        svg.text(left - 4, y(tick) + 3, f"{tick:g}", size=8, anchor="end", fill=MUTED)
        tick += step
    svg.text(left - 4, top - 8, "mm", size=7.5, anchor="end", fill=MUTED)
    legend = []
    if baseline:
        svg.add("line", x1=left, x2=width - right, y1=y(baseline), y2=y(baseline), stroke="#0b5cad",
                stroke_width=1, stroke_dasharray="4 3")
        svg.add("line", x1=left, x2=width - right, y1=y(baseline * 0.7), y2=y(baseline * 0.7), stroke="#2f8f4e",
                stroke_width=1.2, stroke_dasharray="1 3")
        legend += [("#0b5cad", "4 3", "baseline"), ("#2f8f4e", "1 3", "PR −30 %")]
    # The PD threshold each follow-up was compared with, drawn from the previous timepoint to it.
    previous = None
    for point in measured:
        if previous is not None and point.nadir_mm is not None:
            level = y(point.nadir_mm * 1.2)
            svg.add("line", x1=x(previous.on), x2=x(point.on), y1=level, y2=level, stroke="#a4161a",
                    stroke_width=1.2, stroke_dasharray="3 2")
        previous = point
    if len(measured) > 1 and any(p.nadir_mm is not None for p in measured):
        legend.append(("#a4161a", "3 2", "PD: nadir +20 %"))
    lx = 4.0
    for colour, dash, label in legend:
        svg.add("line", x1=lx, x2=lx + 16, y1=6, y2=6, stroke=colour, stroke_width=1.4, stroke_dasharray=dash)
        svg.text(lx + 19, 9, label, size=7.5, fill=MUTED)
        lx += 19 + len(label) * 4.3 + 12
    svg.add("polyline", points=" ".join(f"{x(p.on):.1f},{y(p.sum_mm):.1f}" for p in measured), fill="none",
            stroke=INK, stroke_width=1.6)
    for point in measured:
        colour = CATEGORY_COLOURS.get(point.category, INK)
        svg.add("circle", cx=x(point.on), cy=y(point.sum_mm), r=3.6, fill=colour, stroke="#fff", stroke_width=1)
        svg.text(x(point.on), y(point.sum_mm) - 7, SHORT_CATEGORY.get(point.category, point.category), size=7.5,
                 anchor="middle", fill=colour, weight="bold")
    for day in _spread([p.on for p in measured], max_labels=6):
        svg.text(x(day), height - bottom + 11, f"{day.day} {day:%b}", size=7.5, anchor="middle", fill=MUTED)
        svg.text(x(day), height - bottom + 20, f"{day:%Y}", size=7, anchor="middle", fill=MUTED)
    return svg.render()


def _spread(days: list[dt.date], max_labels: int) -> list[dt.date]:
    if len(days) <= max_labels:
        return days
    stride = (len(days) - 1) / (max_labels - 1)
    return [days[round(i * stride)] for i in range(max_labels)]


# --- timeline ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineTreatment:
    kind: str
    label: str
    start: dt.date
    end: dt.date | None
    planned: bool = False
    ongoing: bool = False  # given without an end: drawn up to the timeline's end


@dataclass(frozen=True)
class TimelineScan:
    on: dt.date
    modality: str
    category: str = ""  # RANO-BM category when the scan was assessed


@dataclass(frozen=True)
class TimelineWindow:
    kind: str
    start: dt.date
    end: dt.date


LOCAL_KINDS = {"surgery", "srs", "fsrs", "wbrt", "litt"}


def timeline(treatments: Sequence[TimelineTreatment], scans: Sequence[TimelineScan],
             windows: Sequence[TimelineWindow], today: dt.date, bm_diagnosed_on: dt.date | None = None,
             width: int = 600, height: int = 158) -> SafeString:
    """Rows: imaging (MRI coloured by RANO-BM category), local treatment, systemic therapy and the watch
    windows (also shaded faintly behind the rows, so a scan inside one shows); the board day marked.
    Planned treatments are drawn hollow."""
    svg = Svg(width, height, "Timeline of imaging, local and systemic treatment, and watch windows")
    days = [t.start for t in treatments] + [t.end for t in treatments if t.end] + [s.on for s in scans]
    if bm_diagnosed_on:
        days.append(bm_diagnosed_on)
    if not days:
        svg.text(width / 2, height / 2, "Nothing recorded yet", size=10, anchor="middle", fill=MUTED)
        return svg.render()
    first = min(days)
    last = max(days + [today])
    pad = max(10, (last - first).days // 25)
    first, last = shift_clamped(first, -pad), shift_clamped(last, pad)
    left, right, top = 52, 8, 14
    rows = {"imaging": top + 16, "local": top + 42, "systemic": top + 66, "watch": top + 88}
    axis_y = top + 100

    def x(day: dt.date) -> float:
        day = min(max(day, first), last)
        return left + (day - first).days / (last - first).days * (width - left - right)

    shown = [w for w in windows if w.end >= first and w.start <= last]
    for window in shown:
        svg.add("rect", x=x(window.start), y=top, width=max(x(window.end) - x(window.start), 1.5),
                height=rows["systemic"] + 10 - top, fill=WINDOW_FILLS.get(window.kind, "#eee"), fill_opacity=0.35)
    for name, label in (("imaging", "Imaging"), ("local", "Local"), ("systemic", "Systemic"), ("watch", "Watch")):
        svg.add("line", x1=left, x2=width - right, y1=rows[name], y2=rows[name], stroke=GRID, stroke_width=1)
        svg.text(4, rows[name] + 3, label, size=8, fill=MUTED, weight="bold")
    _axis(svg, x, first, last, axis_y, left, width - right)
    if bm_diagnosed_on:
        svg.add("line", x1=x(bm_diagnosed_on), x2=x(bm_diagnosed_on), y1=top, y2=axis_y, stroke="#0b5cad",
                stroke_width=1, stroke_dasharray="2 2")
    svg.add("line", x1=x(today), x2=x(today), y1=top, y2=axis_y, stroke=INK, stroke_width=1.2)
    board_x = x(today)
    svg.text(board_x, 8, "board", size=7, anchor="middle", fill=INK, weight="bold")
    if bm_diagnosed_on:
        # Beside the board's label when the two would print over each other.
        bm_x, half = x(bm_diagnosed_on), len("BM diagnosis") * 7 * 0.56 / 2
        anchor = "middle"
        if abs(bm_x - board_x) < half + len("board") * 7 * 0.56 / 2 + 4:
            bm_x, anchor = board_x - len("board") * 7 * 0.56 / 2 - 4, "end"
        svg.text(bm_x, 8, "BM diagnosis", size=7, anchor=anchor, fill="#0b5cad")
    # Watch windows: one bar each, stacked when they overlap, labelled with what opened them.
    for index, window in enumerate(shown):
        cy = rows["watch"] + (index % 2) * 7 - 3
        colour = WINDOW_COLOURS.get(window.kind, MUTED)
        svg.add("rect", x=x(window.start), y=cy - 2.5, width=max(x(window.end) - x(window.start), 2), height=5,
                fill=WINDOW_FILLS.get(window.kind, "#eee"), stroke=colour, stroke_width=0.8, rx=1.5)
    for scan in scans:
        cx, cy = x(scan.on), rows["imaging"]
        if scan.modality == "mri":
            colour = CATEGORY_COLOURS.get(scan.category, "#9aa3ae" if not scan.category else INK)
            svg.add("circle", cx=cx, cy=cy, r=4, fill=colour, stroke="#fff", stroke_width=0.8)
            if scan.category and scan.category not in ("SD", "non-CR/non-PD", "NE"):
                svg.text(cx, cy - 7, SHORT_CATEGORY.get(scan.category, scan.category), size=7, anchor="middle",
                         fill=colour, weight="bold")
        else:
            svg.add("rect", x=cx - 3, y=cy - 3, width=6, height=6, fill="#9aa3ae",
                    transform=f"rotate(45 {cx:.1f} {cy:.1f})")
    last_label = -1000.0
    systemic_index = 0
    for treatment in treatments:
        colour = TREATMENT_COLOURS.get(treatment.kind, MUTED)
        fill = "#fff" if treatment.planned else colour
        if treatment.kind in LOCAL_KINDS:
            cy = rows["local"]
            x0 = x(treatment.start)
            x1 = x(treatment.end) if treatment.end else x0
            if x1 - x0 >= 4:
                svg.add("rect", x=x0, y=cy - 4, width=x1 - x0, height=8, fill=fill, stroke=colour, stroke_width=1.2,
                        rx=2)
            else:
                svg.add("path", d=f"M{x0:.1f},{cy - 6:.1f} L{x0 + 5:.1f},{cy:.1f} L{x0:.1f},{cy + 6:.1f} "
                        f"L{x0 - 5:.1f},{cy:.1f} Z", fill=fill, stroke=colour, stroke_width=1.2)
            # A label too close to the previous one goes below the row instead of above.
            below = x0 - last_label < 40
            svg.text(x0, cy + (14 if below else -8), treatment.label, size=7, anchor="middle", fill=colour)
            last_label = -1000.0 if below else x0
        else:
            cy = rows["systemic"] + (systemic_index % 2) * 9 - 4
            systemic_index += 1
            x0 = x(treatment.start)
            x1 = x(treatment.end) if treatment.end else (x(today) if treatment.ongoing else x0 + 4)
            svg.add("rect", x=x0, y=cy - 3, width=max(x1 - x0, 4), height=6, fill=fill, stroke=colour,
                    stroke_width=1.2, rx=2, stroke_dasharray="3 2" if treatment.planned else None)
            svg.text(x0 + 2, cy - 5, treatment.label, size=7, fill=colour)
    _legend(svg, 4, height - 15)
    return svg.render()


def _axis(svg: Svg, x, first: dt.date, last: dt.date, y: float, x_min: float, x_max: float) -> None:
    svg.add("line", x1=x_min, x2=x_max, y1=y, y2=y, stroke=MUTED, stroke_width=1)
    days, every = month_starts(shift_clamped(first, 1), last, 8)
    for day in days:
        svg.add("line", x1=x(day), x2=x(day), y1=y, y2=y + 3, stroke=MUTED, stroke_width=1)
        svg.text(x(day), y + 12, f"{day:%b %Y}" if every < 12 else f"{day:%Y}", size=7.5, anchor="middle",
                 fill=MUTED)


def _legend(svg: Svg, x0: float, y: float) -> None:
    """Two rows under the axis: the watch windows (their names are long since they are in words), then
    the marks."""
    start = x0
    for kind, label in (("pseudoprogression", "pseudoprogression window (immunotherapy or targeted therapy)"),
                        ("radiation_necrosis", "radiation-necrosis window (SRS)")):
        svg.add("rect", x=x0, y=y - 6, width=10, height=6, fill=WINDOW_FILLS[kind], stroke=WINDOW_COLOURS[kind],
                stroke_width=0.8, rx=1.5)
        svg.text(x0 + 13, y, label, size=7.5, fill=MUTED)
        x0 += 13 + len(label) * 4.2 + 14
    x0, y = start, y + 12
    svg.add("path", d=f"M{x0 + 5:.1f},{y - 7:.1f} L{x0 + 10:.1f},{y - 3:.1f} L{x0 + 5:.1f},{y + 1:.1f} "
            f"L{x0:.1f},{y - 3:.1f} Z", fill="#fff", stroke=MUTED, stroke_width=1)
    svg.text(x0 + 13, y, "hollow: planned", size=7.5, fill=MUTED)
    x0 += 13 + 15 * 4.2 + 14
    svg.add("circle", cx=x0 + 4, cy=y - 3, r=3.5, fill="#9aa3ae")
    svg.text(x0 + 11, y, "MRI, coloured by RANO-BM category", size=7.5, fill=MUTED)
