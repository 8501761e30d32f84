"""Due items as a nurse acts on them: needs, and what is due this week.

Source: ``docs/clinical/record.md``, "Due items", and ``docs/clinical/schedule.md``
(Conventions: "One scan may fulfil several items ... The worklist groups items by patient").

1. **One need per MRI.** Items of one patient whose windows overlap and that one MRI fulfils —
   ``followup_mri``, ``response_mri`` and ``confirmation_mri``: any brain MRI counts for them
   (schedule.md, reading 6 of ``schedule.py``) — are one need, shown and counted once
   ("MRI: follow-up and response evaluation"). Each item stays stored with its own rule.
2. **Due this week** means the deadline (``due_by``) is within 7 days of today (today included);
   the rest of an open window is "due".

Readings chosen where record.md is silent (each is tested in ``tests/clinical/test_needs.py``):

a. Only those three kinds merge. A post-operative MRI must follow the surgery, a planning MRI
   needs its 3D T1 within the SRS window, a planning CT is a CT, and a tumour-board follow-up is
   the board's own request: none is fulfilled by "any MRI" in the same sense.
b. Open items merge when their windows share at least one day with every other item of the need,
   so that one MRI in the shared window fulfils all of them in time. Items are taken by
   ``due_from`` (then deadline, then kind), each joining the need before it when its window meets
   that need's shared window; otherwise it starts a new need. The need's window is the shared one
   (``due_from`` = latest start, ``due_by`` = earliest deadline) and its phase the most urgent of
   its items' (overdue, then due, then upcoming).
c. Closed items merge when one scan fulfilled them (same ``fulfilled_by``) and their windows
   overlap as in (b): a need done by one MRI is counted once, and it is late when any of its items
   was late (the scan came after the need's deadline).
d. An open and a closed item never merge; items of different patients are never given together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from bmtrack.clinical.schedule import DUE_KINDS, OPEN_STATES

MERGING_KINDS = ("followup_mri", "response_mri", "confirmation_mri")
WEEK_DAYS = 7
# What a merged need says each item is for, in the order of schedule.md's table.
REASONS = {
    "followup_mri": "follow-up",
    "response_mri": "response evaluation",
    "confirmation_mri": "iRANO confirmation",
}
URGENCY = ("overdue", "due", "upcoming")
# schedule.md's kind order; a kind it does not list sorts last.
_RANK = {kind: index for index, kind in enumerate(DUE_KINDS)}


@dataclass(frozen=True)
class ItemIn:
    """What the grouping reads of one stored item (``key`` is the caller's id for it)."""

    key: Hashable
    kind: str
    due_from: dt.date
    due_by: dt.date
    phase: str
    fulfilled_by: Hashable | None = None
    late: bool = False


@dataclass(frozen=True)
class Need:
    """One or more items one scan answers. ``keys`` in schedule.md's kind order."""

    keys: tuple
    kinds: tuple[str, ...]
    due_from: dt.date
    due_by: dt.date
    phase: str
    late: bool = False

    @property
    def merged(self) -> bool:
        return len(self.keys) > 1

    @property
    def label(self) -> str | None:
        """"MRI: follow-up and response evaluation" for a merged need; None for a single item."""
        return need_label(self.kinds) if self.merged else None


def need_label(kinds: Iterable[str]) -> str:
    reasons = [REASONS[kind] for kind in _kind_order(kinds)]
    if len(reasons) == 1:
        return f"MRI: {reasons[0]}"
    return f"MRI: {', '.join(reasons[:-1])} and {reasons[-1]}"


def _rank(kind: str) -> int:
    return _RANK.get(kind, len(_RANK))


def _kind_order(kinds: Iterable[str]) -> list[str]:
    return sorted(kinds, key=lambda kind: (_rank(kind), kind))


def _mergeable(item: ItemIn) -> bool:
    if item.kind not in MERGING_KINDS:
        return False
    return item.phase in OPEN_STATES or (item.phase == "done" and item.fulfilled_by is not None)


def _group_key(item: ItemIn) -> tuple:
    # (c)/(d): open items together, closed ones per fulfilling scan.
    return ("open",) if item.phase in OPEN_STATES else ("done", item.fulfilled_by)


def group_needs(items: Iterable[ItemIn]) -> list[Need]:
    """The needs of ONE patient's items, sorted by deadline then kind (readings a–d)."""
    items = list(items)
    needs: list[Need] = []
    pools: dict[tuple, list[ItemIn]] = {}
    for item in items:
        if _mergeable(item):
            pools.setdefault(_group_key(item), []).append(item)
        else:
            needs.append(_need([item]))
    for pool in pools.values():
        pool.sort(key=lambda i: (i.due_from, i.due_by, _rank(i.kind), str(i.key)))
        group: list[ItemIn] = []
        shared_by = None
        for item in pool:
            if group and item.due_from <= shared_by:
                group.append(item)
                shared_by = min(shared_by, item.due_by)
                continue
            if group:
                needs.append(_need(group))
            group, shared_by = [item], item.due_by
        if group:
            needs.append(_need(group))
    needs.sort(key=lambda n: (n.due_by, _rank(n.kinds[0]), n.due_from, str(n.keys[0])))
    return needs


def _need(group: list[ItemIn]) -> Need:
    group = sorted(group, key=lambda i: (_rank(i.kind), i.due_by, str(i.key)))
    phases = [i.phase for i in group]
    phase = next((p for p in URGENCY if p in phases), phases[0])
    return Need(
        keys=tuple(i.key for i in group),
        kinds=tuple(i.kind for i in group),
        due_from=max(i.due_from for i in group),
        due_by=min(i.due_by for i in group),
        phase=phase,
        late=any(i.late for i in group),
    )


def due_this_week(due_by: dt.date, today: dt.date) -> bool:
    """record.md: "Due this week" counts items whose deadline is within 7 days (of today)."""
    return today <= due_by <= today + dt.timedelta(days=WEEK_DAYS)


def section(phase: str, due_by: dt.date, today: dt.date) -> str:
    """Where an open need stands today: ``overdue``, ``this_week`` (deadline within 7 days),
    ``due`` (the rest of an open window) or ``upcoming`` (the window has not started); a closed
    need is ``closed``."""
    if phase not in OPEN_STATES:
        return "closed"
    if phase == "overdue":
        return "overdue"
    if due_this_week(due_by, today):
        return "this_week"
    return "due" if phase == "due" else "upcoming"
