"""Surveillance schedule and watch windows: ``docs/clinical/schedule.md``.

From one patient's treatments, scans and response assessments at a given ``now`` this module
derives the due items (``postop_mri``, ``srs_planning_mri``, ``srs_planning_ct``, ``followup_mri``,
``response_mri``, ``confirmation_mri``) and the watch windows (``pseudoprogression``,
``radiation_necrosis``). Every timing cites its source as schedule.md names it (``SOURCES``):

- postop_mri — seed review, ref 57 ("within 48 up to 72 h after surgery ...");
- srs_planning_mri — seed review, refs 7, 60 ("preferably within one and ultimately within 2 weeks
  before the start of SRS");
- srs_planning_ct — seed review, ref 7 ("a CT scan, preferably post-contrast and with 1-mm slice
  thickness, is fused");
- followup_mri — seed review, refs 7, 61 ("Follow-up MRI should be planned at intervals of 2 to 3
  months");
- response_mri — seed review, ref 43 ("response evaluation of anti-PD-1 therapy is recommended after
  2 to 3 months");
- confirmation_mri — seed review, refs 63, 64, and iRANO (Okada et al., Lancet Oncol 2015);
- pseudoprogression — seed review and iRANO (Okada et al., Lancet Oncol 2015);
- radiation_necrosis — seed review, ref 67.

Pure standard library: no Django, no third-party package. Time is an argument (``now``).

Public API (the app calls these): ``TreatmentIn``, ``ScanIn``, ``ResponseIn``, ``DueItemOut``,
``WatchWindowOut``, ``ScheduleResult``, ``compute_schedule``, ``next_transition``, ``sort_key``,
``OPEN_STATES``, ``phase_at`` (a stored item's state at a moment), ``late_by`` and ``run`` (the CLI
command ``python -m bmtrack.clinical schedule``).

Readings chosen where schedule.md is silent or unclear (each is tested):

1. **Ids** of treatments and scans (and ``responses[].scan``) are JSON strings or integers (not
   booleans), echoed exactly as given (``1`` stays ``1``, ``"T1"`` stays ``"T1"``). Ids must be
   unique among the treatments and among the scans; a response per scan at most once. A treatment
   and a scan may share an id; ``DueItemOut.trigger_type`` (``"treatment"`` or ``"scan"``) tells them
   apart, since a ``followup_mri`` can be triggered by either.
2. **Treatment date-times** (``start``/``end`` given with a time) must carry a UTC offset, like
   ``now`` and scan ``at``: a naive time is ambiguous, so it is an error naming the field. ``end``
   before ``start`` is an error naming ``end``.
3. **Surgery end given as a date only** (no time): the ``postop_mri`` window starts at the start of
   that day in the site zone (due_by = that instant + 72 h), and only an MRI on a *later calendar
   date* fulfils it (the date-only "after" of the Conventions). This is the strict reading both ways:
   the shortest possible window, and a pre-operative MRI on the morning of surgery can never pass
   for the post-operative one. The item says so in its notes.
4. **Postop window rendering**: ``postop_mri`` ``due_from``/``due_by`` are ISO date-times in the
   input ``time_zone`` with its offset (``2026-03-10T14:00:00+01:00``); 72 h is elapsed time, so a
   DST change inside the window moves the wall-clock hour. All other windows are ISO dates.
5. **Sorting**: items by (calendar date of ``due_by`` in the site zone, kind in the order of
   schedule.md's table — postop_mri, srs_planning_mri, srs_planning_ct, followup_mri, response_mri,
   confirmation_mri —, the instant of ``due_by`` for postop items, trigger as text). Watch windows by
   (from, kind in the table's order, to, trigger as text).
6. **Only MRI fulfils** any item except ``srs_planning_ct`` (CT only). CT and PET never fulfil a
   follow-up, response or confirmation item ("any brain MRI counts"); the scan purpose is ignored.
7. **Planning scans**: the MRI must list ``t1_post_3d``; when several scans lie in the window, the
   latest (closest to the SRS start) fulfils. The "older than the preferred 7 days" note (8–14 days
   before the start) is for the MRI only: the 7-day preference is the MRI row's; the CT row only
   shares the window. An MRI in the window without ``t1_post_3d`` is named in a note.
8. **Stopped treatments**: ``stopped`` counts like ``given`` only for ``ici``/``tt`` (response item,
   follow-up anchor, pseudoprogression window); the status itself records that the therapy was
   started, so no date check is made. A stopped *local* treatment (e.g. an interrupted fSRS) creates
   nothing, exactly as the Conventions say ("given (or stopped, for systemic therapy ...)").
   ``chemo`` and ``other`` create nothing at all; ``planned`` treatments create nothing except the
   planning items of a planned SRS/fSRS; ``cancelled`` ones create nothing.
9. **Follow-up chain ties**: several treatment anchors on one date form one anchor whose trigger is
   the first of them in input order. An MRI on the same calendar date as the next treatment anchor
   is not superseded: it fulfils the running item (it came after the previous anchor), and the chain
   then goes on from that treatment (the treatment, not the MRI, is the next trigger, since a
   same-day MRI is not "after" it). Several MRIs on one date: the earliest fulfils; the others are
   not "after" it. Treatment anchors dated after ``now`` still count (their status says given).
10. **Responses** dated after ``now``'s calendar date are ignored, like scans after ``now``. The
    confirmation item uses the response's ``date`` (the suspect scan's date); the scan id need not be
    among ``scans``. A later response does not close an open confirmation item: only an MRI does.
11. **Inactive patients** (deceased, discharged, supportive_care): every item not ``done`` is
    ``cancelled`` with a note; watch windows are still listed, since they describe the history (when an
    enlarging lesion must not be called progression on size alone), not tasks.
12. **Planning item of a given SRS** that was never fulfilled is ``cancelled`` with the note naming
    the gap; a planned SRS whose start date has passed keeps its item ``overdue``.
13. ``late`` compares calendar dates (the fulfilling scan's local date after ``due_by``), and
    instants for ``postop_mri``.
14. **next_transition** is the earliest instant at which the item's state changes by the passage of
    time alone: the start of ``due_from``'s day in the zone (upcoming → due), the start of the day
    after ``due_by`` (due → overdue); for ``postop_mri`` ``due_from`` itself and ``due_by`` + 1 µs
    (at ``due_by`` exactly the item is still due). ``None`` for done, cancelled and overdue items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bmtrack.clinical.dates import add_months
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.parsing import (
    as_aware_datetime,
    as_choice,
    as_list,
    as_object,
    as_zone,
    check_year,
    require,
)
from bmtrack.clinical.vocabulary import PURPOSES, SEQUENCES

UTC = dt.UTC
DEFAULT_TIME_ZONE = "Europe/Amsterdam"
DEFAULT_TZ = ZoneInfo(DEFAULT_TIME_ZONE)

TREATMENT_KINDS = ("surgery", "srs", "fsrs", "wbrt", "litt", "tt", "ici", "chemo", "other")
LOCAL_KINDS = frozenset({"surgery", "srs", "fsrs", "wbrt", "litt"})
WATCH_SYSTEMIC_KINDS = frozenset({"tt", "ici"})
SRS_KINDS = frozenset({"srs", "fsrs"})
TREATMENT_STATUSES = ("planned", "given", "stopped", "cancelled")
MODALITIES = ("mri", "ct", "pet")
TRACERS = ("met", "fet", "fdopa", "fdg")
PATIENT_STATUSES = ("active", "deceased", "discharged", "supportive_care")
RESPONSE_CATEGORIES = ("baseline", "CR", "PR", "SD", "non-CR/non-PD", "PD", "unconfirmed PD", "NE")

DUE_KINDS = (
    "postop_mri",
    "srs_planning_mri",
    "srs_planning_ct",
    "followup_mri",
    "response_mri",
    "confirmation_mri",
)
WATCH_KINDS = ("pseudoprogression", "radiation_necrosis")
STATES = ("done", "cancelled", "upcoming", "due", "overdue")
# The states time alone moves (``state_at``): an item in one of them is "open", still to be done.
OPEN_STATES = ("upcoming", "due", "overdue")

POSTOP_LIMIT = dt.timedelta(hours=72)
POSTOP_PREFERRED = dt.timedelta(hours=48)
PLANNING_LIMIT_DAYS = 14
PLANNING_PREFERRED_DAYS = 7
CONFIRMATION_TOLERANCE = dt.timedelta(days=14)

SOURCES = {
    "postop_mri": ('seed review, ref 57: "within 48 up to 72 h after surgery to avoid surgery-related enhancement"'),
    "srs_planning_mri": (
        'seed review, refs 7, 60: "preferably within one and ultimately within 2 weeks before the start of SRS"'
    ),
    "srs_planning_ct": (
        'seed review, ref 7: "a CT scan, preferably post-contrast and with 1-mm slice thickness, is fused"'
    ),
    "followup_mri": 'seed review, refs 7, 61: "Follow-up MRI should be planned at intervals of 2 to 3 months"',
    "response_mri": (
        'seed review, ref 43: "response evaluation of anti-PD-1 therapy is recommended after 2 to 3 months"'
    ),
    "confirmation_mri": (
        'seed review, refs 63, 64, and iRANO (Okada et al., Lancet Oncol 2015): "a repeated MRI ... '
        '3 months following the initial MRI suspect for progression"'
    ),
    "pseudoprogression": (
        'seed review: PsPD "in the first weeks, up to 6 months following treatment"; iRANO (Okada et '
        "al., Lancet Oncol 2015): progression within 6 months of starting immunotherapy needs confirmation"
    ),
    "radiation_necrosis": (
        'seed review, ref 67: RN "can emerge months to years after SRS", in ≥25 % of SRS-treated BMs'
    ),
}

Id = str | int
Moment = dt.date | dt.datetime


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class TreatmentIn:
    """One treatment. ``start``/``end`` are dates or aware date-times; ``end`` is optional."""

    id: Id
    kind: str
    status: str
    start: Moment
    end: Moment | None = None


@dataclass(frozen=True)
class ScanIn:
    """One brain scan at an aware date-time. ``tracer`` only for PET; ``purpose`` is informative."""

    id: Id
    modality: str
    at: dt.datetime
    purpose: str | None = None
    sequences: tuple[str, ...] = ()
    tracer: str | None = None


@dataclass(frozen=True)
class ResponseIn:
    """One response assessment: ``unconfirmed PD`` opens a ``confirmation_mri``."""

    scan: Id
    category: str
    date: Moment


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class DueItemOut:
    """One due item. ``due_from``/``due_by`` are aware date-times (in the site zone) for
    ``postop_mri`` and dates otherwise. ``trigger_type`` is ``"treatment"`` or ``"scan"``."""

    kind: str
    trigger: Id
    due_from: Moment
    due_by: Moment
    state: str
    fulfilled_by: Id | None
    late: bool
    notes: tuple[str, ...]
    trigger_type: str = "treatment"
    source: str = ""

    @property
    def natural_key(self) -> tuple[str, Id]:
        return (self.kind, self.trigger)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "trigger": self.trigger,
            "due_from": self.due_from.isoformat(),
            "due_by": self.due_by.isoformat(),
            "state": self.state,
            "fulfilled_by": self.fulfilled_by,
            "late": self.late,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class WatchWindowOut:
    """A period in which an enlarging treated lesion is not progression on size alone."""

    kind: str
    trigger: Id
    from_date: dt.date
    to_date: dt.date
    source: str = ""

    @property
    def natural_key(self) -> tuple[str, Id]:
        return (self.kind, self.trigger)

    def contains(self, day: dt.date) -> bool:
        return self.from_date <= day <= self.to_date

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "trigger": self.trigger,
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
        }


@dataclass(frozen=True)
class ScheduleResult:
    due_items: tuple[DueItemOut, ...]
    watch_windows: tuple[WatchWindowOut, ...]

    def to_dict(self) -> dict:
        return {
            "due_items": [item.to_dict() for item in self.due_items],
            "watch_windows": [window.to_dict() for window in self.watch_windows],
        }


# --------------------------------------------------------------------------- time helpers


def local_date(value: Moment, tz: dt.tzinfo) -> dt.date:
    """The calendar date of ``value`` in ``tz`` (a date is its own date)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).date()
    return value


def start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The first instant of ``day`` in ``tz``, as an aware date-time in ``tz``."""
    naive_midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return naive_midnight.astimezone(UTC).astimezone(tz)


def sort_key(item: DueItemOut, tz: dt.tzinfo = DEFAULT_TZ) -> tuple:
    """Items sort by due_by's calendar date, then kind (table order), then postop instant, trigger."""
    instant = item.due_by.timestamp() if isinstance(item.due_by, dt.datetime) else 0.0
    return (local_date(item.due_by, tz), DUE_KINDS.index(item.kind), instant, str(item.trigger))


def _window_sort_key(window: WatchWindowOut) -> tuple:
    return (window.from_date, WATCH_KINDS.index(window.kind), window.to_date, str(window.trigger))


def state_at(now: dt.datetime, due_from: Moment, due_by: Moment, tz: dt.tzinfo) -> str:
    """upcoming / due / overdue of an unfulfilled, uncancelled item (schedule.md, Conventions)."""
    if isinstance(due_from, dt.datetime):
        point_from, point_by, point_now = due_from, due_by, now
    else:
        point_from, point_by, point_now = due_from, due_by, local_date(now, tz)
    if point_now < point_from:
        return "upcoming"
    if point_now <= point_by:
        return "due"
    return "overdue"


def phase_at(now: dt.datetime, state: str, due_from: Moment, due_by: Moment, tz: dt.tzinfo) -> str:
    """The state of an already planned item at ``now`` (the precedence of the Conventions).

    A closed state (``done``, ``cancelled``, or a state outside this module such as a nurse's
    ``waived``) came from an event and stands; an open one (``OPEN_STATES``) is what time alone
    makes of the window at ``now`` (``state_at``), whatever was stored when it was last computed.
    """
    if state not in OPEN_STATES:
        return state
    return state_at(now, due_from, due_by, tz)


def late_by(due_by: Moment, fulfilled_at: dt.datetime, tz: dt.tzinfo) -> dt.timedelta | None:
    """How late the fulfilling scan came, or None when it was in time (Conventions: ``late``).

    For a date-time window (``postop_mri``) the delay runs from ``due_by`` itself; for a date
    window from the end of the ``due_by`` day in ``tz`` (a scan on that day is in time).
    """
    if isinstance(due_by, dt.datetime):
        return fulfilled_at - due_by if fulfilled_at > due_by else None
    if local_date(fulfilled_at, tz) <= due_by:
        return None
    return fulfilled_at - start_of_day(due_by + dt.timedelta(days=1), tz)


def next_transition(item: DueItemOut, tz: dt.tzinfo | str = DEFAULT_TZ) -> dt.datetime | None:
    """The aware UTC instant at which ``item.state`` next changes by the passage of time alone.

    upcoming → due at the start of ``due_from``'s day in ``tz`` (``due_from`` itself for postop);
    due → overdue at the start of the day after ``due_by`` (``due_by`` + 1 µs for postop, since the
    item is still due at ``due_by`` exactly); ``None`` for done, cancelled and overdue items.
    """
    tz = _zone(tz)
    if item.state == "upcoming":
        if isinstance(item.due_from, dt.datetime):
            return item.due_from.astimezone(UTC)
        return start_of_day(item.due_from, tz).astimezone(UTC)
    if item.state == "due":
        if isinstance(item.due_by, dt.datetime):
            return item.due_by.astimezone(UTC) + dt.timedelta(microseconds=1)
        return start_of_day(item.due_by + dt.timedelta(days=1), tz).astimezone(UTC)
    return None


# --------------------------------------------------------------------------- rules


@dataclass
class _Draft:
    """An item before its state: what the rule found, and why it may be cancelled."""

    kind: str
    trigger: Id
    trigger_type: str
    due_from: Moment
    due_by: Moment
    scan: ScanIn | None
    notes: list[str]
    open_notes: list[str]
    cancel_reason: str | None = None


class _Facts:
    """The patient's history as known at ``now``, in the site's calendar."""

    def __init__(self, now, tz, treatments, scans, responses):
        self.now = now
        self.tz = tz
        self.today = local_date(now, tz)
        self.treatments = treatments
        known = sorted(
            ((scan, index) for index, scan in enumerate(scans) if scan.at <= now),
            key=lambda pair: (pair[0].at, pair[1]),
        )
        self.scans = [scan for scan, _ in known]  # chronological, ties in input order
        self.mris = [scan for scan in self.scans if scan.modality == "mri"]
        self.cts = [scan for scan in self.scans if scan.modality == "ct"]
        self.responses = [r for r in responses if local_date(r.date, tz) <= self.today]

    def day(self, value: Moment) -> dt.date:
        return local_date(value, self.tz)

    def first_mri_on_or_after(self, day: dt.date) -> ScanIn | None:
        return first_mri_on_or_after(self.mris, day, self.tz)


def first_mri_on_or_after(mris: list[ScanIn], day: dt.date, tz: dt.tzinfo) -> ScanIn | None:
    """The first of ``mris`` (chronological) dated on or after ``day`` in ``tz``: what fulfils the
    response and confirmation MRIs ("any brain MRI counts", Conventions), and a board's follow-up."""
    return next((scan for scan in mris if local_date(scan.at, tz) >= day), None)


def _counts_as_started(treatment: TreatmentIn) -> bool:
    """given, or stopped for the systemic therapies that open items (Conventions)."""
    if treatment.status == "given":
        return True
    return treatment.status == "stopped" and treatment.kind in WATCH_SYSTEMIC_KINDS


def _postop_items(facts: _Facts) -> list[_Draft]:
    """Each given surgery: MRI within 72 h (48 h preferred) after the end (seed, ref 57)."""
    drafts = []
    for treatment in facts.treatments:
        if treatment.kind != "surgery" or treatment.status != "given":
            continue
        end = treatment.end if treatment.end is not None else treatment.start
        notes: list[str] = []
        if isinstance(end, dt.datetime):
            due_from = end.astimezone(facts.tz)
            scan = next((m for m in facts.mris if m.at > end), None)
        else:
            due_from = start_of_day(end, facts.tz)
            scan = next((m for m in facts.mris if facts.day(m.at) > end), None)
            notes.append(
                f"surgery end {end.isoformat()} has no time of day: the window starts at the start of "
                "that day and only an MRI on a later date counts"
            )
        due_by = (due_from.astimezone(UTC) + POSTOP_LIMIT).astimezone(facts.tz)
        preferred_by = (due_from.astimezone(UTC) + POSTOP_PREFERRED).astimezone(facts.tz)
        if scan is not None and preferred_by < scan.at <= due_by:
            notes.append("later than the preferred 48 h")
        drafts.append(
            _Draft(
                kind="postop_mri",
                trigger=treatment.id,
                trigger_type="treatment",
                due_from=due_from,
                due_by=due_by,
                scan=scan,
                notes=notes,
                open_notes=[f"48 h preferred: by {preferred_by.isoformat()}"],
            )
        )
    return drafts


def _planning_items(facts: _Facts) -> list[_Draft]:
    """Each planned or given SRS/fSRS: MRI (3D T1 post-contrast) and CT within 14 days before start."""
    drafts = []
    for treatment in facts.treatments:
        if treatment.kind not in SRS_KINDS or treatment.status not in ("planned", "given"):
            continue
        start = facts.day(treatment.start)
        due_from = start - dt.timedelta(days=PLANNING_LIMIT_DAYS)
        preferred_from = start - dt.timedelta(days=PLANNING_PREFERRED_DAYS)
        given = treatment.status == "given"

        def in_window(scan: ScanIn, due_from=due_from, start=start) -> bool:
            return due_from <= facts.day(scan.at) <= start

        mri_notes: list[str] = []
        mri = None
        for scan in facts.mris:
            if not in_window(scan):
                continue
            if "t1_post_3d" in scan.sequences:
                mri = scan  # the latest in the window wins
            else:
                mri_notes.append(
                    f"MRI {scan.id} on {facts.day(scan.at).isoformat()} has no t1_post_3d, so it does not count"
                )
        if mri is not None and facts.day(mri.at) < preferred_from:
            mri_notes.append("older than the preferred 7 days")
        drafts.append(
            _Draft(
                kind="srs_planning_mri",
                trigger=treatment.id,
                trigger_type="treatment",
                due_from=due_from,
                due_by=start,
                scan=mri,
                notes=mri_notes,
                open_notes=[f"7 days preferred: on or after {preferred_from.isoformat()}"],
                cancel_reason="SRS given without a planning MRI in the window" if given else None,
            )
        )
        ct = None
        for scan in facts.cts:
            if in_window(scan):
                ct = scan
        drafts.append(
            _Draft(
                kind="srs_planning_ct",
                trigger=treatment.id,
                trigger_type="treatment",
                due_from=due_from,
                due_by=start,
                scan=ct,
                notes=["1-mm slices, post-contrast preferred"],
                open_notes=[],
                cancel_reason="SRS given without a planning CT in the window" if given else None,
            )
        )
    return drafts


def _treatment_anchors(facts: _Facts) -> list[tuple[dt.date, Id]]:
    """Step 1: end (or start) of each given local treatment; start of each given/stopped ICI/TT."""
    anchors = []
    for index, treatment in enumerate(facts.treatments):
        if treatment.kind in LOCAL_KINDS and treatment.status == "given":
            moment = treatment.end if treatment.end is not None else treatment.start
        elif treatment.kind in WATCH_SYSTEMIC_KINDS and _counts_as_started(treatment):
            moment = treatment.start
        else:
            continue
        anchors.append((facts.day(moment), index, treatment.id))
    anchors.sort(key=lambda anchor: (anchor[0], anchor[1]))
    return [(day, trigger) for day, _, trigger in anchors]


def _followup_items(facts: _Facts) -> list[_Draft]:
    """The follow-up chain of schedule.md, steps 1–6 (seed, refs 7, 61)."""
    anchors = _treatment_anchors(facts)
    if not anchors:
        return []
    drafts = []
    anchor_day, trigger = anchors[0]
    trigger_type = "treatment"
    while True:
        due_from = add_months(anchor_day, 2)
        due_by = add_months(anchor_day, 3)
        next_treatment = next(((d, t) for d, t in anchors if d > anchor_day), None)
        mri = next((m for m in facts.mris if facts.day(m.at) > anchor_day), None)
        mri_day = facts.day(mri.at) if mri is not None else None
        if mri is not None and (next_treatment is None or mri_day <= next_treatment[0]):
            notes = []
            if mri_day < due_from:
                notes.append("early scan: the 2–3 month interval restarts from it")
            drafts.append(_Draft("followup_mri", trigger, trigger_type, due_from, due_by, mri, notes, []))
            if next_treatment is not None and next_treatment[0] == mri_day:
                (anchor_day, trigger), trigger_type = next_treatment, "treatment"
            else:
                anchor_day, trigger, trigger_type = mri_day, mri.id, "scan"
            continue
        if next_treatment is not None:  # step 4: superseded, not listed
            (anchor_day, trigger), trigger_type = next_treatment, "treatment"
            continue
        drafts.append(_Draft("followup_mri", trigger, trigger_type, due_from, due_by, None, [], []))
        return drafts


def _response_items(facts: _Facts) -> list[_Draft]:
    """Each given (or stopped) ICI/TT: response MRI at start + 2 … 3 months (seed, ref 43)."""
    drafts = []
    for treatment in facts.treatments:
        if treatment.kind not in WATCH_SYSTEMIC_KINDS or not _counts_as_started(treatment):
            continue
        start = facts.day(treatment.start)
        due_from = add_months(start, 2)
        drafts.append(
            _Draft(
                kind="response_mri",
                trigger=treatment.id,
                trigger_type="treatment",
                due_from=due_from,
                due_by=add_months(start, 3),
                scan=facts.first_mri_on_or_after(due_from),
                notes=[],
                open_notes=[],
            )
        )
    return drafts


def _confirmation_items(facts: _Facts) -> list[_Draft]:
    """Each unconfirmed PD: MRI at suspect date + 3 months ± 14 days (seed refs 63, 64; iRANO)."""
    drafts = []
    for response in facts.responses:
        if response.category != "unconfirmed PD":
            continue
        suspect_day = facts.day(response.date)
        target = add_months(suspect_day, 3)
        due_from = target - CONFIRMATION_TOLERANCE
        drafts.append(
            _Draft(
                kind="confirmation_mri",
                trigger=response.scan,
                trigger_type="scan",
                due_from=due_from,
                due_by=target + CONFIRMATION_TOLERANCE,
                scan=facts.first_mri_on_or_after(due_from),
                notes=[f"suspect scan {suspect_day.isoformat()} + 3 months = {target.isoformat()}, ± 14 days"],
                open_notes=[],
            )
        )
    return drafts


def _watch_windows(facts: _Facts) -> list[WatchWindowOut]:
    windows = []
    for treatment in facts.treatments:
        if treatment.kind in WATCH_SYSTEMIC_KINDS and _counts_as_started(treatment):
            start = facts.day(treatment.start)
            windows.append(
                WatchWindowOut(
                    "pseudoprogression", treatment.id, start, add_months(start, 6), SOURCES["pseudoprogression"]
                )
            )
        elif treatment.kind in SRS_KINDS and treatment.status == "given":
            end = facts.day(treatment.end if treatment.end is not None else treatment.start)
            windows.append(
                WatchWindowOut(
                    "radiation_necrosis", treatment.id, end, add_months(end, 36), SOURCES["radiation_necrosis"]
                )
            )
    windows.sort(key=_window_sort_key)
    return windows


def _finish(draft: _Draft, facts: _Facts, patient_status: str) -> DueItemOut:
    """State precedence of the Conventions: done → cancelled → upcoming → due → overdue."""
    notes = list(draft.notes)
    if draft.scan is not None:
        if isinstance(draft.due_by, dt.datetime):
            late = draft.scan.at > draft.due_by
        else:
            late = facts.day(draft.scan.at) > draft.due_by
        state, fulfilled_by = "done", draft.scan.id
    else:
        late, fulfilled_by = False, None
        if patient_status != "active":
            state = "cancelled"
            notes.append(f"patient is {patient_status.replace('_', ' ')}: nothing left to schedule")
        elif draft.cancel_reason is not None:
            state = "cancelled"
            notes.append(draft.cancel_reason)
        else:
            state = state_at(facts.now, draft.due_from, draft.due_by, facts.tz)
            notes.extend(draft.open_notes)
    return DueItemOut(
        kind=draft.kind,
        trigger=draft.trigger,
        due_from=draft.due_from,
        due_by=draft.due_by,
        state=state,
        fulfilled_by=fulfilled_by,
        late=late,
        notes=tuple(notes),
        trigger_type=draft.trigger_type,
        source=SOURCES[draft.kind],
    )


def compute_schedule(
    now: dt.datetime,
    patient_status: str,
    treatments: Iterable[TreatmentIn],
    scans: Iterable[ScanIn],
    responses: Iterable[ResponseIn] = (),
    tz: dt.tzinfo | str = DEFAULT_TZ,
) -> ScheduleResult:
    """Due items and watch windows of one patient at ``now`` (schedule.md).

    Raises ``ClinicalInputError`` naming the field (``now``, ``patient.status``,
    ``treatments[1].kind``, ``scans[0].at`` ...) for input outside the rules' domain.
    """
    tz = _zone(tz)
    _check_aware(now, "now")
    as_choice(patient_status, "patient.status", PATIENT_STATUSES)
    treatments = tuple(treatments)
    scans = tuple(scans)
    responses = tuple(responses)
    _check_treatments(treatments, tz)
    _check_scans(scans)
    _check_responses(responses)

    facts = _Facts(now, tz, treatments, scans, responses)
    drafts = (
        _postop_items(facts)
        + _planning_items(facts)
        + _followup_items(facts)
        + _response_items(facts)
        + _confirmation_items(facts)
    )
    items = sorted((_finish(d, facts, patient_status) for d in drafts), key=lambda i: sort_key(i, tz))
    return ScheduleResult(due_items=tuple(items), watch_windows=tuple(_watch_windows(facts)))


# --------------------------------------------------------------------------- validation


def _zone(tz: Any) -> dt.tzinfo:
    if isinstance(tz, str):
        return as_zone(tz, "time_zone")
    if not isinstance(tz, dt.tzinfo):
        raise ClinicalInputError("time_zone", "must be an IANA time zone name such as Europe/Amsterdam")
    return tz


def _check_aware(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ClinicalInputError(field, "must be a date-time with a UTC offset")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ClinicalInputError(field, f"{value.isoformat()!r} has no UTC offset (e.g. +01:00 or Z)")
    return value


def _check_moment(value: Any, field: str) -> Moment:
    if isinstance(value, dt.datetime):
        return _check_aware(value, field)
    if not isinstance(value, dt.date):
        raise ClinicalInputError(field, "must be an ISO 8601 date or a date-time with a UTC offset")
    return value


def _check_id(value: Any, field: str) -> Id:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise ClinicalInputError(field, "must be a non-empty string or a whole number")
    return value


def _check_treatments(treatments: Sequence[TreatmentIn], tz: dt.tzinfo) -> None:
    seen: set = set()
    for index, treatment in enumerate(treatments):
        path = f"treatments[{index}]"
        if not isinstance(treatment, TreatmentIn):
            raise ClinicalInputError(path, "must be a treatment")
        _check_id(treatment.id, f"{path}.id")
        if treatment.id in seen:
            raise ClinicalInputError(f"{path}.id", f"duplicate treatment id {treatment.id!r}")
        seen.add(treatment.id)
        as_choice(treatment.kind, f"{path}.kind", TREATMENT_KINDS)
        as_choice(treatment.status, f"{path}.status", TREATMENT_STATUSES)
        _check_moment(treatment.start, f"{path}.start")
        if treatment.end is not None:
            _check_moment(treatment.end, f"{path}.end")
            if isinstance(treatment.start, dt.datetime) and isinstance(treatment.end, dt.datetime):
                before = treatment.end < treatment.start
            else:
                before = local_date(treatment.end, tz) < local_date(treatment.start, tz)
            if before:
                raise ClinicalInputError(f"{path}.end", "is before the start")


def _check_scans(scans: Sequence[ScanIn]) -> None:
    seen: set = set()
    for index, scan in enumerate(scans):
        path = f"scans[{index}]"
        if not isinstance(scan, ScanIn):
            raise ClinicalInputError(path, "must be a scan")
        _check_id(scan.id, f"{path}.id")
        if scan.id in seen:
            raise ClinicalInputError(f"{path}.id", f"duplicate scan id {scan.id!r}")
        seen.add(scan.id)
        as_choice(scan.modality, f"{path}.modality", MODALITIES)
        _check_aware(scan.at, f"{path}.at")
        if scan.purpose is not None:
            as_choice(scan.purpose, f"{path}.purpose", PURPOSES)
        if not isinstance(scan.sequences, (tuple, list)):
            raise ClinicalInputError(f"{path}.sequences", "must be a list")
        for position, sequence in enumerate(scan.sequences):
            as_choice(sequence, f"{path}.sequences[{position}]", SEQUENCES)
        if scan.tracer is not None:
            if scan.modality != "pet":
                raise ClinicalInputError(f"{path}.tracer", "only a PET scan has a tracer")
            as_choice(scan.tracer, f"{path}.tracer", TRACERS)


def _check_responses(responses: Sequence[ResponseIn]) -> None:
    seen: set = set()
    for index, response in enumerate(responses):
        path = f"responses[{index}]"
        if not isinstance(response, ResponseIn):
            raise ClinicalInputError(path, "must be a response assessment")
        _check_id(response.scan, f"{path}.scan")
        if response.scan in seen:
            raise ClinicalInputError(f"{path}.scan", f"scan {response.scan!r} already has a response")
        seen.add(response.scan)
        as_choice(response.category, f"{path}.category", RESPONSE_CATEGORIES)
        _check_moment(response.date, f"{path}.date")


# --------------------------------------------------------------------------- CLI


def _read_moment(value: Any, field: str) -> Moment:
    """An ISO date (``2026-03-01``) or an ISO date-time with an offset."""
    if not isinstance(value, str):
        raise ClinicalInputError(field, "must be an ISO 8601 date or a date-time with a UTC offset")
    if "T" not in value and " " not in value:
        try:
            return check_year(dt.date.fromisoformat(value), field)
        except ValueError:
            raise ClinicalInputError(field, f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)") from None
    return as_aware_datetime(value, field)


def _optional(raw: Mapping, key: str) -> Any:
    return raw.get(key)


def _read_treatment(raw: Any, path: str) -> TreatmentIn:
    raw = as_object(raw, path)
    end = _optional(raw, "end")
    return TreatmentIn(
        id=_check_id(require(raw, "id", path), f"{path}.id"),
        kind=as_choice(require(raw, "kind", path), f"{path}.kind", TREATMENT_KINDS),
        status=as_choice(require(raw, "status", path), f"{path}.status", TREATMENT_STATUSES),
        start=_read_moment(require(raw, "start", path), f"{path}.start"),
        end=None if end is None else _read_moment(end, f"{path}.end"),
    )


def _read_scan(raw: Any, path: str) -> ScanIn:
    raw = as_object(raw, path)
    purpose = _optional(raw, "purpose")
    tracer = _optional(raw, "tracer")
    sequences = _optional(raw, "sequences")
    sequences = [] if sequences is None else as_list(sequences, f"{path}.sequences")
    return ScanIn(
        id=_check_id(require(raw, "id", path), f"{path}.id"),
        modality=as_choice(require(raw, "modality", path), f"{path}.modality", MODALITIES),
        at=as_aware_datetime(require(raw, "at", path), f"{path}.at"),
        purpose=None if purpose is None else as_choice(purpose, f"{path}.purpose", PURPOSES),
        sequences=tuple(
            as_choice(seq, f"{path}.sequences[{position}]", SEQUENCES) for position, seq in enumerate(sequences)
        ),
        tracer=None if tracer is None else as_choice(tracer, f"{path}.tracer", TRACERS),
    )


def _read_response(raw: Any, path: str) -> ResponseIn:
    raw = as_object(raw, path)
    return ResponseIn(
        scan=_check_id(require(raw, "scan", path), f"{path}.scan"),
        category=as_choice(require(raw, "category", path), f"{path}.category", RESPONSE_CATEGORIES),
        date=_read_moment(require(raw, "date", path), f"{path}.date"),
    )


def run(payload: Mapping) -> dict:
    """CLI ``schedule``: the JSON contract of DESIGN.md and schedule.md, output via ``to_dict``.

    Input ``{"now", "time_zone"?, "patient": {"status"}, "treatments": [...], "scans": [...],
    "responses"?: [...]}``; ``treatments`` and ``scans`` are required (possibly empty) lists.
    """
    now = as_aware_datetime(require(payload, "now"), "now")
    zone_name = payload.get("time_zone")
    tz = DEFAULT_TZ if zone_name is None else as_zone(zone_name, "time_zone")
    patient = as_object(require(payload, "patient"), "patient")
    status = as_choice(require(patient, "status", "patient"), "patient.status", PATIENT_STATUSES)
    treatments = [
        _read_treatment(raw, f"treatments[{index}]")
        for index, raw in enumerate(as_list(require(payload, "treatments"), "treatments"))
    ]
    scans = [
        _read_scan(raw, f"scans[{index}]") for index, raw in enumerate(as_list(require(payload, "scans"), "scans"))
    ]
    raw_responses = payload.get("responses")
    raw_responses = [] if raw_responses is None else as_list(raw_responses, "responses")
    responses = [_read_response(raw, f"responses[{index}]") for index, raw in enumerate(raw_responses)]
    return compute_schedule(now, status, treatments, scans, responses, tz).to_dict()
