"""The page's renderer of the patient timeline (``bmtrack.core.charts.timeline``): SVG painted by the
page's CSS classes (``tl-*``), every mark with its tooltip. The packet's renderer of the same geometry
is ``bmtrack.boards.charts`` (colours as attributes, for the PDF).

Written in Python rather than as a template: a timeline of thirty scans and a dozen bars is a few
hundred elements, ~2 ms through the template engine and a tenth of that here (issue 16's "no per-row
template work"). Numbers are written as Python writes them (unlocalised, as ``{% localize off %}``).
"""

from __future__ import annotations

from django.utils.safestring import SafeString

from bmtrack.core.charts.timeline import Timeline
from bmtrack.web.html import concat, format_html


def timeline_svg(t: Timeline, described: str) -> SafeString:
    """``described``: what the chart shows in words, for screen readers (the lists below say it all)."""
    parts = [format_html(
        '<svg class="tl" viewBox="0 0 {} {}" role="img" aria-labelledby="tl-title tl-desc" '
        'preserveAspectRatio="xMinYMin meet">\n  <title id="tl-title">Timeline of treatments, scans, watch windows '
        'and due items</title>\n  <desc id="tl-desc">{}</desc>\n  ', t.width, t.height, described)]
    parts += [format_html('<rect class="tl-lane{}" x="0" y="{}" width="{}" height="{}"/>',
                          " tl-lane-alt" if index % 2 else "", lane.y, t.width, lane.h)
              for index, lane in enumerate(t.lanes)]
    parts.append("\n  ")
    parts += [format_html('<rect class="{}" x="{}" y="{}" width="{}" height="{}"/>', s.css, s.x, s.y, s.w, s.h)
              for s in t.shades]
    parts.append("\n  ")
    parts += [format_html('<line class="tl-grid{}" x1="{}" x2="{}" y1="0" y2="{}"/>\n  <text class="tl-tick" x="{}" '
                          'y="{}" dy="14" text-anchor="middle">{}</text>', " tl-grid-major" if tick.major else "",
                          tick.pos, tick.pos, t.axis_y, tick.pos, t.axis_y, tick.label) for tick in t.ticks]
    parts.append(format_html('\n  <rect class="tl-gutter" x="0" y="0" width="{}" height="{}"/>\n  ',
                             int(t.plot_left) - 4, t.axis_y))
    parts += [format_html('<text class="tl-lane-label" x="10" y="{}">{}</text>', lane.label_y, lane.label)
              for lane in t.lanes]
    parts.append("\n  ")
    parts += [format_html('<line class="tl-line tl-line-{}" x1="{}" x2="{}" y1="0" y2="{}"/><text class="tl-line-label '
                          'tl-line-label-{}" x="{}" y="{}" text-anchor="{}">{}</text>', line.key, line.x, line.x,
                          t.axis_y, line.key, line.label_x, line.label_y, line.anchor, line.label) for line in t.lines]
    parts.append("\n  ")
    parts += [format_html('<g class="tl-item"><title>{}</title><rect class="{}" x="{}" y="{}" width="{}" height="{}" '
                          'rx="3"/><text class="tl-window-label" x="{}" y="{}">{}</text></g>', b.title, b.css, b.x,
                          b.y, b.w, b.h, b.label_x, b.label_y, b.label) for b in t.windows]
    parts.append("\n  ")
    parts += [_treatment(b) for b in t.treatments]
    parts.append("\n  ")
    parts += [_scan(m) for m in t.scans]
    parts.append("\n  ")
    parts += [format_html('<g class="tl-item"><title>{}</title><rect class="{}" x="{}" y="{}" width="{}" height="{}" '
                          'rx="3"/><text class="tl-label" x="{}" y="{}" text-anchor="{}">{}</text></g>', b.title, b.css,
                          b.x, b.y, b.w, b.h, b.label_x, b.label_y, b.anchor, b.label) for b in t.due]
    m = t.marker
    parts.append(format_html('\n  <line class="tl-today" x1="{}" x2="{}" y1="0" y2="{}"/>\n  '
                             '<text class="tl-today-label" x="{}" y="{}" text-anchor="middle">{}</text>\n</svg>',
                             m.x, m.x, t.axis_y, m.label_x, m.label_y, m.label))
    return concat(*parts)


def _treatment(b) -> str:
    arrow = format_html('<path class="tl-arrow" d="M{} {}m{} 0l6 7l-6 7z"/>', b.x, b.y, b.w) if b.arrow else ""
    return format_html('<g class="tl-item"><title>{}</title><rect class="{}" x="{}" y="{}" width="{}" height="{}" '
                       'rx="3"/>{}<text class="tl-label{}" x="{}" y="{}" text-anchor="{}">{}</text></g>', b.title,
                       b.css, b.x, b.y, b.w, b.h, arrow, " tl-label-in" if b.label_inside else "", b.label_x,
                       b.label_y, b.anchor, b.label)


def _scan(m) -> str:
    if m.shape == "circle":
        shape = format_html('<circle class="{}" cx="{}" cy="{}" r="6.5"/>', m.css, m.x, m.y)
    elif m.shape == "square":
        shape = format_html('<rect class="{}" x="{}" y="{}" width="12" height="12"/>', m.css, m.sx, m.sy)
    else:
        shape = format_html('<polygon class="{}" points="{}"/>', m.css, m.points)
    label = ""
    if m.label:
        label = format_html('<text class="tl-scan-label" x="{}" y="{}" text-anchor="{}">{}</text>', m.label_x,
                            m.label_y, m.anchor, m.label)
    return format_html('<g class="tl-item"><title>{}</title>{}{}</g>', m.title, shape, label)
