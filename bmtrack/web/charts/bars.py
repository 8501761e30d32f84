"""Small bar charts for the dashboard (server-side SVG)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bmtrack.core.formatting import fmt_date
from bmtrack.web.charts.scale import text_width


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
class VBar:
    x: float
    y: float
    w: float
    h: float
    css: str
    label: str
    title: str
    value: str
    value_y: float


@dataclass
class WeekBars:
    width: int = 560
    height: int = 170
    top: float = 14
    bottom: float = 140
    left: float = 44
    bars: list[VBar] = field(default_factory=list)
    grid: list[tuple[float, str]] = field(default_factory=list)


def week_bars(weeks) -> WeekBars:
    """On-time share per week (0–100 %); weeks with nothing due show an empty slot."""
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
        if week.total:
            h = plot_h * week.pct / 100
            css = "wk-good" if week.pct >= 80 else "wk-mid" if week.pct >= 50 else "wk-bad"
            title += f"{week.on_time} of {week.total} on time ({week.pct:g} %)"
            value = f"{week.pct:.0f}"
        else:
            h, css, value = 0, "wk-none", ""
            title += "nothing due"
        chart.bars.append(VBar(round(x, 1), round(chart.bottom - h, 1), round(w, 1), round(h, 1), css, label, title,
                               value, round(chart.bottom - h - 3, 1)))
    return chart
