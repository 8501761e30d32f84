"""Chart geometry: where each thing of a chart goes, for every renderer.

The patient page and the board packet draw the same two pictures (the timeline and the RANO-BM
response chart). These modules turn plain data (dates, millimetres, categories) into coordinates,
lanes, label places and legend entries once; the page draws them with its templates and CSS classes
(``templates/web/partials``), the packet and its PDF with SVG presentation attributes
(``bmtrack.boards.charts``), both in the colours of ``bmtrack.core.palette``. No clinical rule is
computed here: the thresholds come from the stored RANO-BM assessment.
"""
