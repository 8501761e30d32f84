"""The dashboard's bar charts, computed in Python and drawn as inline SVG by templates (the content
security policy forbids inline scripts). The patient timeline and the response chart are drawn from
the geometry in ``bmtrack.core.charts``, which the board packet shares."""
