"""Small bar charts for the dashboard (server-side SVG)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bmtrack.core.charts.scale import text_width
from bmtrack.core.formatting import fmt_date


@dataclass
class HBar:
    label: str
    value: int
    y: float
    w: float
    value_x: float


@dataclass
class HBars:
    width: int
    height: int
    label_w: float
    bars: list[HBar] = field(default_factory=list)


def hbars(rows: list[tuple[str, int]], width: int = 560, row: int = 26) -> HBars:
    """Horizontal bars, one per (label, count), scaled to the largest count."""
    label_w = min(220, max([text_width(label, 13) for label, _ in rows] + [60]) + 12)
    top = max((value for _, value in rows), default=0) or 1
    plot = width - label_w - 40
    chart = HBars(width, max(1, len(rows)) * row + 4, label_w)
    for index, (label, value) in enumerate(rows):
        w = max(2.0, plot * value / top) if value else 0
        chart.bars.append(HBar(label, value, 4 + index * row, round(w, 1), round(label_w + w + 6, 1)))
    return chart


@dataclass
class Segment:
    y: float
    h: float
    css: str
    count: int


@dataclass
class VBar:
    x: float
    w: float
    css: str
    label: str
    title: str
    n: int
    n_label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return round(self.x + self.w / 2, 1)


@dataclass
class WeekBars:
    width: int = 560
    height: int = 176
    top: float = 22
    bottom: float = 146
    left: float = 44
    bars: list[VBar] = field(default_factory=list)
    grid: list[tuple[float, str]] = field(default_factory=list)

    @property
    def n_y(self) -> float:
        """Where the count of each week is written, above the plot."""
        return self.top - 6


# Bottom to top: on time (its top is the on-time share on the 0–100 % axis), late, missed.
WEEK_PARTS = (("on_time", "wk-good"), ("late", "wk-mid"), ("missed", "wk-bad"))


def week_bars(weeks) -> WeekBars:
    """One 100 % bar per week of the deadline: on time (green, from the axis), late (amber) and missed
    (red) stacked, so a week with nothing on time is a red bar, not an invisible one; its count ``n``
    above it. A week with nothing due is a light grey bar labelled "–" ("no scans due"): never
    mistaken for 0 %."""
    chart = WeekBars()
    plot_h = chart.bottom - chart.top
    slot = (chart.width - chart.left - 6) / max(1, len(weeks))
    for pct in (0, 50, 100):
        chart.grid.append((round(chart.bottom - plot_h * pct / 100, 1), f"{pct}%"))
    for index, week in enumerate(weeks):
        x = chart.left + index * slot + slot * 0.15
        w = slot * 0.7
        label = f"{week.start.day} {week.start:%b}" if index % 2 == 0 else ""
        title = f"Week of {fmt_date(week.start)}: "
        late = getattr(week, "late", 0)
        n_label = str(week.total) if week.total else "–"
        bar = VBar(round(x, 1), round(w, 1), "wk-none", label, title, week.total, n_label)
        if week.total:
            counts = {"on_time": week.on_time, "late": late, "missed": week.total - week.on_time - late}
            bar.css = "wk-good" if week.pct >= 80 else "wk-mid" if week.pct >= 50 else "wk-bad"
            bar.title += (f"{week.on_time} of {week.total} on time ({week.pct:g} %), {counts['late']} late, "
                          f"{counts['missed']} missed")
            base = chart.bottom
            for part, css in WEEK_PARTS:
                if counts[part]:
                    h = plot_h * counts[part] / week.total
                    bar.segments.append(Segment(round(base - h, 1), round(h, 1), css, counts[part]))
                    base -= h
        else:
            bar.title += "no scans due"
            bar.segments.append(Segment(chart.top, round(plot_h, 1), "wk-empty", 0))
        chart.bars.append(bar)
    return chart
