"""Colours that mean something clinically, the same on the page (``static/css/bmtrack.css``: ``--pseudo``,
``--rn``) and in the board packet and its PDF (``bmtrack.boards.charts``). A test holds the CSS to these."""

PSEUDOPROGRESSION = "#6d3fb5"  # purple: the pseudoprogression watch window (immunotherapy or targeted therapy)
RADIATION_NECROSIS = "#b35900"  # orange: the radiation-necrosis watch window (SRS)

# Light fills of the same hues for shaded windows (the strong colour at about a fifth, on white).
PSEUDOPROGRESSION_FILL = "#e7def4"
RADIATION_NECROSIS_FILL = "#f3e1cf"

WINDOW_COLOURS = {"pseudoprogression": PSEUDOPROGRESSION, "radiation_necrosis": RADIATION_NECROSIS}
WINDOW_FILLS = {"pseudoprogression": PSEUDOPROGRESSION_FILL, "radiation_necrosis": RADIATION_NECROSIS_FILL}
