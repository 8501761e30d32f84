"""One palette: the page's stylesheet paints the chart classes in the colours of ``bmtrack.core.palette``,
which the packet and its PDF draw with, so the two look the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bmtrack.core import palette
from bmtrack.core.charts import response, timeline

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "bmtrack.css").read_text()
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))


def css_colour(selector: str, prop: str) -> str:
    """The colour ``prop`` of the first rule naming ``selector`` alone, var() resolved."""
    rule = re.search(r"(?:^|[\s}])" + re.escape(selector) + r"(?:,[^{]*)?\s*\{([^}]*)\}", CSS, re.M)
    assert rule, selector
    value = re.search(rf"(?:^|;|\s){prop}:\s*([^;]+);", rule.group(1))
    assert value, f"{selector} {prop}"
    value = value.group(1).strip()
    if value.startswith("var("):
        value = VARIABLES[value[6:-1]]
    return value.lower()


CASES = [
    *[(f".{css}", "fill", palette.CATEGORY_COLOURS[category]) for category, css in timeline.CATEGORY_CSS.items()],
    *[(f".{css}", "fill", palette.CATEGORY_COLOURS[category]) for category, css in response.CATEGORY_CSS.items()],
    (".tl-cat-none", "fill", palette.UNSCORED),
    *[(f".tl-treat-{kind}", "fill", colour) for kind, colour in palette.TREATMENT_COLOURS.items()],
    (".tl-treat", "fill", palette.TREATMENT_DEFAULT),
    (".tl-status-planned", "stroke", palette.PLANNED_OUTLINE),
    *[(f".tl-window-{kind}", "fill", colour) for kind, colour in palette.WINDOW_COLOURS.items()],
    *[(f".tl-shade-{kind}", "fill", colour) for kind, colour in palette.WINDOW_COLOURS.items()],
    *[(f".tl-due-{state}", "stroke", outline) for state, (outline, _) in palette.DUE_COLOURS.items()],
    *[(f".tl-due-{state}", "fill", fill) for state, (_, fill) in palette.DUE_COLOURS.items()],
    (".tl-today", "stroke", palette.MARKER),
    *[(f".tl-line-{key}", "stroke", colour) for key, colour in palette.DAY_LINE_COLOURS.items()],
    *[(f".rc-{key}", "stroke", colour) for key, colour in palette.RESPONSE_LINES.items()],
    *[(f".rc-{key}-label", "fill", colour) for key, colour in palette.RESPONSE_LABELS.items()],
    (".tl-grid", "stroke", palette.GRID), (".tl-grid-major", "stroke", palette.GRID_MAJOR),
    (".tl-lane", "fill", palette.LANE), (".tl-lane-alt", "fill", palette.LANE_ALT),
    (".rc-grid", "stroke", palette.VALUE_GRID), (".rc-frame", "stroke", palette.FRAME),
    (".tl-arrow", "fill", palette.ARROW),
    (".tl-scan-label", "fill", palette.SCAN_LABEL), (".tl-window-label", "fill", palette.WINDOW_LABEL),
]


@pytest.mark.parametrize(("selector", "prop", "colour"), CASES, ids=[f"{s} {p}" for s, p, _ in CASES])
def test_the_page_css_paints_each_chart_class_in_the_palette_colour(selector, prop, colour):
    assert css_colour(selector, prop) == colour.lower()


def test_the_custom_properties_are_the_palette():
    for name, colour in (("ink", palette.INK), ("muted", palette.MUTED), ("accent", palette.ACCENT),
                         ("overdue", palette.OVERDUE), ("pseudo", palette.PSEUDOPROGRESSION),
                         ("rn", palette.RADIATION_NECROSIS)):
        assert VARIABLES[name].lower() == colour.lower(), name
