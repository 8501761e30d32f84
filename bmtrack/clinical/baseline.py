"""Which scan is the baseline of a RANO-BM series.

Source: docs/clinical/rano-bm.md, "Measurable disease and targets": "Baseline: the scan at most
4 weeks before the treatment being assessed" (Lin et al., Lancet Oncol 2015;16:e270–e278).

bmtrack choice (the paper assumes a trial with one treatment): the treatment being assessed is the
latest treatment that has a measured MRI in the 28 days up to its start (inclusive); the baseline
is the latest such MRI. A reader may pin another baseline explicitly (it then wins). With no
treatment preceded by a measured MRI, the first measured MRI is the baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

BASELINE_MAX_DAYS_BEFORE = 28


def choose_baseline(
    measured_scans: Sequence[tuple[object, dt.date]],
    treatment_starts: Sequence[dt.date],
    pinned: object | None = None,
):
    """Return the id of the baseline scan, or None when there is no measured scan.

    ``measured_scans`` are (id, local date) of MRIs with lesion measurements, in date order.
    """
    if pinned is not None:
        return pinned
    if not measured_scans:
        return None
    for start in sorted(treatment_starts, reverse=True):
        window_from = start - dt.timedelta(days=BASELINE_MAX_DAYS_BEFORE)
        candidates = [scan_id for scan_id, day in measured_scans if window_from <= day <= start]
        if candidates:
            return candidates[-1]
    return measured_scans[0][0]
