"""Which purpose a scan has for the rules: the purpose of the scan an item asks for, and the purpose
an MRI is checked as (docs/clinical/screening.md, "Which purpose a scan is checked as").

1. ``purpose_for_item``: a due item asks for a scan of one modality and purpose; the scan form opens
   with them. Post-operative, SRS planning, follow-up, response and confirmation scans are the
   purposes of screening.md's table; a tumour board's follow-up is a surveillance MRI.
   ``purpose_for_fulfilled``: a scan that arrived without a purpose (from the PACS) takes the most
   specific purpose of the items it fulfils.
2. ``protocol_purpose``: the purpose an MRI's protocol is checked as. A scan scored against a
   RANO-BM baseline is a follow-up of that baseline whatever purpose it was booked with, so a
   detection-purpose scan (screening, diagnosis, post-operative, surveillance) that is scored is
   checked as a ``response`` scan: "the MRI protocol should include the same sequences and sequence
   settings as at baseline and is preferably performed on the same scanner" (seed review, "Conventional
   MRI", after Kaufmann et al., Neuro-Oncology 2020; RANO-BM, Lin et al., Lancet Oncol 2015). Planning,
   problem-solving, response and confirmation scans keep their own purpose: their requirements
   already include (or deliberately differ from) the response scan's.

Pure standard library (no Django).
"""

from __future__ import annotations

from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.vocabulary import PURPOSES

DETECTION_PURPOSES = frozenset({"screening", "diagnosis", "post_operative", "surveillance"})

# due item kind -> (modality, purpose) of the scan that answers it
SCAN_FOR_ITEM = {
    "postop_mri": ("mri", "post_operative"),
    "srs_planning_mri": ("mri", "srs_planning"),
    "srs_planning_ct": ("ct", "srs_planning"),
    "followup_mri": ("mri", "surveillance"),
    "response_mri": ("mri", "response"),
    "confirmation_mri": ("mri", "confirmation"),
    "board_followup": ("mri", "surveillance"),
}


def purpose_for_item(kind: str) -> tuple[str, str]:
    """(modality, purpose) of the scan a due item of ``kind`` asks for."""
    try:
        return SCAN_FOR_ITEM[kind]
    except KeyError:
        raise ClinicalInputError("kind", f"must be one of {', '.join(SCAN_FOR_ITEM)}") from None


# When one scan answers several items, the purpose it is recorded with is the most specific one: its
# protocol requirements include the others' (screening.md's table: post-operative and planning scans
# have their own, a confirmation or response scan repeats the baseline's, a follow-up is surveillance).
PURPOSE_PRECEDENCE = ("post_operative", "srs_planning", "confirmation", "response", "surveillance")


def purpose_for_fulfilled(kinds) -> str | None:
    """The purpose of a scan that the schedule found to fulfil items of ``kinds`` (a scan captured
    from the PACS carries no purpose of its own), or None when it fulfils nothing."""
    purposes = {purpose_for_item(kind)[1] for kind in kinds}
    return next((purpose for purpose in PURPOSE_PRECEDENCE if purpose in purposes), None)


def protocol_purpose(purpose: str, *, scored: bool) -> str:
    """The purpose an MRI's protocol is checked as (reading 2 of the module)."""
    if purpose not in PURPOSES:
        raise ClinicalInputError("purpose", f"must be one of {', '.join(PURPOSES)}")
    return "response" if scored and purpose in DETECTION_PURPOSES else purpose
