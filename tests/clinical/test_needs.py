"""bmtrack.clinical.needs and the item-state helpers of clinical.schedule, against record.md
("Due items") and schedule.md (Conventions). No database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bmtrack.clinical.needs import ItemIn, due_this_week, group_needs, need_label, section
from bmtrack.clinical.schedule import late_by, phase_at

AMS = ZoneInfo("Europe/Amsterdam")
D = dt.date.fromisoformat


def item(key, kind, due_from, due_by, phase="due", fulfilled_by=None, late=False):
    return ItemIn(key, kind, D(due_from), D(due_by), phase, fulfilled_by, late)


@pytest.mark.parametrize(("items", "expected"), [
    # The same window: one need, both reasons.
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01"), item(2, "response_mri", "2026-03-01", "2026-04-01")],
     [((1, 2), "MRI: follow-up and response evaluation", "2026-03-01", "2026-04-01")]),
    # Overlapping windows: the shared window is the need's.
    ([item(2, "response_mri", "2026-03-10", "2026-04-10"), item(1, "followup_mri", "2026-03-01", "2026-04-01")],
     [((1, 2), "MRI: follow-up and response evaluation", "2026-03-10", "2026-04-01")]),
    # Windows touching on one day still share it.
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01"), item(2, "response_mri", "2026-04-01", "2026-05-01")],
     [((1, 2), "MRI: follow-up and response evaluation", "2026-04-01", "2026-04-01")]),
    # Disjoint windows: two needs.
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01"), item(2, "response_mri", "2026-04-02", "2026-05-02")],
     [((1,), None, "2026-03-01", "2026-04-01"), ((2,), None, "2026-04-02", "2026-05-02")]),
    # Three kinds that one MRI answers.
    ([item(3, "confirmation_mri", "2026-03-15", "2026-04-15"), item(1, "followup_mri", "2026-03-01", "2026-04-01"),
      item(2, "response_mri", "2026-03-05", "2026-04-05")],
     [((1, 2, 3), "MRI: follow-up, response evaluation and iRANO confirmation", "2026-03-15", "2026-04-01")]),
    # A chain where the first and last share no day: the last starts a need of its own.
    ([item(1, "followup_mri", "2026-03-01", "2026-03-20"), item(2, "response_mri", "2026-03-15", "2026-04-15"),
      item(3, "confirmation_mri", "2026-03-25", "2026-04-25")],
     [((1, 2), "MRI: follow-up and response evaluation", "2026-03-15", "2026-03-20"),
      ((3,), None, "2026-03-25", "2026-04-25")]),
    # Reading a: a post-operative MRI, planning scans and a board follow-up never merge.
    ([item(1, "postop_mri", "2026-03-01", "2026-03-04"), item(2, "followup_mri", "2026-03-01", "2026-04-01"),
      item(3, "srs_planning_mri", "2026-03-01", "2026-03-15"), item(4, "board_followup", "2026-03-01", "2026-04-01")],
     [((1,), None, "2026-03-01", "2026-03-04"), ((3,), None, "2026-03-01", "2026-03-15"),
      ((2,), None, "2026-03-01", "2026-04-01"), ((4,), None, "2026-03-01", "2026-04-01")]),
    # Reading d: an open item never merges with a done one.
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01", "done", "S9"),
      item(2, "response_mri", "2026-03-01", "2026-04-01")],
     [((1,), None, "2026-03-01", "2026-04-01"), ((2,), None, "2026-03-01", "2026-04-01")]),
    # Reading c: done items merge when one scan fulfilled them, not when two did.
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01", "done", "S9"),
      item(2, "response_mri", "2026-03-01", "2026-04-01", "done", "S9")],
     [((1, 2), "MRI: follow-up and response evaluation", "2026-03-01", "2026-04-01")]),
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01", "done", "S8"),
      item(2, "response_mri", "2026-03-01", "2026-04-01", "done", "S9")],
     [((1,), None, "2026-03-01", "2026-04-01"), ((2,), None, "2026-03-01", "2026-04-01")]),
    # Waived and cancelled items stand alone.
    ([item(1, "followup_mri", "2026-03-01", "2026-04-01", "waived"),
      item(2, "response_mri", "2026-03-01", "2026-04-01", "cancelled")],
     [((1,), None, "2026-03-01", "2026-04-01"), ((2,), None, "2026-03-01", "2026-04-01")]),
])
def test_items_one_mri_answers_together_are_one_need(items, expected):
    needs = group_needs(items)
    assert [(n.keys, n.label, n.due_from.isoformat(), n.due_by.isoformat()) for n in needs] == expected


@pytest.mark.parametrize(("phases", "expected"), [
    (("overdue", "due"), "overdue"),
    (("upcoming", "due"), "due"),
    (("upcoming", "upcoming"), "upcoming"),
    (("due", "overdue"), "overdue"),
])
def test_a_need_is_as_urgent_as_its_most_urgent_item(phases, expected):
    items = [item(1, "followup_mri", "2026-03-01", "2026-04-01", phases[0]),
             item(2, "response_mri", "2026-03-15", "2026-04-15", phases[1])]
    (need,) = group_needs(items)
    assert need.phase == expected


def test_a_need_done_by_one_scan_is_late_when_any_item_was():
    (need,) = group_needs([item(1, "followup_mri", "2026-03-01", "2026-04-01", "done", "S1", late=True),
                           item(2, "response_mri", "2026-03-10", "2026-04-10", "done", "S1", late=False)])
    assert need.late and need.phase == "done"


@pytest.mark.parametrize(("kinds", "label"), [
    (("response_mri", "followup_mri"), "MRI: follow-up and response evaluation"),
    (("confirmation_mri", "followup_mri"), "MRI: follow-up and iRANO confirmation"),
    (("followup_mri",), "MRI: follow-up"),
])
def test_the_label_names_every_reason_in_the_order_of_schedule_md(kinds, label):
    assert need_label(kinds) == label


TODAY = D("2026-03-12")


@pytest.mark.parametrize(("due_by", "expected"), [
    ("2026-03-11", False),  # passed: overdue, not "this week"
    ("2026-03-12", True),
    ("2026-03-19", True),  # 7 days ahead
    ("2026-03-20", False),  # 8 days ahead
    ("2026-04-02", False),  # three weeks ahead
])
def test_due_this_week_means_a_deadline_within_seven_days(due_by, expected):
    assert due_this_week(D(due_by), TODAY) is expected


@pytest.mark.parametrize(("phase", "due_by", "expected"), [
    ("overdue", "2026-03-11", "overdue"),
    ("due", "2026-03-15", "this_week"),
    ("due", "2026-04-02", "due"),  # an open window, deadline three weeks ahead: "due", not "this week"
    ("upcoming", "2026-03-18", "this_week"),  # a short window opening later this week
    ("upcoming", "2026-04-20", "upcoming"),
    ("done", "2026-03-15", "closed"),
    ("waived", "2026-03-15", "closed"),
])
def test_each_need_falls_in_one_section(phase, due_by, expected):
    assert section(phase, D(due_by), TODAY) == expected


NOW = dt.datetime(2026, 3, 12, 9, 0, tzinfo=AMS)
POSTOP_FROM = dt.datetime(2026, 3, 9, 10, 0, tzinfo=AMS)
POSTOP_BY = POSTOP_FROM + dt.timedelta(hours=72)


@pytest.mark.parametrize(("state", "due_from", "due_by", "now", "expected"), [
    # Closed states stand, whatever the clock.
    ("done", D("2026-01-01"), D("2026-02-01"), NOW, "done"),
    ("waived", D("2026-01-01"), D("2026-02-01"), NOW, "waived"),
    ("cancelled", D("2026-04-01"), D("2026-05-01"), NOW, "cancelled"),
    # An open state is what the window gives now, whatever was stored.
    ("upcoming", D("2026-03-01"), D("2026-03-11"), NOW, "overdue"),
    ("due", D("2026-03-01"), D("2026-03-12"), NOW, "due"),  # due_by is inclusive
    ("overdue", D("2026-03-13"), D("2026-04-12"), NOW, "upcoming"),
    ("due", D("2026-03-12"), D("2026-04-12"), NOW, "due"),  # due_from is inclusive
    # Site-local calendar day: 23:30 UTC on 11 March is already 12 March in Amsterdam.
    ("due", D("2026-03-01"), D("2026-03-11"), dt.datetime(2026, 3, 11, 23, 30, tzinfo=dt.UTC), "overdue"),
    # Instants for the post-operative MRI.
    ("due", POSTOP_FROM, POSTOP_BY, POSTOP_BY, "due"),
    ("due", POSTOP_FROM, POSTOP_BY, POSTOP_BY + dt.timedelta(microseconds=1), "overdue"),
    ("overdue", POSTOP_FROM, POSTOP_BY, POSTOP_FROM - dt.timedelta(minutes=1), "upcoming"),
])
def test_the_phase_of_a_stored_item_follows_the_precedence_of_schedule_md(state, due_from, due_by, now, expected):
    assert phase_at(now, state, due_from, due_by, AMS) == expected


@pytest.mark.parametrize(("due_by", "scan_at", "expected"), [
    # Post-operative MRI 92 h after surgery: 20 h past the 72 h limit.
    (POSTOP_BY, POSTOP_FROM + dt.timedelta(hours=92), dt.timedelta(hours=20)),
    (POSTOP_BY, POSTOP_BY, None),  # at the limit exactly: in time
    (POSTOP_BY, POSTOP_FROM + dt.timedelta(hours=30), None),
    # Date windows: a scan on the deadline day is in time; the next day is late from midnight.
    (D("2026-03-12"), dt.datetime(2026, 3, 12, 23, 0, tzinfo=AMS), None),
    (D("2026-03-12"), dt.datetime(2026, 3, 13, 9, 0, tzinfo=AMS), dt.timedelta(hours=9)),
    (D("2026-03-12"), dt.datetime(2026, 3, 15, 0, 0, tzinfo=AMS), dt.timedelta(days=2)),
])
def test_late_by_is_the_delay_past_the_limit(due_by, scan_at, expected):
    assert late_by(due_by, scan_at, AMS) == expected
