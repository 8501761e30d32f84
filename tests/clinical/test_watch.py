"""bmtrack.clinical.watch: which lesion each window watches, from which day (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bmtrack.clinical.errors import ClinicalInputError
from bmtrack.clinical.schedule import WatchWindowOut
from bmtrack.clinical.watch import current_enlargements, enlargements_in_windows, lesion_watches

D = dt.date
NECROSIS = WatchWindowOut("radiation_necrosis", "T1", D(2026, 1, 10), D(2029, 1, 10))  # SRS of L1 ended 10 Jan
PSEUDO = WatchWindowOut("pseudoprogression", "T2", D(2026, 2, 1), D(2026, 8, 1))  # ICI started 1 Feb
TREATED = {"T1": ["L1"], "T2": []}


@pytest.mark.parametrize(("windows", "lesions", "watched"), [
    ([NECROSIS], ["L1", "L2"], [("L1", "radiation_necrosis", D(2026, 1, 10))]),
    ([PSEUDO], ["L1", "L2"], [("L1", "pseudoprogression", D(2026, 2, 1)),
                              ("L2", "pseudoprogression", D(2026, 2, 1))]),
    # lesion-specific windows first, whatever the order given
    ([PSEUDO, NECROSIS], ["L2", "L1"], [("L1", "radiation_necrosis", D(2026, 1, 10)),
                                        ("L2", "pseudoprogression", D(2026, 2, 1)),
                                        ("L1", "pseudoprogression", D(2026, 2, 1))]),
    ([], ["L1"], []),
])
def test_each_window_watches_its_lesions_from_its_first_day(windows, lesions, watched):
    found = lesion_watches(windows, TREATED, lesions)
    assert [(w.lesion, w.window.kind, w.treated_on) for w in found] == watched


def test_a_window_of_an_unknown_kind_is_refused():
    with pytest.raises(ClinicalInputError):
        lesion_watches([WatchWindowOut("mystery", "T9", D(2026, 1, 1), D(2026, 2, 1))], {}, ["L1"])


@pytest.mark.parametrize(("series", "windows", "current"), [
    # L1 shrinks after SRS, then grows 8 → 14 mm (≥ 20 % and ≥ 5 mm) on its latest scan: watched by RN.
    ({"L1": [(D(2026, 1, 5), 12), (D(2026, 4, 1), 8), (D(2026, 7, 1), 14)]}, [NECROSIS],
     [("L1", "radiation_necrosis")]),
    # Inside both windows: the lesion-specific one names it.
    ({"L1": [(D(2026, 1, 5), 12), (D(2026, 4, 1), 8), (D(2026, 7, 1), 14)]}, [PSEUDO, NECROSIS],
     [("L1", "radiation_necrosis")]),
    # An untreated lesion is watched only by the systemic therapy's window.
    ({"L2": [(D(2026, 1, 5), 10), (D(2026, 7, 1), 16)]}, [NECROSIS], []),
    ({"L2": [(D(2026, 1, 5), 10), (D(2026, 7, 1), 16)]}, [PSEUDO], [("L2", "pseudoprogression")]),
    # Grew, then shrank again: not an enlargement on the latest scan.
    ({"L1": [(D(2026, 1, 5), 12), (D(2026, 4, 1), 8), (D(2026, 5, 1), 14), (D(2026, 7, 1), 9)]}, [NECROSIS], []),
    # Growth of 4 mm (50 %) is not enough (≥ 5 mm needed).
    ({"L2": [(D(2026, 1, 5), 8), (D(2026, 7, 1), 12)]}, [PSEUDO], []),
    # After the pseudoprogression window ended: no longer watched.
    ({"L2": [(D(2026, 1, 5), 10), (D(2026, 9, 1), 16)]}, [PSEUDO], []),
])
def test_a_lesion_enlarging_on_its_latest_scan_inside_its_window_is_named(series, windows, current):
    watches = lesion_watches(windows, TREATED, series)
    assert [(f.lesion, f.window.kind) for f in current_enlargements(series, watches)] == current


def test_every_enlargement_inside_a_window_is_listed_for_the_board():
    series = {"L1": [(D(2026, 1, 5), 12), (D(2026, 4, 1), 8), (D(2026, 5, 1), 14), (D(2026, 6, 1), 20)]}
    found = enlargements_in_windows(series, lesion_watches([NECROSIS], TREATED, series))
    assert [(f.enlargement.date, f.enlargement.nadir_mm) for f in found] == [(D(2026, 5, 1), 8.0),
                                                                            (D(2026, 6, 1), 8.0)]


def _current_by_the_exact_rule(series, watches):
    """Reading 4 without any shortcut: every enlargement of every watch, kept when it is the latest."""
    latest = {lesion: max(day for day, _ in points) for lesion, points in series.items() if points}
    current = {}
    for found in enlargements_in_windows(series, watches):
        if found.enlargement.date == latest[found.lesion]:
            current.setdefault(found.lesion, found)
    return list(current.values())


_DAYS = st.dates(min_value=D(2025, 12, 1), max_value=D(2026, 10, 1))
_SERIES = st.dictionaries(st.sampled_from(["L1", "L2", "L3"]),
                          st.lists(st.tuples(_DAYS, st.decimals(0, 60, places=1).map(float)), max_size=6), max_size=3)


@settings(max_examples=300, deadline=None)
@given(series=_SERIES, windows=st.sets(st.sampled_from([NECROSIS, PSEUDO])))
def test_skipping_lesions_that_cannot_have_grown_never_changes_the_answer(series, windows):
    watches = lesion_watches(sorted(windows, key=lambda w: w.kind), TREATED, series)
    assert current_enlargements(series, watches) == _current_by_the_exact_rule(series, watches)
