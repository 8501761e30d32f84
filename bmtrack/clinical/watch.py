"""Which lesion is watched in which window, from which day, and its enlargements inside them
(docs/clinical/schedule.md, "Watch windows" and "Work-up hint").

1. A ``radiation_necrosis`` window watches the lesions its SRS / fSRS treated; a
   ``pseudoprogression`` window (systemic therapy) watches every lesion of the patient.
2. A lesion is watched from the window's first day, which is the day it was treated: the SRS end
   date, or the start of the systemic therapy (schedule.md's "from" column). That day is the
   ``treated_on`` of ``workup.find_enlargements``: its nadir counts from the last measurement on or
   before it.
3. Lesion-specific windows come first: when a lesion enlarges inside both its SRS's window and a
   systemic therapy's, the radiation-necrosis window names it. Ties: earlier window, then trigger.
4. ``current_enlargements``: the lesions whose latest measurement is an enlargement inside one of
   their windows (what the patient page and the board's case summary show).

Pure standard library (no Django). The page, the board suggestions and the case summary call these;
none decides on its own which lesion a window watches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bmtrack.clinical import workup
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.schedule import WatchWindowOut

LESION_SPECIFIC = "radiation_necrosis"


@dataclass(frozen=True)
class LesionWatch:
    lesion: Hashable
    window: WatchWindowOut

    @property
    def treated_on(self) -> dt.date:
        return self.window.from_date


@dataclass(frozen=True)
class WatchedEnlargement:
    lesion: Hashable
    window: WatchWindowOut
    enlargement: workup.Enlargement


def _order(window: WatchWindowOut) -> tuple:
    return (window.kind != LESION_SPECIFIC, window.from_date, str(window.trigger))


def lesion_watches(windows: Iterable[WatchWindowOut], treated: Mapping[object, Iterable[Hashable]],
                   lesions: Iterable[Hashable]) -> list[LesionWatch]:
    """Every (lesion, window) pair (readings 1 and 3). ``treated``: trigger -> lesions it treated."""
    every = list(dict.fromkeys(lesions))
    watches = []
    for window in sorted(windows, key=_order):
        if window.kind not in workup.WATCH_KINDS:
            raise ClinicalInputError("windows.kind", f"must be one of {', '.join(workup.WATCH_KINDS)}")
        watched = treated.get(window.trigger, ()) if window.kind == LESION_SPECIFIC else every
        watches += [LesionWatch(lesion, window) for lesion in watched]
    return watches


def enlargements_in_windows(series: Mapping[Hashable, Sequence[tuple[dt.date, float]]],
                            watches: Iterable[LesionWatch]) -> list[WatchedEnlargement]:
    """Every enlargement of a watched lesion dated inside the window that watches it, in watch order."""
    found, scanned = [], {}
    for watch in watches:
        points = series.get(watch.lesion)
        # Most windows hold no measurement of most lesions: skip those without scanning the series.
        if not points or not any(watch.treated_on < day and watch.window.contains(day) for day, _ in points):
            continue
        key = (watch.lesion, watch.treated_on)
        if key not in scanned:
            scanned[key] = workup.find_enlargements(points, watch.treated_on)
        found += [WatchedEnlargement(watch.lesion, watch.window, e)
                  for e in scanned[key] if watch.window.contains(e.date)]
    return found


def current_enlargements(series: Mapping[Hashable, Sequence[tuple[dt.date, float]]],
                         watches: Iterable[LesionWatch]) -> list[WatchedEnlargement]:
    """One per lesion whose latest measurement is an enlargement inside a window (reading 4)."""
    latest = {lesion: max(day for day, _ in points) for lesion, points in series.items() if points}
    # Only a window that holds the lesion's latest measurement can hold its current enlargement: the
    # others are not scanned (a patient page has dozens of lesion/window pairs).
    grown = {lesion for lesion, points in series.items() if points and _may_be_enlarged(points, latest[lesion])}
    watches = [w for w in watches if w.lesion in grown and w.treated_on < latest[w.lesion]
               and w.window.contains(latest[w.lesion])]
    current: dict[Hashable, WatchedEnlargement] = {}
    for found in enlargements_in_windows(series, watches):
        if found.enlargement.date == latest[found.lesion] and found.lesion not in current:
            current[found.lesion] = found
    return list(current.values())


def _may_be_enlarged(points: Sequence[tuple[dt.date, float]], latest_day: dt.date) -> bool:
    """False when the latest diameter is less than ``ENLARGEMENT_MIN_MM`` above the smallest one, so that
    no nadir can make it an enlargement (a cheap test before the exact rule). Anything but plain numbers
    is left to the exact rule, which checks it."""
    try:
        latest = max(float(mm) for day, mm in points if day == latest_day)
        smallest = min(float(mm) for _, mm in points)
    except (TypeError, ValueError):
        return True
    return latest - smallest > workup.ENLARGEMENT_MIN_MM - 1e-6
