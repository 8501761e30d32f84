"""What became of an expected scan (``phase.adherence_at``): the adherence grid's and the dashboard's one
mapping from an item's phase and stored facts. Table-driven, no database."""

import datetime as dt
from types import SimpleNamespace

import pytest

from bmtrack.surveillance.phase import adherence, adherence_at

CASES = [
    # phase, late, fulfilled, booked, was_overdue -> outcome
    ("done", False, True, False, False, "on_time"),
    ("done", True, True, False, False, "late"),
    ("done", False, False, False, False, "missed"),  # closed without a scan
    ("overdue", False, False, False, True, "missed"),
    ("overdue", False, False, True, True, "missed"),  # a booking does not undo a missed window
    ("due", False, False, True, False, "booked"),
    ("upcoming", False, False, True, False, "booked"),
    ("due", False, False, False, False, "due"),
    ("upcoming", False, False, False, False, "upcoming"),
    ("waived", False, False, False, False, "waived"),
    ("waived", False, False, False, True, "waived"),
    ("cancelled", False, False, False, False, "cancelled"),  # no longer expected before its deadline
    ("cancelled", False, False, False, True, "missed"),  # cancelled once it was already overdue
]


@pytest.mark.parametrize(("phase", "late", "fulfilled", "booked", "was_overdue", "expected"), CASES)
def test_each_phase_and_fact_gives_one_outcome(phase, late, fulfilled, booked, was_overdue, expected):
    assert adherence_at(phase, late=late, fulfilled=fulfilled, booked=booked, was_overdue=was_overdue) == expected


def test_a_stored_row_is_read_at_now_not_as_stored():
    """An item stored "due" whose window ended yesterday is missed today (``phase``), not due."""
    now = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)
    row = SimpleNamespace(state="due", due_from=dt.date(2026, 11, 20), due_by=dt.date(2026, 12, 4),
                          due_from_at=None, due_by_at=None, late=False, fulfilled_by_id=None, booked_for=None,
                          overdue_since=None)
    assert adherence(row, now) == "missed"
    row.due_by = dt.date(2026, 12, 5)
    assert adherence(row, now) == "due"
