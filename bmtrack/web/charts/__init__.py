"""Chart geometry computed in Python and drawn as inline SVG by templates.

The content security policy forbids inline scripts, so the pictures are server-side SVG: these
modules turn plain data (dates, millimetres, categories) into coordinates, and the templates only
draw. No clinical rule is computed here: the thresholds come from the stored RANO-BM assessment.
"""
