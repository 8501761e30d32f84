"""Work-up hint for an enlarging treated lesion inside a watch window (schedule.md, "Work-up hint").

Source: the seed review, section "Treatment-related effects": conventional MRI cannot tell true
progression from pseudoprogression or radiation necrosis, so inside a ``pseudoprogression`` or
``radiation_necrosis`` watch window (``bmtrack.clinical.schedule``) an enlarging treated lesion is not
called progression on size alone. ``workup_hint`` lists, in the order of schedule.md, what to do and
what favours tumour; ``lesion_enlarging_in_window`` decides whether a lesion's enlargement falls in a
window.

Pure standard library (no Django).

Readings chosen where schedule.md is silent (each is tested):

1. **What counts as enlargement** is the per-lesion form of the RANO-BM target PD rule (Lin et al.,
   Lancet Oncol 2015, as in rano-bm.md): a measurement is an enlargement when its longest diameter
   is at least 20 % *and* at least 5 mm above the lesion's nadir, computed exactly
   (``5·mm ≥ 6·nadir`` and ``mm − nadir ≥ 5``, with ``Fraction``). For one lesion the sum is the
   lesion, so both halves of the RANO-BM rule apply to it.
2. **Nadir**: the smallest earlier measurement among the last one on or before the treatment date
   (the lesion's baseline, e.g. the planning MRI) and all later ones. Measurements before that
   baseline do not count; only measurements dated after the treatment date can be an enlargement.
3. **Which window**: the enlargements are examined in date order; the first one whose date lies in a
   window (both ends inclusive) returns that window; when several windows contain it, the first in
   the order given. The caller passes the windows that concern this lesion (its own SRS's
   ``radiation_necrosis`` window, the ``pseudoprogression`` windows of systemic therapy).
4. The hint's suggestions are the same for both window kinds (schedule.md gives one list); the
   summary line names the effect the window is about, and for ``pseudoprogression`` the iRANO
   ``unconfirmed PD`` with its confirmation scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.parsing import as_choice, as_number
from bmtrack.clinical.schedule import WATCH_KINDS, WatchWindowOut

ENLARGEMENT_MIN_MM = 5
ENLARGEMENT_MIN_FRACTION = Fraction(6, 5)  # ≥ 20 % above the nadir
MAX_DIAMETER_MM = 150

HINT_SOURCE = 'seed review, "Treatment-related effects"'
ENLARGEMENT_SOURCE = "RANO-BM (Lin et al., Lancet Oncol 2015): ≥ 20 % above the nadir and ≥ 5 mm larger, per lesion"


@dataclass(frozen=True)
class WorkupSuggestion:
    """One step of the work-up: what to order, what favours tumour, and where that comes from."""

    id: str
    title: str
    what: tuple[str, ...]  # sequence ids (schedule.md) or PET tracers
    favours_tumour: str
    source: str

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "what": list(self.what),
            "favours_tumour": self.favours_tumour,
            "source": self.source,
        }


@dataclass(frozen=True)
class WorkupHint:
    window_kind: str
    summary: str
    suggestions: tuple[WorkupSuggestion, ...]
    source: str = HINT_SOURCE

    def to_dict(self) -> dict:
        return {
            "window_kind": self.window_kind,
            "summary": self.summary,
            "suggestions": [suggestion.to_dict() for suggestion in self.suggestions],
            "source": self.source,
        }


SUGGESTIONS: tuple[WorkupSuggestion, ...] = (
    WorkupSuggestion(
        id="perfusion_mri",
        title="Perfusion MRI (DSC, DCE or ASL)",
        what=("dsc", "dce", "asl"),
        favours_tumour="DSC rCBV higher in tumour; DCE Ktrans; ASL CBF higher in tumour",
        source="seed review, refs 68–72, 48",
    ),
    WorkupSuggestion(
        id="dwi",
        title="Diffusion-weighted imaging (DWI)",
        what=("dwi",),
        favours_tumour="ADC usually lower in tumour",
        source="seed review, ref 73",
    ),
    WorkupSuggestion(
        id="mrs",
        title="MR spectroscopy",
        what=("mrs",),
        favours_tumour="Cho/Cr and Cho/NAA higher in tumour",
        source="seed review, ref 74",
    ),
    WorkupSuggestion(
        id="amino_acid_pet",
        title="Amino-acid PET (MET, FET or FDOPA)",
        what=("met", "fet", "fdopa"),
        favours_tumour="MET uptake higher in progression; FET and FDOPA promising",
        source="seed review, refs 10, 75, 76",
    ),
    WorkupSuggestion(
        id="repeat_mri",
        title="Repeat MRI",
        what=("t1_post_3d",),
        favours_tumour=(
            "further increase is true progression; an initial increase followed by a decrease over "
            "3–6 months is pseudoprogression"
        ),
        source="seed review, refs 8, 66",
    ),
)

_SUMMARIES = {
    "pseudoprogression": (
        "Enlarging lesion inside the pseudoprogression window: conventional MRI cannot tell progression "
        "from pseudoprogression, so do not call progression on size alone. Under iRANO (Okada et al., "
        "Lancet Oncol 2015) record an unconfirmed PD and confirm with a repeat MRI 3 months later."
    ),
    "radiation_necrosis": (
        "Enlarging lesion inside the radiation-necrosis window: conventional MRI cannot tell progression "
        "from radiation necrosis, so do not call progression on size alone."
    ),
}


def workup_hint(window_kind: str) -> WorkupHint:
    """The ordered work-up for an enlarging treated lesion inside a ``window_kind`` watch window."""
    as_choice(window_kind, "window_kind", WATCH_KINDS)
    return WorkupHint(window_kind=window_kind, summary=_SUMMARIES[window_kind], suggestions=SUGGESTIONS)


@dataclass(frozen=True)
class Enlargement:
    """A measurement ≥ 20 % and ≥ 5 mm above the lesion's nadir (RANO-BM, per lesion)."""

    date: dt.date
    mm: float
    nadir_mm: float
    nadir_date: dt.date


def find_enlargements(measurements: Iterable[tuple[dt.date, float]], treated_on: dt.date) -> list[Enlargement]:
    """Every enlargement after ``treated_on``, in date order (readings 1 and 2 of the module)."""
    series = _checked_series(measurements, treated_on)
    baseline_index = max((i for i, (day, _) in enumerate(series) if day <= treated_on), default=None)
    start = 0 if baseline_index is None else baseline_index
    enlargements = []
    nadir: tuple[dt.date, Fraction] | None = None
    for day, mm in series[start:]:
        if nadir is not None and day > treated_on:
            nadir_day, nadir_mm = nadir
            if mm - nadir_mm >= ENLARGEMENT_MIN_MM and mm >= ENLARGEMENT_MIN_FRACTION * nadir_mm:
                enlargements.append(Enlargement(day, float(mm), float(nadir_mm), nadir_day))
        if nadir is None or mm <= nadir[1]:
            nadir = (day, mm)  # ties: the latest scan with the smallest diameter
    return enlargements


def lesion_enlarging_in_window(
    measurements: Iterable[tuple[dt.date, float]],
    treated_on: dt.date,
    windows: Iterable[WatchWindowOut],
) -> WatchWindowOut | None:
    """The watch window in which the lesion first enlarged (reading 3), or ``None``.

    ``measurements`` are (date, longest diameter in mm) pairs in any order; ``treated_on`` is the date
    the lesion was treated (SRS end, start of systemic therapy).
    """
    windows = list(windows)
    for index, window in enumerate(windows):
        if not isinstance(window, WatchWindowOut):
            raise ClinicalInputError(f"windows[{index}]", "must be a watch window")
    for enlargement in find_enlargements(measurements, treated_on):
        for window in windows:
            if window.contains(enlargement.date):
                return window
    return None


def _checked_series(measurements: Iterable[Any], treated_on: Any) -> list[tuple[dt.date, Fraction]]:
    if not isinstance(treated_on, dt.date) or isinstance(treated_on, dt.datetime):
        raise ClinicalInputError("treated_on", "must be a date")
    series = []
    for index, item in enumerate(measurements):
        path = f"measurements[{index}]"
        if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 2:
            raise ClinicalInputError(path, "must be a (date, mm) pair")
        day, mm = item
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ClinicalInputError(f"{path}.date", "must be a date")
        mm = as_number(mm, f"{path}.mm", low=0, high=MAX_DIAMETER_MM)
        exact = Fraction(mm) if isinstance(mm, int) else Fraction(repr(mm))  # 12.3 is 123/10
        series.append((day, index, exact))
    series.sort(key=lambda entry: (entry[0], entry[1]))
    return [(day, mm) for day, _, mm in series]
