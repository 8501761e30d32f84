"""Words the nurse reads beside each figure: what a rule asks for, in one line, and its source.

The timings themselves live in ``bmtrack.clinical.schedule`` (and its ``SOURCES``); these lines only
describe them for the worklist's "why it is due" column. Keep them in step with schedule.md.
"""

from __future__ import annotations

from bmtrack.clinical import schedule as schedule_rules
from bmtrack.clinical.vocabulary import plain_words
from bmtrack.patients.models.choices import Sequence
from bmtrack.surveillance.models import WatchKind

RULES = {
    "postop_mri": "MRI within 48 h (at most 72 h) after surgery, before surgery-related enhancement",
    "srs_planning_mri": "Planning MRI with 3D T1 post-contrast, within 7 (at most 14) days before SRS",
    "srs_planning_ct": "Planning CT (1-mm slices, post-contrast preferred) within 14 days before SRS",
    "followup_mri": "Follow-up MRI 2–3 months after the last treatment or MRI",
    "response_mri": "Response MRI 2–3 months after starting targeted therapy or immunotherapy",
    "confirmation_mri": "Repeat MRI about 3 months (± 14 days) after a scan suspect for progression (iRANO)",
    "board_followup": "Follow-up decided by the tumour board",
}

SEQUENCE_LABELS = dict(Sequence.choices)


def sequence_labels(values) -> str:
    """MRI sequences by their names ("3D T1 post-contrast, FLAIR")."""
    return ", ".join(SEQUENCE_LABELS.get(value, value) for value in values or ())


# A watch window's kind in words ("immunotherapy or targeted therapy", not "ICI/TT").
WATCH_LABELS = {kind: plain_words(label) for kind, label in WatchKind.choices}

WATCH_RULES = {
    "pseudoprogression": ("Up to 6 months after starting immunotherapy or targeted therapy an enlarging lesion may be "
                          "pseudoprogression"),
    "radiation_necrosis": "Up to 36 months after SRS an enlarging lesion may be radiation necrosis",
}

# The RANO-BM categories as a nurse reads them, and the CSS class that colours them.
CATEGORY_NAMES = {
    "baseline": "Baseline",
    "CR": "Complete response",
    "PR": "Partial response",
    "SD": "Stable disease",
    "non-CR/non-PD": "Non-CR / non-PD",
    "PD": "Progressive disease",
    "unconfirmed PD": "Unconfirmed progression",
    "NE": "Not evaluable",
}
CATEGORY_CLASSES = {
    "baseline": "cat-baseline",
    "CR": "cat-cr",
    "PR": "cat-pr",
    "SD": "cat-sd",
    "non-CR/non-PD": "cat-sd",
    "PD": "cat-pd",
    "unconfirmed PD": "cat-upd",
    "NE": "cat-ne",
}

SCREENING_RECOMMENDATIONS = {
    "image_now": "Image now: MRI of the brain (CT first in the acute setting)",
    "screen": "Screen: MRI of the brain at primary diagnosis",
    "guidelines_differ": "Guidelines differ",
    "symptoms_only": "Image only with neurological symptoms",
    "consider": "Consider screening if brain metastases would change the plan",
}

def rule_for(kind: str) -> str:
    return RULES.get(kind, kind.replace("_", " "))


def source_for(kind: str) -> str:
    return schedule_rules.SOURCES.get(kind, "")
