"""bmtrack.clinical.schedule against shared/clinical/schedule.md (no database)."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest

from bmtrack.clinical import cli
from bmtrack.clinical.dates import add_months
from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.schedule import (
    DUE_KINDS,
    SOURCES,
    DueItemOut,
    ResponseIn,
    ScanIn,
    TreatmentIn,
    compute_schedule,
    next_transition,
    run,
)

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
NOW = "2026-03-12T09:00:00+01:00"


def treatment(id, kind, status, start, end=None):
    return {"id": id, "kind": kind, "status": status, "start": start, "end": end}


def mri(id, at, sequences=("t1_pre_3d", "t1_post_3d", "t2")):
    return {"id": id, "modality": "mri", "at": at, "purpose": "surveillance", "sequences": list(sequences)}


def ct(id, at):
    return {"id": id, "modality": "ct", "at": at, "purpose": "srs_planning", "sequences": []}


def pet(id, at):
    return {"id": id, "modality": "pet", "tracer": "fet", "at": at, "purpose": "problem_solving"}


def schedule(treatments=(), scans=(), now=NOW, status="active", responses=None, time_zone=None):
    payload = {
        "now": now,
        "patient": {"status": status},
        "treatments": list(treatments),
        "scans": list(scans),
    }
    if responses is not None:
        payload["responses"] = list(responses)
    if time_zone is not None:
        payload["time_zone"] = time_zone
    return run(payload)


def items(result, kind):
    return [item for item in result["due_items"] if item["kind"] == kind]


def only(result, kind):
    found = items(result, kind)
    assert len(found) == 1, found
    return found[0]


def at(day: str, time: str = "10:00:00", offset: str = "+01:00") -> str:
    return f"{day}T{time}{offset}"


# --------------------------------------------------------------------------- postop_mri

SURGERY_END = "2026-03-01T10:00:00+01:00"
SURGERY = treatment("T1", "surgery", "given", "2026-03-01T08:00:00+01:00", SURGERY_END)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        ("2026-03-01T09:59:59+01:00", "upcoming"),
        ("2026-03-01T10:00:00+01:00", "due"),
        ("2026-03-04T10:00:00+01:00", "due"),
        ("2026-03-04T10:00:01+01:00", "overdue"),
    ],
    ids=["one second before surgery end", "at surgery end", "at exactly 72 h", "at 72 h + 1 s"],
)
def test_it_flags_postop_mri_due_until_72_hours_and_overdue_after(now, state):
    item = only(schedule([SURGERY], now=now), "postop_mri")
    assert item["state"] == state
    assert item["due_from"] == "2026-03-01T10:00:00+01:00"
    assert item["due_by"] == "2026-03-04T10:00:00+01:00"


@pytest.mark.parametrize(
    ("scan_at", "done", "late"),
    [
        ("2026-03-01T10:00:00+01:00", False, False),
        ("2026-03-01T10:00:01+01:00", True, False),
        ("2026-03-04T10:00:00+01:00", True, False),
        ("2026-03-04T10:00:01+01:00", True, True),
    ],
    ids=["same instant as surgery end", "one second after", "at 72 h", "one second after 72 h"],
)
def test_it_fulfils_postop_mri_only_with_an_mri_strictly_after_surgery_end(scan_at, done, late):
    item = only(schedule([SURGERY], [mri("S1", scan_at)], now="2026-03-10T12:00:00+01:00"), "postop_mri")
    assert (item["state"] == "done") is done
    assert item["fulfilled_by"] == ("S1" if done else None)
    assert item["late"] is late


def test_it_notes_the_preferred_48_hours_while_postop_mri_is_open():
    item = only(schedule([SURGERY], now="2026-03-02T10:00:00+01:00"), "postop_mri")
    assert item["notes"] == ["48 h preferred: by 2026-03-03T10:00:00+01:00"]


@pytest.mark.parametrize(
    ("scan_at", "notes"),
    [
        ("2026-03-03T10:00:00+01:00", []),
        ("2026-03-03T10:00:01+01:00", ["later than the preferred 48 h"]),
        ("2026-03-05T10:00:00+01:00", []),
    ],
    ids=["at 48 h", "just after 48 h", "late"],
)
def test_it_notes_a_postop_mri_later_than_the_preferred_48_hours(scan_at, notes):
    item = only(schedule([SURGERY], [mri("S1", scan_at)], now="2026-03-10T12:00:00+01:00"), "postop_mri")
    assert item["state"] == "done"
    assert item["notes"] == notes


def test_it_renders_postop_windows_in_the_input_time_zone_with_offset():
    surgery = treatment("T1", "surgery", "given", "2026-03-01T07:00:00Z", "2026-03-01T09:00:00Z")
    amsterdam = only(schedule([surgery]), "postop_mri")
    new_york = only(schedule([surgery], time_zone="America/New_York"), "postop_mri")
    assert (amsterdam["due_from"], amsterdam["due_by"]) == ("2026-03-01T10:00:00+01:00", "2026-03-04T10:00:00+01:00")
    assert (new_york["due_from"], new_york["due_by"]) == ("2026-03-01T04:00:00-05:00", "2026-03-04T04:00:00-05:00")


def test_it_counts_72_hours_as_elapsed_time_across_a_dst_change():
    surgery = treatment("T1", "surgery", "given", "2026-03-27T10:00:00+01:00", "2026-03-27T12:00:00+01:00")
    item = only(schedule([surgery], now="2026-03-28T09:00:00+01:00"), "postop_mri")
    assert item["due_by"] == "2026-03-30T13:00:00+02:00"


def test_it_uses_surgery_start_when_there_is_no_end():
    surgery = treatment("T1", "surgery", "given", "2026-03-01T08:00:00+01:00")
    item = only(schedule([surgery]), "postop_mri")
    assert item["due_from"] == "2026-03-01T08:00:00+01:00"


@pytest.mark.parametrize(
    ("scan_at", "fulfilled_by"),
    [("2026-03-01T18:00:00+01:00", None), ("2026-03-02T00:30:00+01:00", "S1")],
    ids=["same day as a date-only surgery end", "the next day"],
)
def test_it_reads_a_date_only_surgery_end_as_the_start_of_that_day_and_needs_a_later_date(scan_at, fulfilled_by):
    surgery = treatment("T1", "surgery", "given", "2026-03-01")
    item = only(schedule([surgery], [mri("S1", scan_at)], now="2026-03-02T12:00:00+01:00"), "postop_mri")
    assert item["due_from"] == "2026-03-01T00:00:00+01:00"
    assert item["due_by"] == "2026-03-04T00:00:00+01:00"
    assert item["fulfilled_by"] == fulfilled_by
    assert any("has no time of day" in note for note in item["notes"])


@pytest.mark.parametrize("status", ["planned", "stopped", "cancelled"])
def test_it_creates_no_postop_mri_for_a_surgery_that_was_not_given(status):
    surgery = treatment("T1", "surgery", status, "2026-03-01T08:00:00+01:00", SURGERY_END)
    assert items(schedule([surgery]), "postop_mri") == []


@pytest.mark.parametrize("scan", [ct("S1", "2026-03-02T10:00:00+01:00"), pet("S1", "2026-03-02T10:00:00+01:00")])
def test_it_does_not_let_a_ct_or_pet_fulfil_the_postop_mri(scan):
    item = only(schedule([SURGERY], [scan], now="2026-03-02T12:00:00+01:00"), "postop_mri")
    assert item["state"] == "due"


# --------------------------------------------------------------------------- SRS planning

SRS_START = "2026-03-20"
PLANNED_SRS = treatment("T2", "srs", "planned", SRS_START)


def days_before_start(days: int, time: str = "10:00:00") -> str:
    day = dt.date.fromisoformat(SRS_START) - dt.timedelta(days=days)
    return at(day.isoformat(), time)


@pytest.mark.parametrize(
    ("days", "fulfilled", "notes"),
    [
        (-1, False, None),
        (0, True, []),
        (7, True, []),
        (8, True, ["older than the preferred 7 days"]),
        (14, True, ["older than the preferred 7 days"]),
        (15, False, None),
    ],
    ids=[
        "the day after the start",
        "the day of the start",
        "7 days before",
        "8 days before",
        "14 days before",
        "15 days before",
    ],
)
def test_it_fulfils_srs_planning_mri_only_within_14_days_before_the_start(days, fulfilled, notes):
    result = schedule([PLANNED_SRS], [mri("S1", days_before_start(days))], now="2026-03-22T09:00:00+01:00")
    item = only(result, "srs_planning_mri")
    assert item["due_from"] == "2026-03-06"
    assert item["due_by"] == "2026-03-20"
    if fulfilled:
        assert (item["state"], item["fulfilled_by"], item["late"], item["notes"]) == ("done", "S1", False, notes)
    else:
        assert (item["state"], item["fulfilled_by"]) == ("overdue", None)


def test_it_does_not_count_a_planning_mri_without_a_post_contrast_3d_t1():
    scan = mri("S1", days_before_start(3), sequences=("t1_pre_3d", "t2"))
    item = only(schedule([PLANNED_SRS], [scan], now="2026-03-18T09:00:00+01:00"), "srs_planning_mri")
    assert item["state"] == "due"
    assert item["notes"][0] == "MRI S1 on 2026-03-17 has no t1_post_3d, so it does not count"
    assert item["notes"][-1] == "7 days preferred: on or after 2026-03-13"


def test_it_takes_the_latest_planning_mri_in_the_window():
    scans = [mri("S1", days_before_start(12)), mri("S2", days_before_start(2))]
    item = only(schedule([PLANNED_SRS], scans, now="2026-03-19T09:00:00+01:00"), "srs_planning_mri")
    assert (item["fulfilled_by"], item["notes"]) == ("S2", [])


@pytest.mark.parametrize(
    ("now", "state"),
    [
        ("2026-03-05T23:59:59+01:00", "upcoming"),
        ("2026-03-06T00:00:00+01:00", "due"),
        ("2026-03-20T23:59:59+01:00", "due"),
        ("2026-03-21T00:00:00+01:00", "overdue"),
    ],
    ids=["before the window", "first day of the window", "last second of the SRS day", "the day after the SRS"],
)
def test_it_keeps_planning_items_of_a_planned_srs_open_until_the_start_date(now, state):
    result = schedule([PLANNED_SRS], now=now)
    assert only(result, "srs_planning_mri")["state"] == state
    assert only(result, "srs_planning_ct")["state"] == state


@pytest.mark.parametrize("kind", ["srs", "fsrs"])
def test_it_creates_both_planning_items_for_a_planned_srs_or_fsrs(kind):
    result = schedule([treatment("T2", kind, "planned", SRS_START)])
    assert [(i["kind"], i["trigger"]) for i in result["due_items"]] == [
        ("srs_planning_mri", "T2"),
        ("srs_planning_ct", "T2"),
    ]


def test_it_creates_nothing_for_other_planned_treatments():
    planned = [
        treatment(f"T{i}", kind, "planned", "2026-03-20")
        for i, kind in enumerate(["surgery", "wbrt", "litt", "tt", "ici", "chemo", "other"])
    ]
    assert schedule(planned) == {"due_items": [], "watch_windows": []}


@pytest.mark.parametrize("status", ["cancelled", "stopped"])
def test_it_creates_no_planning_items_for_a_cancelled_or_stopped_srs(status):
    assert schedule([treatment("T2", "srs", status, SRS_START)])["due_items"] == []


def test_it_cancels_unfulfilled_planning_items_once_the_srs_is_given():
    given = treatment("T2", "srs", "given", SRS_START)
    result = schedule([given], [mri("S1", days_before_start(2))], now="2026-03-21T09:00:00+01:00")
    planning_mri = only(result, "srs_planning_mri")
    planning_ct = only(result, "srs_planning_ct")
    assert (planning_mri["state"], planning_mri["fulfilled_by"]) == ("done", "S1")
    assert planning_ct["state"] == "cancelled"
    assert planning_ct["notes"][-1] == "SRS given without a planning CT in the window"


def test_it_cancels_a_given_srs_planning_item_even_before_the_srs_date_passes():
    given = treatment("T2", "srs", "given", SRS_START)
    result = schedule([given], now="2026-03-10T09:00:00+01:00")
    assert {i["state"] for i in items(result, "srs_planning_mri") + items(result, "srs_planning_ct")} == {"cancelled"}


@pytest.mark.parametrize(
    ("days", "fulfilled"),
    [(0, True), (10, True), (14, True), (15, False)],
    ids=["same day", "10 days before", "14 days before", "15 days before"],
)
def test_it_fulfils_the_planning_ct_with_a_ct_in_the_same_window(days, fulfilled):
    result = schedule([PLANNED_SRS], [ct("C1", days_before_start(days))], now="2026-03-20T18:00:00+01:00")
    item = only(result, "srs_planning_ct")
    assert item["fulfilled_by"] == ("C1" if fulfilled else None)
    assert item["notes"] == ["1-mm slices, post-contrast preferred"]


def test_it_does_not_let_an_mri_fulfil_the_planning_ct_nor_a_ct_the_planning_mri():
    result = schedule(
        [PLANNED_SRS],
        [mri("S1", days_before_start(2)), ct("C1", days_before_start(2))],
        now="2026-03-19T09:00:00+01:00",
    )
    assert only(result, "srs_planning_mri")["fulfilled_by"] == "S1"
    assert only(result, "srs_planning_ct")["fulfilled_by"] == "C1"


def test_it_takes_the_srs_start_date_in_the_site_zone():
    srs = treatment("T2", "srs", "planned", "2026-03-19T23:30:00Z")  # 2026-03-20 00:30 in Amsterdam
    assert only(schedule([srs]), "srs_planning_mri")["due_by"] == "2026-03-20"


# --------------------------------------------------------------------------- follow-up chain


def followups(result):
    return [
        (i["trigger"], i["due_from"], i["due_by"], i["state"], i["fulfilled_by"], i["late"])
        for i in items(result, "followup_mri")
    ]


def test_it_opens_a_followup_two_to_three_months_after_the_srs_end():
    srs = treatment("T1", "srs", "given", "2026-01-10", "2026-01-14")
    assert followups(schedule([srs], now="2026-03-14T09:00:00+01:00")) == [
        ("T1", "2026-03-14", "2026-04-14", "due", None, False)
    ]


def test_it_lets_an_early_scan_fulfil_the_followup_and_restart_the_interval():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    result = schedule([srs], [mri("S1", at("2026-01-31"))], now="2026-03-12T09:00:00+01:00")
    assert followups(result) == [
        ("T1", "2026-03-10", "2026-04-10", "done", "S1", False),
        ("S1", "2026-03-31", "2026-04-30", "upcoming", None, False),
    ]
    assert items(result, "followup_mri")[0]["notes"] == ["early scan: the 2–3 month interval restarts from it"]


def test_it_marks_a_followup_fulfilled_after_due_by_as_late():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    result = schedule([srs], [mri("S1", at("2026-04-11"))], now="2026-04-20T09:00:00+02:00")
    assert followups(result) == [
        ("T1", "2026-03-10", "2026-04-10", "done", "S1", True),
        ("S1", "2026-06-11", "2026-07-11", "upcoming", None, False),
    ]


def test_it_keeps_a_followup_fulfilled_on_due_by_on_time():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    result = schedule([srs], [mri("S1", at("2026-04-10", offset="+02:00"))], now="2026-04-20T09:00:00+02:00")
    assert followups(result)[0][3:] == ("done", "S1", False)


def test_it_supersedes_a_followup_by_a_later_treatment_before_any_mri():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    wbrt = treatment("T2", "wbrt", "given", "2026-01-20", "2026-01-30")
    result = schedule([srs, wbrt], [mri("S1", at("2026-04-15", offset="+02:00"))], now="2026-04-20T09:00:00+02:00")
    assert followups(result) == [
        ("T2", "2026-03-30", "2026-04-30", "done", "S1", False),
        ("S1", "2026-06-15", "2026-07-15", "upcoming", None, False),
    ]


def test_it_does_not_count_a_same_day_mri_as_after_the_treatment():
    srs = treatment("T1", "srs", "given", "2026-01-10T08:00:00+01:00", "2026-01-10T12:00:00+01:00")
    result = schedule([srs], [mri("S1", at("2026-01-10", "16:00:00"))], now="2026-03-12T09:00:00+01:00")
    assert followups(result) == [("T1", "2026-03-10", "2026-04-10", "due", None, False)]


def test_it_lets_an_mri_on_the_day_of_the_next_treatment_fulfil_the_running_followup():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    second = treatment("T2", "srs", "given", "2026-03-20")
    result = schedule([srs, second], [mri("S1", at("2026-03-20", "08:00:00"))], now="2026-04-01T09:00:00+02:00")
    assert followups(result) == [
        ("T1", "2026-03-10", "2026-04-10", "done", "S1", False),
        ("T2", "2026-05-20", "2026-06-20", "upcoming", None, False),
    ]


def test_it_ignores_mris_before_the_first_treatment_anchor():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    result = schedule([srs], [mri("S0", at("2026-01-02"))], now="2026-02-01T09:00:00+01:00")
    assert followups(result) == [("T1", "2026-03-10", "2026-04-10", "upcoming", None, False)]


def test_it_creates_no_followup_without_a_given_treatment():
    result = schedule([treatment("T1", "chemo", "given", "2026-01-10")], [mri("S1", at("2026-01-20"))])
    assert items(result, "followup_mri") == []


@pytest.mark.parametrize("scan", [ct("S1", at("2026-03-11")), pet("S1", at("2026-03-11"))])
def test_it_does_not_let_ct_or_pet_fulfil_a_followup(scan):
    srs = treatment("T1", "srs", "given", "2026-01-10")
    assert followups(schedule([srs], [scan]))[0][3:] == ("due", None, False)


@pytest.mark.parametrize(
    ("kind", "status", "anchor"),
    [
        ("surgery", "given", "2026-01-11"),
        ("wbrt", "given", "2026-01-11"),
        ("litt", "given", "2026-01-11"),
        ("fsrs", "given", "2026-01-11"),
        ("ici", "given", "2026-01-05"),
        ("tt", "stopped", "2026-01-05"),
        ("ici", "planned", None),
        ("wbrt", "stopped", None),
        ("chemo", "given", None),
        ("other", "given", None),
    ],
)
def test_it_anchors_the_chain_on_local_treatment_end_and_systemic_start(kind, status, anchor):
    result = schedule([treatment("T1", kind, status, "2026-01-05", "2026-01-11")], now="2026-01-12T09:00:00+01:00")
    found = items(result, "followup_mri")
    if anchor is None:
        assert found == []
    else:
        assert found[0]["due_from"] == add_months(dt.date.fromisoformat(anchor), 2).isoformat()


def test_it_names_the_first_of_same_day_treatments_as_the_followup_trigger():
    srs = treatment("T7", "srs", "given", "2026-01-10")
    ici = treatment("T3", "ici", "given", "2026-01-10")
    assert [i["trigger"] for i in items(schedule([srs, ici]), "followup_mri")] == ["T7"]


def test_it_counts_only_the_first_of_several_mris_on_one_day():
    srs = treatment("T1", "srs", "given", "2026-01-10")
    scans = [mri("S1", at("2026-03-11", "09:00:00")), mri("S2", at("2026-03-11", "11:00:00"))]
    result = schedule([srs], scans, now="2026-03-12T09:00:00+01:00")
    assert [(i["trigger"], i["fulfilled_by"]) for i in items(result, "followup_mri")] == [("T1", "S1"), ("S1", None)]


# --------------------------------------------------------------------------- response_mri


@pytest.mark.parametrize(
    ("scan_day", "fulfilled_by", "late"),
    [
        ("2026-03-30", None, False),
        ("2026-03-31", "S1", False),
        ("2026-04-30", "S1", False),
        ("2026-05-01", "S1", True),
    ],
    ids=["the day before due_from", "on due_from", "on due_by", "the day after due_by"],
)
def test_it_fulfils_response_mri_with_the_first_mri_on_or_after_due_from(scan_day, fulfilled_by, late):
    ici = treatment("T4", "ici", "given", "2026-01-31")
    result = schedule([ici], [mri("S1", at(scan_day, offset="+02:00"))], now="2026-05-10T09:00:00+02:00")
    item = only(result, "response_mri")
    assert (item["due_from"], item["due_by"]) == ("2026-03-31", "2026-04-30")
    assert (item["fulfilled_by"], item["late"]) == (fulfilled_by, late)
    assert item["state"] == ("done" if fulfilled_by else "overdue")


@pytest.mark.parametrize(
    ("kind", "status", "created"),
    [
        ("ici", "given", True),
        ("tt", "given", True),
        ("ici", "stopped", True),
        ("tt", "stopped", True),
        ("ici", "planned", False),
        ("ici", "cancelled", False),
        ("chemo", "given", False),
    ],
)
def test_it_creates_a_response_mri_for_each_started_ici_or_tt(kind, status, created):
    result = schedule([treatment("T4", kind, status, "2026-01-12")])
    assert len(items(result, "response_mri")) == (1 if created else 0)


def test_it_clamps_month_arithmetic_to_the_end_of_the_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    item = only(schedule([treatment("T4", "ici", "given", "2025-12-31")]), "response_mri")
    assert (item["due_from"], item["due_by"]) == ("2026-02-28", "2026-03-31")


# --------------------------------------------------------------------------- confirmation_mri


@pytest.mark.parametrize(
    ("scan_day", "fulfilled_by", "late"),
    [
        ("2026-03-31", None, False),
        ("2026-04-01", "S9", False),
        ("2026-04-15", "S9", False),
        ("2026-04-29", "S9", False),
        ("2026-04-30", "S9", True),
    ],
    ids=["15 days early", "14 days early", "on target", "14 days late", "15 days late"],
)
def test_it_schedules_confirmation_mri_three_months_after_the_suspect_scan_plus_or_minus_14_days(
    scan_day, fulfilled_by, late
):
    responses = [{"scan": "S5", "category": "unconfirmed PD", "date": "2026-01-15"}]
    scans = [mri("S5", at("2026-01-15")), mri("S9", at(scan_day, offset="+02:00"))]
    result = schedule(scans=scans, responses=responses, now="2026-05-10T09:00:00+02:00")
    item = only(result, "confirmation_mri")
    assert (item["trigger"], item["due_from"], item["due_by"]) == ("S5", "2026-04-01", "2026-04-29")
    assert (item["fulfilled_by"], item["late"]) == (fulfilled_by, late)


@pytest.mark.parametrize("category", ["baseline", "CR", "PR", "SD", "non-CR/non-PD", "PD", "NE"])
def test_it_opens_a_confirmation_mri_only_for_unconfirmed_pd(category):
    responses = [{"scan": "S5", "category": category, "date": "2026-01-15"}]
    assert items(schedule(responses=responses), "confirmation_mri") == []


def test_it_ignores_responses_dated_after_now():
    responses = [{"scan": "S5", "category": "unconfirmed PD", "date": "2026-03-13"}]
    assert items(schedule(responses=responses), "confirmation_mri") == []


def test_it_clamps_the_confirmation_target_to_the_end_of_the_month():
    responses = [{"scan": 5, "category": "unconfirmed PD", "date": "2025-11-30"}]
    item = only(schedule(responses=responses), "confirmation_mri")
    assert (item["trigger"], item["due_from"], item["due_by"]) == (5, "2026-02-14", "2026-03-14")


# --------------------------------------------------------------------------- watch windows


def test_it_opens_a_pseudoprogression_window_of_six_months_for_started_ici_and_tt():
    result = schedule(
        [
            treatment("T1", "ici", "given", "2026-01-12"),
            treatment("T2", "tt", "stopped", "2025-08-31", "2025-10-01"),
            treatment("T3", "ici", "planned", "2026-04-01"),
            treatment("T4", "chemo", "given", "2026-01-01"),
        ]
    )
    assert result["watch_windows"] == [
        {"kind": "pseudoprogression", "trigger": "T2", "from": "2025-08-31", "to": "2026-02-28"},
        {"kind": "pseudoprogression", "trigger": "T1", "from": "2026-01-12", "to": "2026-07-12"},
    ]


def test_it_opens_a_radiation_necrosis_window_of_36_months_from_the_srs_end():
    result = schedule(
        [
            treatment("T1", "srs", "given", "2026-02-01", "2026-02-03"),
            treatment("T2", "fsrs", "given", "2024-02-29"),
            treatment("T3", "srs", "planned", "2026-04-01"),
            treatment("T4", "wbrt", "given", "2026-01-01"),
        ]
    )
    assert result["watch_windows"] == [
        {"kind": "radiation_necrosis", "trigger": "T2", "from": "2024-02-29", "to": "2027-02-28"},
        {"kind": "radiation_necrosis", "trigger": "T1", "from": "2026-02-03", "to": "2029-02-03"},
    ]


def test_it_still_lists_watch_windows_for_an_inactive_patient():
    result = schedule([treatment("T1", "ici", "given", "2026-01-12")], status="deceased")
    assert [w["kind"] for w in result["watch_windows"]] == ["pseudoprogression"]


# --------------------------------------------------------------------------- states, time, order


@pytest.mark.parametrize("status", ["deceased", "discharged", "supportive_care"])
def test_it_cancels_every_item_not_done_for_an_inactive_patient(status):
    treatments = [
        SURGERY,
        treatment("T2", "srs", "planned", "2026-03-20"),
        treatment("T4", "ici", "given", "2026-01-02"),
    ]
    result = schedule(treatments, [mri("S1", "2026-03-01T18:00:00+01:00")], status=status)
    states = {(i["kind"], i["trigger"]): (i["state"], i["fulfilled_by"]) for i in result["due_items"]}
    assert states.pop(("postop_mri", "T1")) == ("done", "S1")
    assert states.pop(("followup_mri", "T4")) == ("done", "S1")  # the MRI came after the ICI start
    assert set(states.values()) == {("cancelled", None)}
    assert len(states) == 4
    assert all(i["notes"][-1].startswith("patient is ") for i in result["due_items"] if i["state"] == "cancelled")


@pytest.mark.parametrize(
    ("scan_at", "fulfilled_by"),
    [(NOW, "S1"), ("2026-03-12T09:00:01+01:00", None)],
    ids=["at now", "one second after now"],
)
def test_it_ignores_scans_after_now(scan_at, fulfilled_by):
    srs = treatment("T1", "srs", "given", "2026-01-10")
    assert items(schedule([srs], [mri("S1", scan_at)]), "followup_mri")[0]["fulfilled_by"] == fulfilled_by


@pytest.mark.parametrize(
    ("time_zone", "fulfilled_by"),
    [("Europe/Amsterdam", "S1"), ("UTC", None)],
)
def test_it_takes_calendar_dates_in_the_site_zone_so_23_30_utc_is_the_next_day_in_amsterdam(time_zone, fulfilled_by):
    srs = treatment("T2", "srs", "planned", "2026-03-16")  # window 2026-03-02 … 2026-03-16
    result = schedule([srs], [mri("S1", "2026-03-01T23:30:00Z")], now="2026-03-10T09:00:00Z", time_zone=time_zone)
    assert only(result, "srs_planning_mri")["fulfilled_by"] == fulfilled_by


@pytest.mark.parametrize(("time_zone", "state"), [("Europe/Amsterdam", "overdue"), ("UTC", "due")])
def test_it_takes_todays_date_from_now_in_the_site_zone(time_zone, state):
    ici = treatment("T4", "ici", "given", "2025-12-10")  # response window ends 2026-03-10
    result = schedule([ici], now="2026-03-10T23:30:00Z", time_zone=time_zone)
    assert only(result, "response_mri")["state"] == state


def test_it_sorts_items_by_due_by_then_kind():
    result = schedule(
        [SURGERY, treatment("T2", "srs", "planned", "2026-03-04"), treatment("T3", "ici", "given", "2025-12-04")],
        now="2026-03-02T09:00:00+01:00",
    )
    assert [(i["kind"], i["due_by"]) for i in result["due_items"]] == [
        ("postop_mri", "2026-03-04T10:00:00+01:00"),
        ("srs_planning_mri", "2026-03-04"),
        ("srs_planning_ct", "2026-03-04"),
        ("response_mri", "2026-03-04"),
        ("followup_mri", "2026-06-01"),
    ]


def test_it_echoes_integer_ids_as_given():
    result = schedule([treatment(1, "srs", "given", "2026-01-10")], [mri(2, at("2026-01-31"))])
    assert [(i["trigger"], i["fulfilled_by"]) for i in items(result, "followup_mri")] == [(1, 2), (2, None)]
    assert result["watch_windows"][0]["trigger"] == 1


def test_it_outputs_exactly_the_contract_keys():
    result = schedule([SURGERY, treatment("T4", "ici", "given", "2026-01-12")])
    assert set(result) == {"due_items", "watch_windows"}
    for item in result["due_items"]:
        assert list(item) == ["kind", "trigger", "due_from", "due_by", "state", "fulfilled_by", "late", "notes"]
    assert list(result["watch_windows"][0]) == ["kind", "trigger", "from", "to"]


# --------------------------------------------------------------------------- validation

VALID = {
    "now": NOW,
    "patient": {"status": "active"},
    "treatments": [treatment("T1", "srs", "given", "2026-01-10"), treatment("T2", "ici", "given", "2026-01-12")],
    "scans": [mri("S1", at("2026-02-01")), pet("S2", at("2026-02-02"))],
    "responses": [{"scan": "S1", "category": "SD", "date": "2026-02-01"}],
}


def mutate(path, value):
    payload = json.loads(json.dumps(VALID))
    target = payload
    keys = path[:-1]
    for key in keys:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return payload


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["now"], KeyError, "now"),
        (["now"], "2026-03-12T09:00:00", "now"),
        (["now"], "yesterday", "now"),
        (["now"], 1741766400, "now"),
        (["time_zone"], "Mars/Olympus", "time_zone"),
        (["patient"], KeyError, "patient"),
        (["patient"], "active", "patient"),
        (["patient", "status"], "alive", "patient.status"),
        (["treatments"], KeyError, "treatments"),
        (["treatments"], {}, "treatments"),
        (["treatments", 0], "T1", "treatments[0]"),
        (["treatments", 1, "kind"], "radiotherapy", "treatments[1].kind"),
        (["treatments", 0, "status"], "done", "treatments[0].status"),
        (["treatments", 0, "id"], KeyError, "treatments[0].id"),
        (["treatments", 0, "id"], True, "treatments[0].id"),
        (["treatments", 0, "id"], "", "treatments[0].id"),
        (["treatments", 1, "id"], "T1", "treatments[1].id"),
        (["treatments", 0, "start"], "2026-13-01", "treatments[0].start"),
        (["treatments", 0, "start"], "2026-01-10T08:00:00", "treatments[0].start"),
        (["treatments", 0, "start"], None, "treatments[0].start"),
        (["treatments", 0, "end"], "2026-01-09", "treatments[0].end"),
        (["treatments", 0, "end"], 20260111, "treatments[0].end"),
        (["scans"], KeyError, "scans"),
        (["scans", 0, "at"], "2026-02-01T10:00:00", "scans[0].at"),
        (["scans", 0, "at"], "2026-02-01", "scans[0].at"),
        (["scans", 0, "modality"], "xray", "scans[0].modality"),
        (["scans", 0, "purpose"], "fun", "scans[0].purpose"),
        (["scans", 0, "sequences"], "t2", "scans[0].sequences"),
        (["scans", 0, "sequences"], ["t2", "t3"], "scans[0].sequences[1]"),
        (["scans", 0, "tracer"], "fet", "scans[0].tracer"),
        (["scans", 1, "tracer"], "choline", "scans[1].tracer"),
        (["scans", 1, "id"], "S1", "scans[1].id"),
        (["responses"], "none", "responses"),
        (["responses", 0, "category"], "progression", "responses[0].category"),
        (["responses", 0, "date"], "soon", "responses[0].date"),
        (["responses", 0, "scan"], KeyError, "responses[0].scan"),
    ],
)
def test_it_names_the_field_of_every_validation_error(path, value, field):
    with pytest.raises(ClinicalInputError) as raised:
        run(mutate(path, value))
    assert raised.value.field == field


def test_it_accepts_the_valid_payload_used_by_the_validation_table():
    assert run(VALID)["due_items"]


def test_it_names_a_duplicate_response_scan():
    payload = mutate(["responses"], [{"scan": "S1", "category": "SD", "date": "2026-02-01"}] * 2)
    with pytest.raises(ClinicalInputError) as raised:
        run(payload)
    assert raised.value.field == "responses[1].scan"


def test_it_exits_2_from_the_cli_with_the_field_named():
    stdout = io.StringIO()
    code = cli.main(
        ["schedule"], stdin=io.StringIO(json.dumps(mutate(["scans", 0, "at"], "2026-02-01T10:00"))), stdout=stdout
    )
    assert code == 2
    assert json.loads(stdout.getvalue())["field"] == "scans[0].at"


def test_it_answers_the_cli_with_the_contract():
    stdout = io.StringIO()
    assert cli.main(["schedule"], stdin=io.StringIO(json.dumps(VALID)), stdout=stdout) == 0
    assert json.loads(stdout.getvalue()) == run(VALID)


# --------------------------------------------------------------------------- Python API


def test_it_serves_the_app_with_typed_items_natural_keys_and_sources():
    result = compute_schedule(
        now=dt.datetime(2026, 3, 12, 8, 0, tzinfo=UTC),
        patient_status="active",
        treatments=[TreatmentIn("T1", "srs", "given", dt.date(2026, 1, 10))],
        scans=[ScanIn("S1", "mri", dt.datetime(2026, 1, 31, 9, 0, tzinfo=UTC), sequences=("t1_post_3d",))],
        responses=[ResponseIn("S1", "unconfirmed PD", dt.date(2026, 1, 31))],
    )
    keys = [(i.natural_key, i.trigger_type) for i in result.due_items]
    assert keys == [
        (("srs_planning_mri", "T1"), "treatment"),
        (("srs_planning_ct", "T1"), "treatment"),
        (("followup_mri", "T1"), "treatment"),
        (("followup_mri", "S1"), "scan"),
        (("confirmation_mri", "S1"), "scan"),
    ]
    assert all(i.source == SOURCES[i.kind] for i in result.due_items)
    assert result.watch_windows[0].natural_key == ("radiation_necrosis", "T1")
    assert result.due_items[3].due_from == dt.date(2026, 3, 31)
    assert [i.state for i in result.due_items] == ["cancelled", "cancelled", "done", "upcoming", "upcoming"]


@pytest.mark.parametrize(
    ("now", "field"),
    [(dt.datetime(2026, 3, 12, 8, 0), "now"), ("2026-03-12T08:00:00Z", "now")],
)
def test_it_refuses_a_naive_or_textual_now_in_the_python_api(now, field):
    with pytest.raises(ClinicalInputError) as raised:
        compute_schedule(now, "active", [], [])
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("treatments", "scans", "field"),
    [
        ([TreatmentIn("T1", "srs", "given", dt.datetime(2026, 1, 10, 8))], [], "treatments[0].start"),
        ([TreatmentIn("T1", "srs", "given", "2026-01-10")], [], "treatments[0].start"),
        ([], [ScanIn("S1", "mri", dt.datetime(2026, 1, 10, 8))], "scans[0].at"),
        (
            [],
            [ScanIn("S1", "mri", dt.datetime(2026, 1, 10, 8, tzinfo=UTC), sequences=("t9",))],
            "scans[0].sequences[0]",
        ),
    ],
)
def test_it_validates_dataclass_inputs_in_the_python_api(treatments, scans, field):
    with pytest.raises(ClinicalInputError) as raised:
        compute_schedule(dt.datetime(2026, 3, 12, tzinfo=UTC), "active", treatments, scans)
    assert raised.value.field == field


def item_with(state, due_from, due_by, kind="followup_mri"):
    return DueItemOut(kind, "T1", due_from, due_by, state, None, False, ())


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (item_with("upcoming", dt.date(2026, 5, 10), dt.date(2026, 6, 10)), dt.datetime(2026, 5, 9, 22, 0, tzinfo=UTC)),
        (item_with("due", dt.date(2026, 1, 10), dt.date(2026, 2, 10)), dt.datetime(2026, 2, 10, 23, 0, tzinfo=UTC)),
        (item_with("due", dt.date(2026, 2, 10), dt.date(2026, 3, 28)), dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
        (
            item_with(
                "upcoming",
                dt.datetime(2026, 3, 1, 10, tzinfo=AMS),
                dt.datetime(2026, 3, 4, 10, tzinfo=AMS),
                kind="postop_mri",
            ),
            dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        ),
        (
            item_with(
                "due",
                dt.datetime(2026, 3, 1, 10, tzinfo=AMS),
                dt.datetime(2026, 3, 4, 10, tzinfo=AMS),
                kind="postop_mri",
            ),
            dt.datetime(2026, 3, 4, 9, 0, 0, 1, tzinfo=UTC),
        ),
        (item_with("overdue", dt.date(2026, 1, 10), dt.date(2026, 2, 10)), None),
        (item_with("done", dt.date(2026, 1, 10), dt.date(2026, 2, 10)), None),
        (item_with("cancelled", dt.date(2026, 1, 10), dt.date(2026, 2, 10)), None),
    ],
    ids=[
        "upcoming date item",
        "due date item",
        "due date item across DST",
        "upcoming postop",
        "due postop",
        "overdue",
        "done",
        "cancelled",
    ],
)
def test_it_gives_the_next_transition_by_time_alone(item, expected):
    assert next_transition(item, AMS) == expected


TYPED_TREATMENTS = [
    TreatmentIn(
        "T1", "surgery", "given", dt.datetime(2026, 3, 1, 8, tzinfo=AMS), dt.datetime(2026, 3, 1, 10, tzinfo=AMS)
    ),
    TreatmentIn("T2", "srs", "planned", dt.date(2026, 3, 20)),
    TreatmentIn("T4", "ici", "given", dt.date(2026, 1, 2)),
]


def states_at(now):
    return {i.natural_key: i.state for i in compute_schedule(now, "active", TYPED_TREATMENTS, []).due_items}


def test_it_changes_state_exactly_at_the_next_transition():
    now = dt.datetime(2026, 2, 20, 9, 30, tzinfo=UTC)
    seen = 0
    while True:
        current = compute_schedule(now, "active", TYPED_TREATMENTS, [])
        moments = [m for m in (next_transition(i, AMS) for i in current.due_items) if m is not None]
        for item in current.due_items:
            moment = next_transition(item, AMS)
            if moment is None:
                continue
            assert moment.tzinfo is UTC
            assert states_at(moment - dt.timedelta(microseconds=1))[item.natural_key] == item.state
            assert states_at(moment)[item.natural_key] != item.state
            seen += 1
        if not moments:
            break
        now = min(moments)
    assert seen >= 8


def test_it_lists_every_due_kind_in_the_table_order():
    assert DUE_KINDS == (
        "postop_mri",
        "srs_planning_mri",
        "srs_planning_ct",
        "followup_mri",
        "response_mri",
        "confirmation_mri",
    )
