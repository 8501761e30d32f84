"""The one history builder: a patient's clinical history written through the real services (the calls
bmtrack's own forms, API and importers make), read as steps back from a fixed clock.

    h = History.new_patient(teams[0], alice)            # now = FIXED_NOW unless given
    h.primary(diagnosed=400, type_="nsclc_adeno", bm=6, markers=[EGFR_EXON19])
    h.status(days_ago=7, kps=80, dexamethasone_mg=Decimal("8"))
    h.mri(days_ago=6, lesions={"L1": 34, "L2": 8}, purpose="diagnosis", baseline=True)
    h.surgery(days_ago=4, lesions=["L1"])               # 09:00-13:00, four days before now

A step's day is either ``days_ago=`` (counted back from ``now``) or a calendar ``date``
(positional, as the board tests write their meetings' histories).

When a step is recorded: by default every step is recorded at ``now``, as if the whole history had
been entered this morning, which is how the surveillance engine first sees a patient taken into
care (due items are opened and their state set at recording time; the sweep does the rest).
``as_it_happens=True`` records each step on the evening of its own day instead (what the board's
"changed since the last meeting" reads).

Request-level tests freeze the clock at the same ``FIXED_NOW`` (``fixed_clock()``), so the views,
the services and the history agree on what "today" is. Browser tests build at the real now instead
(see tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")
# A Wednesday morning on the ward, before the first phone call.
FIXED_NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=AMS)

FULL_PROTOCOL = ["t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi"]
SCANNER_3T = "Siemens Prisma 3T"
SCANNER_15T = "Philips Ingenia 1.5T"

_numbers = itertools.count(1)
_study_numbers = itertools.count(1)


def fixed_clock(now: dt.datetime = FIXED_NOW, tick: bool = False):
    """time-machine's travel to ``now``: ``with fixed_clock(): ...`` or as a decorator."""
    import time_machine

    return time_machine.travel(now, tick=tick)


class History:
    def __init__(self, patient, now: dt.datetime = FIXED_NOW, as_it_happens: bool = False):
        self.patient = patient
        self.now = now
        self.as_it_happens = as_it_happens

    @classmethod
    def new_patient(cls, team, nurse, now: dt.datetime = FIXED_NOW, sex="female", age=60, **fields) -> History:
        """A patient of ``team`` whose responsible nurse is ``nurse``; names and MRN unique per run."""
        from bmtrack.patients import services

        number = next(_numbers)
        born = now.astimezone(AMS).date().replace(year=now.year - age, month=3, day=14)
        patient = services.create_patient(**{
            "mrn": f"H{number:07d}", "given_name": "Anna" if sex == "female" else "Bram",
            "family_name": f"History{number}", "birth_date": born, "sex": sex, "care_team": team,
            "responsible_nurse": nurse, "phones": f"07700 900{number % 1000:03d}", "now": now, **fields,
        })
        return cls(patient, now=now)

    # --- time ---
    def at(self, day=None, hour: int = 10, *, days_ago: float | None = None, minute: int = 0) -> dt.datetime:
        """The site-local instant ``hour``:``minute`` of a step's day; never after ``now``."""
        if days_ago is not None:
            day = (self.now.astimezone(AMS) - dt.timedelta(days=days_ago)).date()
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def ahead(self, days: int, hour: int = 9) -> dt.datetime:
        """A site-local instant ``days`` after ``now``'s day (planned treatments, bookings)."""
        day = (self.now.astimezone(AMS) + dt.timedelta(days=days)).date()
        return dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMS)

    def day(self, day=None, *, days_ago: float | None = None) -> dt.date:
        return day if days_ago is None else self.at(days_ago=days_ago).date()

    def _recorded(self, instant: dt.datetime) -> dt.datetime:
        if not self.as_it_happens:
            return self.now
        return min(dt.datetime.combine(instant.date(), dt.time(18), tzinfo=AMS), self.now)

    # --- steps ---
    def primary(self, diagnosed, type_="nsclc_adeno", bm=None, markers=(), stage="IVA", seer="metastatic",
                histology=None, tested=None):
        """The primary tumour. ``diagnosed`` and ``bm`` (brain metastases) are days ago or dates;
        markers are tested on the day of the diagnosis unless ``tested`` (days ago or a date) says otherwise."""
        from bmtrack.patients import services

        diagnosed_on = self._day_of(diagnosed)
        bm_on = self._day_of(bm) if bm is not None else None
        tested_on = self._day_of(tested) if tested is not None else diagnosed_on
        last = max(diagnosed_on, bm_on or diagnosed_on)
        return services.record_primary(
            self.patient, type=type_, stage=stage, seer_stage=seer, diagnosed_on=diagnosed_on,
            brain_metastases_diagnosed_on=bm_on,
            histology=histology if histology is not None else ("acinar-predominant" if type_ == "nsclc_adeno" else ""),
            markers=[{"tested_on": tested_on, **m} for m in markers],
            now=self._recorded(self.at(last, 18)),
        )

    def status(self, day=None, *, days_ago=None, **facts):
        """KPS, steroids, neurological status, extracranial disease...: what the clinic noted that day."""
        from bmtrack.patients import services

        observed_on = self.day(day, days_ago=days_ago)
        return services.record_observation(self.patient, observed_on=observed_on,
                                           now=self._recorded(self.at(observed_on, 18)), **facts)

    def mri(self, day=None, lesions=None, *, days_ago=None, at=None, purpose="surveillance", hour=11,
            baseline=False, new_lesions="none", scanner=SCANNER_3T, sequences=None, **extra):
        """An MRI with its measurements, at ``hour`` of its day (or at the instant ``at``). ``lesions``:
        {"L1": mm, "L2": 0 (disappeared) or (mm, {"location": ..., other measurement fields})}; None
        for a scan not yet measured."""
        from bmtrack.patients import services

        measurements = []
        for label, value in (lesions or {}).items():
            fields = {}
            if isinstance(value, tuple):
                value, fields = value
            if value == 0:
                measurements.append({"lesion": label, "disappeared": True, **fields})
            else:
                measurements.append({"lesion": label, "longest_diameter_mm": Decimal(str(value)), **fields})
        when = at or self.at(day, hour, days_ago=days_ago)
        uid = next(_study_numbers)
        extra.setdefault("study_uid", f"1.2.826.0.1.3680043.8.498.{uid}")
        extra.setdefault("accession", f"ACC{uid:07d}")
        return services.record_scan(
            self.patient, at=when, modality="mri", purpose=purpose,
            field_strength_t=extra.pop("field_strength_t", Decimal("1.5") if "1.5T" in scanner else Decimal("3.0")),
            scanner=scanner,
            sequences=sequences or FULL_PROTOCOL, new_lesions=new_lesions, is_baseline=baseline,
            measurements=measurements, now=self._recorded(when), **extra,
        )

    def ct(self, day=None, *, days_ago=None, purpose="srs_planning"):
        from bmtrack.patients import services

        when = self.at(day, 14, days_ago=days_ago)
        return services.record_scan(self.patient, at=when, modality="ct", purpose=purpose,
                                    scanner="Canon Aquilion ONE", now=self._recorded(when))

    def treat(self, kind, day=None, end=None, *, days_ago=None, end_days_ago=None, start=None, lesions=(),
              status="given", **fields):
        """A treatment starting at 09:00 of its day (or at ``start``), ending at noon of ``end`` /
        ``end_days_ago`` if it has ended."""
        from bmtrack.patients import services

        start = start or self.at(day, 9, days_ago=days_ago)
        if end is not None and not isinstance(end, dt.datetime):
            end = self.at(end, 12)
        elif end_days_ago is not None:
            end = self.at(days_ago=end_days_ago, hour=12)
        lesion_objs = list(self.patient.lesions.filter(label__in=lesions)) if lesions else []
        return services.record_treatment(self.patient, kind=kind, status=status, start=start, end=end,
                                         lesions=lesion_objs, now=self._recorded(end or start), **fields)

    def surgery(self, day=None, *, days_ago=None, lesions=("L1",), hours=4, **fields):
        """A resection from 09:00, ``hours`` long."""
        start = self.at(day, 9, days_ago=days_ago)
        return self.treat("surgery", start=start, end=start + dt.timedelta(hours=hours), lesions=lesions, **fields)

    def srs(self, day=None, *, days_ago=None, lesions=("L1",), dose_gy="20", fractions=1, **fields):
        """Single-session radiosurgery, 09:00-10:00."""
        start = self.at(day, 9, days_ago=days_ago)
        return self.treat("srs", start=start, end=start + dt.timedelta(hours=1), lesions=lesions,
                          dose_gy=Decimal(str(dose_gy)), fractions=fractions, **fields)

    def _day_of(self, value) -> dt.date:
        return value if isinstance(value, dt.date) else self.day(days_ago=value)
