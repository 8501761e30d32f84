"""What the charts share: scales (dates to x, values to y), readable tick marks, rows and label boxes that
never overlap, and legends flowed into rows."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from bmtrack.clinical.dates import month_starts, shift_clamped

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TimeScale:
    start: dt.date
    end: dt.date
    x0: float
    x1: float

    def __call__(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(self.x0 + (day - self.start).days / span * (self.x1 - self.x0), 1)

    def clamp(self, day: dt.date) -> dt.date:
        return min(max(day, self.start), self.end)

    @classmethod
    def padded(cls, first: dt.date, last: dt.date, x0: float, x1: float, *, parts: int, min_days: int) -> TimeScale:
        """A scale over [first, last] with a margin of 1/``parts`` of the span (at least ``min_days``) on each
        side, held at the calendar's ends so a stored date near 9999 still draws."""
        pad = max(min_days, (last - first).days // parts)
        return cls(shift_clamped(first, -pad), shift_clamped(last, pad), x0, x1)


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str
    major: bool = False


def month_ticks(scale: TimeScale) -> list[Tick]:
    """Month starts, thinned to keep about a dozen labels (years, decades on a long record); January
    carries the year."""
    days, _ = month_starts(scale.start, scale.end, 14)
    return [Tick(scale(day), f"{MONTHS[day.month - 1]} {day.year}" if (day.month == 1 or index == 0)
                 else MONTHS[day.month - 1], major=day.month == 1)
            for index, day in enumerate(days)]


def nice_max(value: float) -> tuple[float, float]:
    """A round upper bound at or above ``value`` and a step giving 4–6 gridlines."""
    if value <= 0:
        return 10.0, 2.0
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.ceil(value / step) * step, step


def text_width(text: str, size: float = 12) -> float:
    """Approximate rendered width of ``text`` in a sans-serif font (for label placement)."""
    return len(text) * size * 0.56


class Rows:
    """Greedy row assignment so that bars and labels on one row never overlap."""

    def __init__(self, gap: float = 8):
        self.ends: list[float] = []
        self.gap = gap

    def place(self, left: float, right: float, max_rows: int | None = None) -> int | None:
        for index, end in enumerate(self.ends):
            if left >= end + self.gap:
                self.ends[index] = right
                return index
        if max_rows is not None and len(self.ends) >= max_rows:
            return None
        self.ends.append(right)
        return len(self.ends) - 1

    def __len__(self) -> int:
        return len(self.ends)


class Boxes:
    """Label boxes placed so far (left, right, top, bottom): a new label goes only where it prints over
    none of them (``gap`` apart side by side)."""

    def __init__(self, gap: float = 2):
        self.placed: list[tuple[float, float, float, float]] = []
        self.gap = gap

    def free(self, box: tuple[float, float, float, float]) -> bool:
        left, right, top, bottom = box
        return all(right + self.gap <= x0 or left >= x1 + self.gap or bottom <= y0 or top >= y1
                   for x0, x1, y0, y1 in self.placed)

    def add(self, box: tuple[float, float, float, float]) -> None:
        self.placed.append(box)


@dataclass
class LegendEntry:
    """One key of a legend: ``key`` names the swatch (the page's ``key-<key>`` class, the packet's
    palette entry), ``text`` what it means; ``x``/``y`` its place when the legend is drawn inside the
    chart (the packet), left at 0 when the page writes it as HTML under the chart."""

    key: str
    text: str
    x: float = 0
    y: float = 0


LEGEND_SWATCH = 16  # the swatch and the space after it, before the text


def place_legend(entries: list[LegendEntry], x0: float, y0: float, right: float, size: float,
                 line: float) -> float:
    """Flow the entries left to right from (x0, y0), a new row when the next would pass ``right``;
    returns the y below the last row."""
    x, y = x0, y0
    for entry in entries:
        w = LEGEND_SWATCH + text_width(entry.text, size) + 14
        if x > x0 and x + w > right:
            x, y = x0, y + line
        entry.x, entry.y = round(x, 1), round(y, 1)
        x += w
    return y + (line if entries else 0)
