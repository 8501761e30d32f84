"""The follow-up a tumour board's decision owes: its window and the scan that fulfils it
(docs/clinical/schedule.md, "Tumour-board follow-up").

1. ``repeat_mri_3_months``: the meeting day + 3 months, ± 14 days: the window schedule.md gives the
   iRANO confirmation MRI ("a repeated MRI ... 3 months following", seed review refs 63, 64; Okada
   et al., Lancet Oncol 2015), reused for the board's "repeat MRI in 3 months".
2. ``advanced_imaging``: within ``ADVANCED_IMAGING_WITHIN_DAYS`` of the meeting, or of the day the
   decision is recorded if that is later (bmtrack choice: the work-up should answer before the
   next fortnightly board; a late entry still owes the imaging and does not start overdue).
3. Fulfilment: the first brain MRI known at ``now`` dated on or after the window's first day, as for
   the response and confirmation MRIs (schedule.md, due items table).

Pure standard library (no Django).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bmtrack.clinical.dates import add_months
from bmtrack.clinical.schedule import CONFIRMATION_TOLERANCE, ScanIn, first_mri_on_or_after

REPEAT_MRI = "repeat_mri_3_months"
ADVANCED_IMAGING = "advanced_imaging"
REPEAT_MRI_MONTHS = 3
REPEAT_MRI_TOLERANCE = CONFIRMATION_TOLERANCE
ADVANCED_IMAGING_WITHIN_DAYS = 14


def followup_window(decision: str, meeting_day: dt.date, recorded_on: dt.date) -> tuple[dt.date, dt.date] | None:
    """(due_from, due_by) of the follow-up ``decision`` owes, or None when it owes no scan."""
    if decision == REPEAT_MRI:
        target = add_months(meeting_day, REPEAT_MRI_MONTHS)
        return target - REPEAT_MRI_TOLERANCE, target + REPEAT_MRI_TOLERANCE
    if decision == ADVANCED_IMAGING:
        due_from = max(meeting_day, recorded_on)
        return due_from, due_from + dt.timedelta(days=ADVANCED_IMAGING_WITHIN_DAYS)
    return None


def fulfilling_scan(scans: Iterable[ScanIn], due_from: dt.date, now: dt.datetime, tz: dt.tzinfo) -> ScanIn | None:
    """The MRI that fulfils a board follow-up opening on ``due_from`` (reading 3), if any yet."""
    known = sorted((scan for scan in scans if scan.modality == "mri" and scan.at <= now), key=lambda s: s.at)
    return first_mri_on_or_after(known, due_from, tz)
