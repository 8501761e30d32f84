"""Stored due items as needs: the worklist, the digests, the dashboard and the API show and count these.

The rule (which items one MRI answers together) is ``clinical.needs``; this module only feeds it
the stored rows and hands back the rows of each need. Every item keeps its own rule, window and
history; a need is how they are shown, counted and acted on (booking or waiving a need's item
does the same to the need's other items: ``actions.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bmtrack.clinical import needs as needs_rules
from bmtrack.surveillance.models import DueItem
from bmtrack.surveillance.phase import phase


@dataclass
class ItemNeed:
    """One need: its items (model rows, in the rule's kind order) and the rule's view of them."""

    rule: needs_rules.Need
    items: list

    @property
    def lead(self):
        return self.items[0]

    @property
    def merged(self) -> bool:
        return len(self.items) > 1

    @property
    def label(self) -> str:
        return self.rule.label or self.lead.get_kind_display()

    @property
    def phase(self) -> str:
        return self.rule.phase

    @property
    def due_from(self) -> dt.date:
        return self.rule.due_from

    @property
    def due_by(self) -> dt.date:
        return self.rule.due_by

    @property
    def urgent(self) -> bool:
        return any(item.urgent for item in self.items)

    @property
    def pks(self) -> list[int]:
        return [item.pk for item in self.items]


def item_in(item, now: dt.datetime) -> needs_rules.ItemIn:
    """What the rule reads of a row; ``phase`` from a ``with_phase`` annotation when present."""
    current = getattr(item, "phase", None) or phase(item, now)
    return needs_rules.ItemIn(key=item.pk, kind=item.kind, due_from=item.due_from, due_by=item.due_by,
                              phase=current, fulfilled_by=item.fulfilled_by_id, late=item.late)


def group(items: Iterable, now: dt.datetime) -> list[ItemNeed]:
    """The needs of these rows, patient by patient (patients in first-seen order, needs by deadline)."""
    by_patient: dict[int, list] = {}
    for item in items:
        by_patient.setdefault(item.patient_id, []).append(item)
    result = []
    for rows in by_patient.values():
        by_pk = {item.pk: item for item in rows}
        for rule in needs_rules.group_needs(item_in(item, now) for item in rows):
            result.append(ItemNeed(rule, [by_pk[key] for key in rule.keys]))
    return result


def need_of(item, siblings: Iterable, now: dt.datetime) -> ItemNeed:
    """The need ``item`` belongs to, among its patient's rows ``siblings`` (``item`` included)."""
    for need in group(siblings, now):
        if item.pk in need.pks:
            return need
    return group([item], now)[0]


def needs_by_item(items: Iterable, now: dt.datetime) -> dict[int, ItemNeed]:
    """The need of each open item among ``items``, each grouped with its patient's other open items
    (one query). Closed items have none."""
    patient_ids = {item.patient_id for item in items}
    if not patient_ids:
        return {}
    rows = DueItem.objects.filter(patient_id__in=patient_ids).open().with_phase(now).order_by("patient_id", "pk")
    return {pk: need for need in group(rows, now) for pk in need.pks}
