"""bmtrack.clinical.board_followup: the windows a board's decision owes and what fulfils them (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bmtrack.clinical.board_followup import followup_window, fulfilling_scan
from bmtrack.clinical.schedule import ScanIn

D = dt.date
AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(("decision", "meeting", "recorded", "window"), [
    ("repeat_mri_3_months", D(2026, 6, 10), D(2026, 6, 10), (D(2026, 8, 27), D(2026, 9, 24))),
    ("repeat_mri_3_months", D(2026, 11, 30), D(2026, 12, 5), (D(2027, 2, 14), D(2027, 3, 14))),  # Feb 28 ± 14
    ("advanced_imaging", D(2026, 6, 10), D(2026, 6, 10), (D(2026, 6, 10), D(2026, 6, 24))),
    ("advanced_imaging", D(2026, 6, 10), D(2026, 6, 20), (D(2026, 6, 20), D(2026, 7, 4))),  # recorded late
    ("continue_surveillance", D(2026, 6, 10), D(2026, 6, 10), None),
    ("srs_planned", D(2026, 6, 10), D(2026, 6, 10), None),
])
def test_a_decision_owes_the_window_of_its_rule(decision, meeting, recorded, window):
    assert followup_window(decision, meeting, recorded) == window


def _scan(sid, modality, day, hour=10):
    return ScanIn(sid, modality, dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMS))


NOW = dt.datetime(2026, 10, 1, 12, tzinfo=AMS)


@pytest.mark.parametrize(("scans", "fulfilled_by"), [
    ([], None),
    ([_scan("S1", "mri", D(2026, 8, 26))], None),  # the day before the window
    ([_scan("S1", "mri", D(2026, 8, 27), hour=0)], "S1"),  # first local day of the window
    ([_scan("S1", "ct", D(2026, 9, 1)), _scan("S2", "mri", D(2026, 9, 30))], "S2"),  # a CT does not count
    ([_scan("S2", "mri", D(2026, 9, 30)), _scan("S1", "mri", D(2026, 9, 2))], "S1"),  # the first, whatever the order
    ([_scan("S1", "mri", D(2026, 10, 2))], None),  # not yet known at now
    ([_scan("S1", "mri", D(2026, 9, 30), hour=23)], "S1"),  # late: still fulfils
])
def test_the_first_brain_mri_from_the_window_start_fulfils_the_follow_up(scans, fulfilled_by):
    found = fulfilling_scan(scans, D(2026, 8, 27), NOW, AMS)
    assert (found.id if found else None) == fulfilled_by
