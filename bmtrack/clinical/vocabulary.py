"""Ids shared by several rules: MRI sequences and scan purposes.

Sources: docs/clinical/schedule.md ("MRI sequence ids") and screening.md ("Scan purpose ids").
"""

SEQUENCES = ("t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi", "dsc", "dce", "asl", "mrs")
PURPOSES = (
    "screening",
    "diagnosis",
    "post_operative",
    "srs_planning",
    "surveillance",
    "response",
    "confirmation",
    "problem_solving",
)
