"""One phase for a stored item at a moment (``surveillance.phase``): Python and SQL agree, and every
reader (worklist, dashboard, digest, feed, sweep) sees the same phase before any sweep has run."""

from __future__ import annotations

import datetime as dt

import pytest

from bmtrack.patients import services
from bmtrack.surveillance.models import DueItem
from bmtrack.surveillance.phase import OPEN_STATES, phase
from tests.conftest import at

pytestmark = pytest.mark.django_db

MOMENTS = [
    at(2026, 1, 9, 11),  # just recorded
    at(2026, 1, 10, 9),
    at(2026, 1, 12, 13, 59),  # the post-operative limit, 72 h after 10:00 + 4 min early
    at(2026, 1, 12, 14, 1),  # two minutes past it
    at(2026, 3, 9, 0, 0),  # the follow-up window opens (local midnight)
    at(2026, 3, 8, 23, 59),
    at(2026, 4, 9, 23, 59),  # last minute of the follow-up window
    at(2026, 4, 10, 0, 0),  # first minute after it
    dt.datetime(2026, 4, 9, 22, 30, tzinfo=dt.UTC),  # 00:30 on 10 April in Amsterdam
]


@pytest.fixture
def items(patient):
    services.record_treatment(patient, kind="surgery", status="given", start=at(2026, 1, 9, 8),
                              end=at(2026, 1, 9, 10, 3), now=at(2026, 1, 9, 11))
    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    return list(DueItem.objects.filter(patient=patient))


@pytest.mark.parametrize("now", MOMENTS)
def test_the_sql_phase_is_the_python_phase_at_every_moment(items, now):
    assert {i.kind for i in items} >= {"postop_mri", "followup_mri"}
    python = {item.pk: phase(item, now) for item in items}
    sql = dict(DueItem.objects.filter(pk__in=python).with_phase(now).values_list("pk", "phase"))
    assert sql == python
    for name in (*OPEN_STATES, "done"):
        chosen = set(DueItem.objects.filter(pk__in=python).in_phase(now, name).values_list("pk", flat=True))
        assert chosen == {pk for pk, value in python.items() if value == name}, name


def test_a_closed_item_keeps_its_state_whatever_the_clock(items, patient):
    services.record_scan(patient, at=at(2026, 1, 10, 9), modality="mri", now=at(2026, 1, 10, 10))
    done = DueItem.objects.get(patient=patient, kind="postop_mri")
    assert done.state == "done"
    for now in MOMENTS[2:]:
        assert phase(done, now) == "done"
        assert DueItem.objects.with_phase(now).get(pk=done.pk).phase == "done"


def test_before_any_sweep_every_reader_sees_the_item_overdue(patient, alice, bob):
    """The stored state says "upcoming" (nothing has swept since the treatment was recorded); at
    ``now`` the window has passed. Worklist, dashboard, digest and feed all call it overdue (the old
    digest and feed read the stored state and left it out or called it upcoming)."""
    from bmtrack.surveillance.digests import digest_items, digest_needs
    from bmtrack.surveillance.feeds import build_feed, feed_items, regenerate_token
    from bmtrack.web.queries.dashboard import build_dashboard
    from bmtrack.web.queries.scope import Filters
    from bmtrack.web.queries.worklist import build_worklist

    services.record_treatment(patient, kind="wbrt", status="given", start=at(2026, 1, 5, 9), end=at(2026, 1, 9, 10),
                              now=at(2026, 1, 9, 11))
    item = DueItem.objects.get(patient=patient, kind="followup_mri")
    assert item.state == "upcoming"  # stored when recorded; no sweep since
    now = at(2026, 4, 12, 9)

    assert list(digest_items(alice, now)) == [item]
    assert [n.phase for n in digest_needs(alice, now)] == ["overdue"]
    assert [r.item.pk for r in build_worklist(alice, Filters(), now).overdue] == [item.pk]
    assert build_dashboard(alice, now).overdue_total == 1
    regenerate_token(alice)
    assert b"Follow-up MRI (overdue)" in build_feed(feed_items(alice, now), now=now)
