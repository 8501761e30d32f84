"""``advice.workup_hints`` skips the series scan only for lesions that cannot have enlarged."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from bmtrack.web import advice

START = dt.date(2025, 1, 10)


def _scan(day: dt.date, lesion, mm: str):
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    m = SimpleNamespace(lesion_id=lesion.pk, lesion=lesion, diameter_mm=Decimal(mm))
    return SimpleNamespace(modality="mri", at=at, measured=[m])


def _hints(*mms: str):
    lesion = SimpleNamespace(pk=1, label="L1", location="frontal")
    scans = [_scan(START + dt.timedelta(days=30 * i), lesion, mm) for i, mm in enumerate(mms)]
    window = SimpleNamespace(kind="pseudoprogression", trigger="T9", starts_on=START,
                             ends_on=START + dt.timedelta(days=365))
    return advice.workup_hints([], scans, [window])


@pytest.mark.parametrize(("mms", "shown"), [
    (("10.0", "10.0", "15.0"), True),    # exactly 5 mm and 50 % over the nadir: an enlargement
    (("10.0", "8.0", "13.0"), True),     # over the nadir, not over the first reading
    (("10.0", "10.0", "14.9"), False),   # 4.9 mm: not one (skipped without the series scan)
    (("10.0", "20.0", "15.0"), True),    # below an earlier reading, still 5 mm over the nadir
    (("10.0", "20.0", "14.0"), False),   # below an earlier reading, 4 mm over the nadir
    (("12.0", "6.0", "6.0"), False),     # shrinking
])
def test_a_hint_needs_an_enlargement_on_the_latest_scan(mms, shown):
    hints = _hints(*mms)
    assert bool(hints) is shown
    if shown:
        assert hints[0].lesion == "L1" and hints[0].window.kind == "pseudoprogression"
