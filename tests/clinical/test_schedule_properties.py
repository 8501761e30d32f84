"""Properties of bmtrack.clinical.schedule over generated histories (hypothesis, no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bmtrack.clinical.schedule import (
    DUE_KINDS,
    MODALITIES,
    PATIENT_STATUSES,
    RESPONSE_CATEGORIES,
    TREATMENT_KINDS,
    TREATMENT_STATUSES,
    WATCH_KINDS,
    ResponseIn,
    ScanIn,
    TreatmentIn,
    compute_schedule,
    next_transition,
)

UTC = dt.UTC
ORIGIN = dt.datetime(2026, 1, 1, tzinfo=UTC)
ZONES = ["Europe/Amsterdam", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
MINUTES = 24 * 60

instants = st.integers(min_value=-60 * MINUTES, max_value=150 * MINUTES).map(
    lambda minutes: ORIGIN + dt.timedelta(minutes=minutes)
)


@st.composite
def moments(draw):
    """A treatment start: a date, or an aware date-time in a random offset."""
    instant = draw(instants)
    if draw(st.booleans()):
        return instant.date()
    offset = dt.timezone(dt.timedelta(minutes=draw(st.sampled_from([-300, 0, 60, 120, 330]))))
    return instant.astimezone(offset)


@st.composite
def treatments(draw):
    count = draw(st.integers(min_value=0, max_value=5))
    result = []
    for index in range(count):
        start = draw(moments())
        end = None
        if draw(st.booleans()):
            end = start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=30)))
        result.append(
            TreatmentIn(
                id=f"T{index}",
                kind=draw(st.sampled_from(TREATMENT_KINDS)),
                status=draw(st.sampled_from(TREATMENT_STATUSES)),
                start=start,
                end=end,
            )
        )
    return result


@st.composite
def scan(draw, scan_id, at=None):
    modality = draw(st.sampled_from(MODALITIES))
    sequences = ()
    if modality == "mri":
        sequences = ("t1_post_3d",) if draw(st.booleans()) else ("t2",)
    return ScanIn(id=scan_id, modality=modality, at=at if at is not None else draw(instants), sequences=sequences)


@st.composite
def histories(draw):
    scan_count = draw(st.integers(min_value=0, max_value=8))
    scans = [draw(scan(f"S{index}")) for index in range(scan_count)]
    response_scans = draw(st.lists(st.sampled_from([s.id for s in scans] or ["S0"]), unique=True, max_size=3))
    responses = [
        ResponseIn(scan_id, draw(st.sampled_from(RESPONSE_CATEGORIES + ("unconfirmed PD",) * 4)), draw(instants).date())
        for scan_id in response_scans
    ]
    return {
        "now": draw(instants) + dt.timedelta(days=draw(st.sampled_from([0, 30, 60, 90]))),
        "patient_status": draw(st.sampled_from(("active",) * 6 + PATIENT_STATUSES)),
        "treatments": draw(treatments()),
        "scans": scans,
        "responses": responses,
        "tz": ZoneInfo(draw(st.sampled_from(ZONES))),
    }


def expected_open_state(item, now, tz):
    point = now if isinstance(item.due_from, dt.datetime) else now.astimezone(tz).date()
    if point < item.due_from:
        return "upcoming"
    if point <= item.due_by:
        return "due"
    return "overdue"


@settings(max_examples=300, deadline=None)
@given(history=histories(), data=st.data())
def test_adding_a_later_scan_never_reopens_a_done_item(history, data):
    now = history["now"]
    known = [s for s in history["scans"] if s.at <= now]
    earliest = max([s.at for s in known], default=now - dt.timedelta(days=200))
    seconds = int((now - earliest).total_seconds())
    new_at = earliest + dt.timedelta(seconds=data.draw(st.integers(min_value=0, max_value=seconds)))
    extra = data.draw(scan("NEW", at=new_at))
    before = compute_schedule(**{**history, "scans": known})
    after = compute_schedule(**{**history, "scans": known + [extra]})
    after_by_key = {item.natural_key: item for item in after.due_items}
    for item in before.due_items:
        if item.state == "done":
            assert after_by_key[item.natural_key].state == "done"


@settings(max_examples=300, deadline=None)
@given(history=histories())
def test_item_states_are_always_consistent_with_now_and_the_window(history):
    now, tz = history["now"], history["tz"]
    result = compute_schedule(**history)
    scans = {s.id: s for s in history["scans"]}
    active = history["patient_status"] == "active"
    open_followups = 0
    for item in result.due_items:
        assert item.due_from <= item.due_by
        if item.state == "done":
            scan_ = scans[item.fulfilled_by]
            assert scan_.at <= now
            if isinstance(item.due_by, dt.datetime):
                assert item.late == (scan_.at > item.due_by)
            else:
                assert item.late == (scan_.at.astimezone(tz).date() > item.due_by)
            continue
        assert item.fulfilled_by is None and item.late is False
        if item.kind == "followup_mri":
            open_followups += 1
        if not active:
            assert item.state == "cancelled"
        elif item.state == "cancelled":
            assert item.kind in ("srs_planning_mri", "srs_planning_ct")
        else:
            assert item.state == expected_open_state(item, now, tz)
    assert open_followups <= 1


@settings(max_examples=300, deadline=None)
@given(history=histories())
def test_output_is_sorted(history):
    tz = history["tz"]
    result = compute_schedule(**history)

    def due_by_day(item):
        if isinstance(item.due_by, dt.datetime):
            return item.due_by.astimezone(tz).date()
        return item.due_by

    keys = [(due_by_day(i), DUE_KINDS.index(i.kind)) for i in result.due_items]
    assert keys == sorted(keys)
    window_keys = [(w.from_date, WATCH_KINDS.index(w.kind)) for w in result.watch_windows]
    assert window_keys == sorted(window_keys)
    assert [i.to_dict() for i in result.due_items] == result.to_dict()["due_items"]


@settings(max_examples=150, deadline=None)
@given(history=histories())
def test_state_changes_exactly_at_the_next_transition(history):
    now, tz = history["now"], history["tz"]
    today = now.astimezone(tz).date()
    frozen = {
        **history,
        "scans": [s for s in history["scans"] if s.at <= now],
        "responses": [r for r in history["responses"] if r.date <= today],
    }
    result = compute_schedule(**frozen)
    for item in result.due_items:
        moment = next_transition(item, tz)
        if moment is None:
            assert item.state in ("done", "cancelled", "overdue")
            continue
        assert moment > now
        just_before = {
            i.natural_key: i.state
            for i in compute_schedule(**{**frozen, "now": moment - dt.timedelta(microseconds=1)}).due_items
        }
        at_moment = {i.natural_key: i.state for i in compute_schedule(**{**frozen, "now": moment}).due_items}
        assert just_before[item.natural_key] == item.state
        assert at_moment[item.natural_key] == {"upcoming": "due", "due": "overdue"}[item.state]
