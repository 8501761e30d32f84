"""Colours that mean something clinically, the same on the page (``static/css/bmtrack.css``: its
custom properties and the chart classes ``tl-*``, ``rc-*``) and in the board packet and its PDF
(``bmtrack.boards.charts`` draws the chart geometry with these as presentation attributes).
``tests/core/test_palette.py`` holds the CSS to these, so the page and the packet look the same."""

INK = "#17202b"  # --ink
MUTED = "#4f5b6a"  # --muted
ACCENT = "#0b5cad"  # --accent
OVERDUE = "#b42318"  # --overdue
OVERDUE_SOFT = "#fdecea"  # --overdue-soft
OVERDUE_INK = "#8f1c13"  # --overdue-ink
DUE_SOFT = "#fff3dc"  # --due-soft
DUE_LINE = "#d98b00"  # --due-line
UPCOMING = "#1f5fbf"  # --upcoming
UPCOMING_SOFT = "#e8f0fc"  # --upcoming-soft

PSEUDOPROGRESSION = "#6d3fb5"  # purple: the pseudoprogression watch window (immunotherapy or targeted therapy)
RADIATION_NECROSIS = "#b35900"  # orange: the radiation-necrosis watch window (SRS)

# Light fills of the same hues for shaded windows (the strong colour at about a fifth, on white).
PSEUDOPROGRESSION_FILL = "#e7def4"
RADIATION_NECROSIS_FILL = "#f3e1cf"

WINDOW_COLOURS = {"pseudoprogression": PSEUDOPROGRESSION, "radiation_necrosis": RADIATION_NECROSIS}
WINDOW_FILLS = {"pseudoprogression": PSEUDOPROGRESSION_FILL, "radiation_necrosis": RADIATION_NECROSIS_FILL}

# RANO-BM categories: a scan's mark on the timeline and its point on the response chart.
UNSCORED = "#6b7685"  # a scan without a category
CATEGORY_COLOURS = {
    "baseline": ACCENT, "CR": "#17643a", "PR": "#2b7a4b", "SD": "#5b6573", "non-CR/non-PD": "#5b6573",
    "PD": OVERDUE, "unconfirmed PD": "#b3470a", "NE": "#7a5c00",
}

# Treatments by kind: local ones in blues and teals, systemic ones in purples and browns.
TREATMENT_DEFAULT = "#2563a8"
TREATMENT_COLOURS = {
    "surgery": "#1f4e8c", "srs": "#0f7c86", "fsrs": "#0f7c86", "wbrt": "#0a5c64", "litt": "#3d6a9e",
    "ici": "#7a4fc4", "tt": "#a04b9c", "chemo": "#8a6a2a", "other": "#6b7685",
}
LOCAL_KEY = TREATMENT_COLOURS["srs"]  # the legend's "local treatment"
SYSTEMIC_KEY = TREATMENT_COLOURS["ici"]  # the legend's "systemic therapy"

# Open due items by state: (outline, fill).
DUE_COLOURS = {"overdue": (OVERDUE, OVERDUE_SOFT), "due": (DUE_LINE, DUE_SOFT), "upcoming": (UPCOMING, UPCOMING_SOFT)}

# Timeline lines: the marked day (today / the board day) and the diagnosis of brain metastases.
MARKER = OVERDUE
DAY_LINE_COLOURS = {"bm": ACCENT}

# Response-chart lines and their labels.
RESPONSE_LINES = {"baseline": ACCENT, "pr": "#2b7a4b", "nadir": "#5b6573", "pd": OVERDUE}
RESPONSE_LABELS = {"baseline": ACCENT, "pr": "#1f6a3f", "nadir": MUTED, "pd": OVERDUE_INK}

# Chart furniture.
GRID = "#e1e6ed"  # .tl-grid
GRID_MAJOR = "#c3ccd8"  # .tl-grid-major
VALUE_GRID = "#e4e8ee"  # .rc-grid: the response chart's millimetre lines
LANE = "#fbfcfd"  # .tl-lane
LANE_ALT = "#f3f6f9"  # .tl-lane-alt
FRAME = "#8793a3"  # .rc-frame
ARROW = "#5b6573"  # .tl-arrow
SCAN_LABEL = "#2c3744"  # .tl-scan-label
WINDOW_LABEL = "#2b1f3d"  # .tl-window-label
PLANNED_OUTLINE = "#1f4e8c"  # .tl-status-planned: a planned treatment, faint with a dashed outline
