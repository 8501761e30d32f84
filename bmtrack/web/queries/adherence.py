"""The adherence grid (REDCap-style): a care team's patients as rows, their expected scans as columns.

1. **Rows**: the user's patients (``patients_for``) with at least one due item, of one of her teams
   when she picks one, active ones only unless she asks for all; by name; a page at a time.
2. **Columns** come from the patients' due items: each patient's items in the kind order of
   schedule.md's table (post-operative MRI, SRS planning MRI and CT, follow-up, response,
   confirmation; tumour-board follow-ups last), numbered within a kind by window:
   "Follow-up 1", "Follow-up 2" ... A page (or the export) has the union of its rows' columns.
3. **Cells**: ``surveillance.phase.adherence`` of the item at ``now`` (done on time, done late,
   missed, booked, due, upcoming, waived, cancelled): the grid has no rule of its own. Each cell says
   its window and the scan, booking or deadline date in words (the tooltip) and links to the patient.
4. A fixed number of queries, whatever the number of patients: the page of patients (and its
   count), then their items with the fulfilling scan's time, grouped in Python.
5. The export streams every row: its columns first (one aggregate query: the most items of each
   kind any of the patients has), then ``EXPORT_CHUNK`` patients at a time, so memory stays
   bounded for a team of any size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from bmtrack.accounts.access import patients_for
from bmtrack.clinical.schedule import DUE_KINDS
from bmtrack.core.clock import local_date
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.surveillance.models import DueItem, DueKind
from bmtrack.surveillance.phase import (
    BOOKED,
    CANCELLED,
    DUE,
    LATE,
    MISSED,
    ON_TIME,
    UPCOMING,
    WAIVED,
    adherence,
)
from bmtrack.web.formatting import fmt_date, fmt_datetime

PAGE_SIZE = 50
EXPORT_CHUNK = 500
KIND_ORDER = (*DUE_KINDS, DueKind.BOARD_FOLLOWUP.value)
KIND_LABELS = dict(DueKind.choices)
# Column headings: short, so that a dozen fit; the full kind is the heading's title.
SHORT = {
    "postop_mri": "Post-op MRI",
    "srs_planning_mri": "SRS planning MRI",
    "srs_planning_ct": "SRS planning CT",
    "followup_mri": "Follow-up",
    "response_mri": "Response MRI",
    "confirmation_mri": "Confirmation MRI",
    "board_followup": "Board follow-up",
}
ALWAYS_NUMBERED = frozenset({"followup_mri"})
# What a cell says, in the legend's order.
STATE_WORDS = {
    ON_TIME: "done on time",
    LATE: "done late",
    MISSED: "missed",
    BOOKED: "booked",
    DUE: "due",
    UPCOMING: "upcoming",
    WAIVED: "waived",
    CANCELLED: "cancelled",
}
LEGEND = [(state, words) for state, words in STATE_WORDS.items()]
ITEM_FIELDS = ("pk", "patient_id", "kind", "state", "phase", "due_from", "due_by", "due_from_at", "due_by_at",
               "fulfilled_by_id", "fulfilled_by__at", "late", "booked_for", "overdue_since")
STATUSES = ("active", "all")


@dataclass(frozen=True)
class Column:
    kind: str
    number: int

    @property
    def key(self) -> tuple[int, int]:
        return (KIND_ORDER.index(self.kind) if self.kind in KIND_ORDER else len(KIND_ORDER), self.number)

    @property
    def label(self) -> str:
        short = SHORT.get(self.kind, KIND_LABELS.get(self.kind, self.kind))
        if self.kind in ALWAYS_NUMBERED or self.number > 1:
            return f"{short} {self.number}"
        return short

    @property
    def title(self) -> str:
        return f"{KIND_LABELS.get(self.kind, self.kind)} ({self.number})"


@dataclass
class Cell:
    state: str
    words: str
    title: str
    date: dt.date | None  # the scan's day when done, the booking when booked, else the deadline


@dataclass
class Row:
    patient: Patient
    cells: dict[Column, Cell] = field(default_factory=dict)
    line: list[Cell | None] = field(default_factory=list)  # the cells in the grid's column order

    def cells_for(self, columns: list[Column]) -> list[Cell | None]:
        return [self.cells.get(column) for column in columns]


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]


def grid_patients(user, *, team=None, status: str = "active") -> QuerySet[Patient]:
    """The patients the grid lists (reading 1), by name."""
    patients = patients_for(user).filter(Exists(DueItem.objects.filter(patient=OuterRef("pk"))))
    if team is not None:
        patients = patients.filter(care_team=team)
    if status != "all":
        patients = patients.filter(status=PatientStatus.ACTIVE)
    return patients.select_related("care_team").order_by(Lower("family_name"), Lower("given_name"), "pk")


def build_grid(patients, now: dt.datetime) -> Grid:
    """The grid of these patients (a page, or all for the export): one query for their items."""
    patients = list(patients)
    by_patient: dict[int, list] = defaultdict(list)
    items = (DueItem.objects.filter(patient_id__in=[p.pk for p in patients]).with_phase(now)
             .values(*ITEM_FIELDS))
    for values in items:
        by_patient[values["patient_id"]].append(_Item(values))
    rows, columns = [], set()
    for patient in patients:
        row = Row(patient)
        numbers: dict[str, int] = defaultdict(int)
        for item in sorted(by_patient[patient.pk], key=_item_order):
            numbers[item.kind] += 1
            column = Column(item.kind, numbers[item.kind])
            columns.add(column)
            row.cells[column] = cell(item, column, now)
        rows.append(row)
    ordered = sorted(columns, key=lambda c: c.key)
    for row in rows:
        row.line = row.cells_for(ordered)
    return Grid(ordered, rows)


class _Item:
    """A plain item row (``values``) with the attribute names ``phase.adherence`` reads."""

    def __init__(self, values: dict):
        self.__dict__.update(values)
        self.fulfilled_at = values["fulfilled_by__at"]


def _item_order(item) -> tuple:
    rank = KIND_ORDER.index(item.kind) if item.kind in KIND_ORDER else len(KIND_ORDER)
    return (rank, item.due_from, item.due_by, item.pk)


def _window(item) -> str:
    if item.due_from_at is not None and item.due_by_at is not None:
        return f"{fmt_datetime(item.due_from_at)} – {fmt_datetime(item.due_by_at)}"
    return f"{fmt_date(item.due_from)} – {fmt_date(item.due_by)}"


def cell(item, column: Column, now: dt.datetime) -> Cell:
    """One cell: the item's adherence at ``now`` and its dates in words."""
    state = adherence(item, now)
    words = STATE_WORDS.get(state, state)
    parts = [f"{column.label}: {words}", f"window {_window(item)}"]
    date = item.due_by
    if item.fulfilled_at is not None:
        date = local_date(item.fulfilled_at)
        parts.append(f"scan {fmt_date(date)}")
    elif state == BOOKED or (state == MISSED and item.booked_for is not None):
        date = item.booked_for if state == BOOKED else date
        parts.append(f"booked for {fmt_date(item.booked_for)}")
    return Cell(state, words, " · ".join(parts), date)


def grid_columns(patients: QuerySet[Patient]) -> list[Column]:
    """Every column the grid of ``patients`` has (reading 5): kind × 1..the most items of that kind."""
    most: dict[str, int] = defaultdict(int)
    counts = (DueItem.objects.filter(patient__in=patients.values("pk")).values("patient_id", "kind")
              .annotate(n=Count("pk")).values_list("kind", "n"))
    for kind, n in counts:
        most[kind] = max(most[kind], n)
    return sorted((Column(kind, number) for kind, n in most.items() for number in range(1, n + 1)),
                  key=lambda c: c.key)


def export_plan(patients: QuerySet[Patient]) -> tuple[list[tuple[int, object]], list[Column]]:
    """(pk, public_id) of every patient the export has, in order, and its columns (reading 5)."""
    return list(patients.values_list("pk", "public_id")), grid_columns(patients)


def export_rows(ids: list[int], columns: list[Column], now: dt.datetime) -> Iterator[Row]:
    """Each patient's row in the export's columns, ``EXPORT_CHUNK`` patients at a time (reading 5)."""
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start:start + EXPORT_CHUNK]
        order = {pk: index for index, pk in enumerate(chunk)}
        batch = sorted(Patient.objects.filter(pk__in=chunk).select_related("care_team"), key=lambda p: order[p.pk])
        for row in build_grid(batch, now).rows:
            row.line = row.cells_for(columns)
            yield row
