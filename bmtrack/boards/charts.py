"""The packet's renderer of the chart geometry (``bmtrack.core.charts``): SVG markup for the web
packet and the PDF.

The page draws the same geometry with its templates and CSS classes; here every colour is a
presentation attribute from ``bmtrack.core.palette`` (the pages' CSP forbids inline ``style``
attributes, and WeasyPrint renders inline SVG without the page's stylesheet). The packet is narrower
than the page: its charts are laid out in a narrower viewBox (``PACKET_*``) at the page's text sizes,
so that scaled to the paper their text stays 6.5 pt or more (9 px; the old packet had 7–8 px). Every label is escaped.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bmtrack.core import palette
from bmtrack.core.charts.response import ResponseChart
from bmtrack.core.charts.scale import LegendEntry
from bmtrack.core.charts.timeline import Bar, Mark, Timeline

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
WHITE = "#fff"

# The packet's layout options of the one geometry: the timeline spans the page (about 186 mm, 700 px:
# a 900-wide viewBox, text at 0.78) and the response chart half of it (345 px: 420 wide, at 0.82); both
# draw their legend inside, and the timeline has no due lane.
PACKET_TIMELINE = {"width": 900, "marker_label": "Board", "legend_in_chart": True}
PACKET_RESPONSE = {"width": 420, "height": 160, "line_labels": False, "legend_in_chart": True}

RESPONSE_DASHES = {"baseline": "6 4", "pr": "2 3", "nadir": "6 3 2 3", "pd": "6 4"}
DUE_DASHES = {"upcoming": "4 3"}


class Svg:
    """A tiny SVG writer: ``add("line", x1=..., stroke_width=1)`` (underscores become hyphens; ``class_`` is
    the class, which names what a mark is, as on the page, but never paints it)."""

    def __init__(self, width: int, height: int, label: str):
        self.width, self.height, self.label = width, height, label
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, **attrs) -> None:
        rendered = " ".join(f'{name.rstrip("_").replace("_", "-")}="{escape(_fmt(value))}"'
                            for name, value in attrs.items() if value is not None)
        if text is None:
            self.parts.append(f"<{tag} {rendered}/>")
        else:
            self.parts.append(f"<{tag} {rendered}>{escape(text)}</{tag}>")

    def text(self, x, y, text, size=11, anchor="start", fill=palette.INK, weight=None) -> None:
        self.add("text", text, x=x, y=y, font_size=size, font_family=FONT, text_anchor=anchor, fill=fill,
                 font_weight=weight)

    def render(self) -> SafeString:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
                f'width="{self.width}" height="{self.height}" role="img" aria-label="{escape(self.label)}">'
                f"<title>{escape(self.label)}</title>")
        return mark_safe(head + "".join(self.parts) + "</svg>")  # noqa: S308 - every part is escaped above


def _fmt(value) -> str:
    if isinstance(value, float):  # two places: opacities are hundredths
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


# --- response chart ---------------------------------------------------------------------------

def response_svg(chart: ResponseChart) -> SafeString:
    """Sum of target diameters over time with the baseline, −30 %, nadir and +20 % lines, each point
    coloured and labelled by its category; the lines named with their values in the legend."""
    svg = Svg(chart.width, chart.height, "RANO-BM response: sum of target lesion diameters over time")
    if chart.empty:
        _wrapped(svg, chart.reason, chart.width / 2, chart.height / 2 - 8, chart.width - 40)
        return svg.render()
    for tick in chart.y_ticks:
        svg.add("line", x1=chart.plot_left, x2=chart.plot_right, y1=tick.pos, y2=tick.pos, stroke=palette.VALUE_GRID,
                stroke_width=1)
        svg.text(chart.plot_left - 8, tick.pos + 4, tick.label, anchor="end", fill=palette.MUTED)
    svg.text(14, chart.plot_top - 10, "mm", fill=palette.MUTED, weight="bold")
    svg.add("line", x1=chart.plot_left, x2=chart.plot_left, y1=chart.plot_top, y2=chart.plot_bottom,
            stroke=palette.FRAME, stroke_width=1)
    svg.add("line", x1=chart.plot_left, x2=chart.plot_right, y1=chart.plot_bottom, y2=chart.plot_bottom,
            stroke=palette.FRAME, stroke_width=1)
    for line in chart.lines:
        svg.add("line", x1=line.x1, y1=line.y1, x2=line.x2, y2=line.y2, stroke=palette.RESPONSE_LINES[line.key],
                stroke_width=1.5, stroke_dasharray=RESPONSE_DASHES[line.key],
                stroke_opacity=0.55 if line.extend else None)
    for label in chart.line_labels:
        svg.text(label.x, label.y, label.text, size=11.5, fill=palette.RESPONSE_LABELS[label.key], weight="bold")
    svg.add("polyline", points=chart.path, fill="none", stroke=palette.INK, stroke_width=2.2)
    for point in chart.points:
        colour = palette.CATEGORY_COLOURS.get(point.category, palette.UNSCORED)
        svg.add("circle", class_="rc-point", cx=point.x, cy=point.y, r=6, fill=colour, stroke=WHITE, stroke_width=2)
        if point.label:
            svg.text(point.label_x, point.label_y, point.label, size=11.5, anchor="middle", fill=colour, weight="bold")
    for label in chart.x_labels:
        svg.text(label.x, label.y, label.text, anchor=label.anchor, fill=palette.MUTED)
    for entry in chart.legend:
        _line_key(svg, entry)
    return svg.render()


def _line_key(svg: Svg, entry: LegendEntry) -> None:
    y = entry.y - 4
    svg.add("line", x1=entry.x, x2=entry.x + 12, y1=y, y2=y, stroke=palette.RESPONSE_LINES[entry.key],
            stroke_width=2, stroke_dasharray=RESPONSE_DASHES[entry.key])
    svg.text(entry.x + 16, entry.y, entry.text, size=11.5, fill=palette.RESPONSE_LABELS[entry.key])


def _wrapped(svg: Svg, text: str, x: float, y: float, width: float, size: float = 12) -> None:
    """A sentence centred on a few lines (an empty chart's reason)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line + " " + word) * size * 0.56 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for index, line in enumerate(lines):
        svg.text(x, y + index * (size + 4), line, size=size, anchor="middle", fill=palette.MUTED)


# --- timeline ---------------------------------------------------------------------------------

def timeline_svg(chart: Timeline) -> SafeString:
    """Lanes of watch windows, treatments and scans; the windows also shaded across the lanes, planned
    treatments faint with a dashed outline, the board day and the diagnosis of brain metastases marked."""
    svg = Svg(chart.width, chart.height, "Timeline of imaging, treatments and watch windows")
    if chart.empty:
        svg.text(chart.width / 2, chart.height / 2 + 4, chart.reason, size=12, anchor="middle", fill=palette.MUTED)
        return svg.render()
    for index, lane in enumerate(chart.lanes):
        svg.add("rect", x=0, y=lane.y, width=chart.width, height=lane.h,
                fill=palette.LANE_ALT if index % 2 else palette.LANE)
    for shade in chart.shades:
        svg.add("rect", x=shade.x, y=shade.y, width=shade.w, height=shade.h,
                fill=palette.WINDOW_COLOURS.get(shade.key, palette.MUTED), fill_opacity=0.07)
    for tick in chart.ticks:
        svg.add("line", x1=tick.pos, x2=tick.pos, y1=0, y2=chart.axis_y, stroke_width=1,
                stroke=palette.GRID_MAJOR if tick.major else palette.GRID)
        svg.text(tick.pos, chart.axis_y + 14, tick.label, anchor="middle", fill=palette.MUTED)
    svg.add("rect", x=0, y=0, width=chart.plot_left - 4, height=chart.axis_y, fill=WHITE, fill_opacity=0.92)
    for lane in chart.lanes:
        svg.text(10, lane.label_y, lane.label, size=12, weight="bold")
    for line in chart.lines:
        colour = palette.DAY_LINE_COLOURS.get(line.key, palette.ACCENT)
        svg.add("line", x1=line.x, x2=line.x, y1=0, y2=chart.axis_y, stroke=colour, stroke_width=1.5,
                stroke_dasharray="2 2")
        svg.text(line.label_x, line.label_y, line.label, anchor=line.anchor, fill=colour, weight="bold")
    for bar in chart.windows:
        colour = palette.WINDOW_COLOURS.get(bar.key, palette.MUTED)
        svg.add("rect", class_="tl-window", x=bar.x, y=bar.y, width=bar.w, height=bar.h, rx=3, fill=colour,
                fill_opacity=0.2,
                stroke=colour, stroke_width=1)
        svg.text(bar.label_x, bar.label_y, bar.label, size=11.5, fill=palette.WINDOW_LABEL, weight="bold")
    for bar in chart.treatments:
        _treatment(svg, bar)
    for mark in chart.scans:
        _scan(svg, mark)
    for bar in chart.due:
        outline, fill = palette.DUE_COLOURS[bar.key]
        svg.add("rect", x=bar.x, y=bar.y, width=bar.w, height=bar.h, rx=3, fill=fill, stroke=outline,
                stroke_width=1.5, stroke_dasharray=DUE_DASHES.get(bar.key))
        svg.text(bar.label_x, bar.label_y, bar.label, size=11.5, anchor=bar.anchor)
    marker = chart.marker
    svg.add("line", x1=marker.x, x2=marker.x, y1=0, y2=chart.axis_y, stroke=palette.MARKER, stroke_width=1.5,
            stroke_dasharray="3 3")
    svg.text(marker.label_x, marker.label_y, marker.label, anchor="middle", fill=palette.MARKER, weight="bold")
    for entry in chart.legend:
        _timeline_key(svg, entry)
    return svg.render()


def _treatment(svg: Svg, bar: Bar) -> None:
    colour = palette.TREATMENT_COLOURS.get(bar.key, palette.TREATMENT_DEFAULT)
    svg.add("rect", class_="tl-treat", x=bar.x, y=bar.y, width=bar.w, height=bar.h, rx=3, fill=colour,
            fill_opacity=0.25 if bar.hollow else None, stroke=palette.PLANNED_OUTLINE if bar.hollow else None,
            stroke_dasharray="4 3" if bar.hollow else None)
    if bar.arrow:
        svg.add("path", d=f"M{_fmt(bar.x + bar.w)} {_fmt(bar.y)}l6 7l-6 7z", fill=palette.ARROW)
    inside = bar.label_inside and not bar.hollow
    svg.text(bar.label_x, bar.label_y, bar.label, size=11.5, anchor=bar.anchor, fill=WHITE if inside else palette.INK,
             weight="bold" if inside else None)


def _scan(svg: Svg, mark: Mark) -> None:
    colour = palette.CATEGORY_COLOURS.get(mark.category, palette.UNSCORED)
    paint = {"fill": WHITE, "stroke": palette.UNSCORED, "stroke_width": 1.5, "stroke_dasharray": "2 2"} \
        if mark.pending else {"fill": colour, "stroke": WHITE, "stroke_width": 1.5}
    _shape(svg, mark.shape, mark.x, mark.y, 6.5, class_="tl-scan", **paint)
    if mark.label:
        svg.text(mark.label_x, mark.label_y, mark.label, anchor=mark.anchor, fill=palette.SCAN_LABEL, weight="bold")


def _shape(svg: Svg, shape: str, x: float, y: float, r: float, **paint) -> None:
    if shape == "circle":
        svg.add("circle", cx=x, cy=y, r=r, **paint)
    elif shape == "square":
        svg.add("rect", x=x - r + 0.5, y=y - r + 0.5, width=2 * r - 1, height=2 * r - 1, **paint)
    else:
        d = r + 0.5
        svg.add("polygon", points=f"{_fmt(x)},{_fmt(y - d)} {_fmt(x + d)},{_fmt(y)} {_fmt(x)},{_fmt(y + d)} "
                                  f"{_fmt(x - d)},{_fmt(y)}", **paint)


def _timeline_key(svg: Svg, entry: LegendEntry) -> None:
    x, top = entry.x, entry.y - 10
    kind, _, rest = entry.key.partition("-")
    if entry.key in ("mri", "ct", "pet"):
        _shape(svg, {"mri": "circle", "ct": "square"}.get(entry.key, "diamond"), x + 5.5, top + 5.5, 5,
               fill=palette.UNSCORED)
    elif kind == "treat":
        svg.add("rect", x=x, y=top, width=11, height=11, rx=3,
                fill=palette.LOCAL_KEY if rest == "local" else palette.SYSTEMIC_KEY)
    elif entry.key == "planned":
        svg.add("rect", x=x, y=top, width=11, height=11, rx=3, fill=palette.TREATMENT_DEFAULT, fill_opacity=0.25,
                stroke=palette.PLANNED_OUTLINE, stroke_dasharray="3 2")
    elif kind == "win":
        colour = palette.PSEUDOPROGRESSION if rest == "pseudo" else palette.RADIATION_NECROSIS
        svg.add("rect", x=x, y=top, width=11, height=11, rx=3, fill=colour, fill_opacity=0.25, stroke=colour)
    elif kind == "due":
        outline, fill = palette.DUE_COLOURS[rest]
        svg.add("rect", x=x, y=top, width=11, height=11, rx=3, fill=fill, stroke=outline, stroke_width=1.5,
                stroke_dasharray=DUE_DASHES.get(rest))
    elif kind == "line":
        svg.add("line", x1=x + 5.5, x2=x + 5.5, y1=top - 1, y2=top + 12, stroke_width=1.5, stroke_dasharray="2 2",
                stroke=palette.DAY_LINE_COLOURS.get(rest, palette.ACCENT))
    svg.text(x + 16, entry.y, entry.text, size=11.5, fill=palette.MUTED)
