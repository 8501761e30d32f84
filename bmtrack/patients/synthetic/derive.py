"""Derived state of generated patients, in bulk: GPA, RANO-BM responses, due items, watch windows.

The normal path is ``services.common.refresh_derived`` per patient: about 25 queries, and two
INSERTs per due item (the row and its history row); some 20 ms a patient. For a generated cohort
this module gives the same rows at a fraction of that:

1. read a batch of patients with every relation prefetched (a handful of queries per batch);
2. GPA and responses: the services' own row builders (``gpa_rows``, ``response_rows``, over
   ``clinical.record``), each row as ``refresh_gpa`` / ``refresh_response`` create it for a
   patient without one;
3. due items and watch windows: ``surveillance.services`` step by step as ``replan_patient`` takes
   it for a patient with no stored item (its ``schedule_input`` rebuilt from the prefetched record
   without a query, ``compute_schedule``, ``_item_values``, ``_apply``, ``_settle``); an item that
   owes an alert or escalation at ``now`` is saved by that same code (its outbox row needs the
   item), every other row is collected;
4. the collected rows are written with ``COPY``.

Differences, by design: no django-simple-history rows for the copied due items (the history of a
synthetic record starts empty). ``tests/scale/test_generator.py`` proves on a sample that the
rows equal those ``refresh_derived`` writes.
"""

from __future__ import annotations

import datetime as dt

from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import site_zone
from bmtrack.patients.models import GPAAssessment, Patient, ResponseAssessment
from bmtrack.patients.services.assessments import gpa_rows, record_facts, response_rows
from bmtrack.patients.synthetic.copying import CopyTable
from bmtrack.surveillance import services as plan
from bmtrack.surveillance.models import DueItem, WatchWindow


def prefetched_patients(patient_ids):
    """Patients with every relation the builders read, so building inputs costs no query."""
    return (
        Patient.objects.filter(pk__in=list(patient_ids)).order_by("pk")
        .select_related("care_team__responsible_physician", "responsible_nurse")
        .prefetch_related("primaries__markers", "observations", "lesions", "treatments__lesions",
                          "scans__measurements", "workups")
    )


def attach_lesions(patient: Patient) -> None:
    """Point each measurement at the patient's prefetched lesion (one object per lesion, no query)."""
    lesions = {lesion.pk: lesion for lesion in patient.lesions.all()}
    for scan in patient.scans.all():
        for measurement in scan.measurements.all():
            measurement.lesion = lesions[measurement.lesion_id]


def schedule_input(patient: Patient, responses: list[dict], tz):
    """``surveillance.services.schedule_input`` without its query: responses come from ``response_rows``."""
    treatments = [schedule_rules.TreatmentIn(id=f"T{t.pk}", kind=t.kind, status=t.status, start=t.start, end=t.end)
                  for t in patient.treatments.all()]
    scans = [schedule_rules.ScanIn(id=f"S{s.pk}", modality=s.modality, at=s.at, purpose=s.purpose,
                                   sequences=tuple(s.sequences or ())) for s in patient.scans.all()]
    at = {s.pk: s.at for s in patient.scans.all()}
    given = [schedule_rules.ResponseIn(scan=f"S{r['scan_id']}", category=r["category"],
                                       date=at[r["scan_id"]].astimezone(tz).date()) for r in responses]
    return treatments, scans, given


def plan_rows(patient: Patient, responses: list[dict], now: dt.datetime, tz) -> tuple[list[DueItem], list[dict]]:
    """``replan_patient`` for a patient with nothing stored: the items still unsaved, and the windows."""
    treatments, scans, responses = schedule_input(patient, responses, tz)
    result = schedule_rules.compute_schedule(now, patient.status, treatments, scans, responses, tz=tz)
    starts = {t.id: t.start for t in treatments}
    escalation_days = patient.care_team.escalation_days
    unsaved = []
    for out in result.due_items:
        item = DueItem(patient=patient, kind=out.kind, trigger=out.trigger, **plan._trigger_fk(out.trigger))
        before = plan._snapshot(item)
        plan._apply(item, plan._item_values(out, tz))
        plan._settle(item, before, now, escalation_days, srs_start=starts.get(out.trigger), created=True)
        if item.pk is None:
            unsaved.append(item)
        else:  # owed an alert or escalation at ``now``: saved, with its outbox rows, as the service does
            item.save()
    windows = [{"patient_id": patient.pk, "kind": w.kind, "trigger": w.trigger, "starts_on": w.from_date,
                "ends_on": w.to_date, "trigger_treatment_id": plan._trigger_fk(w.trigger)["trigger_treatment_id"]}
               for w in result.watch_windows]
    return unsaved, windows


def derive_patients(patient_ids, now: dt.datetime) -> dict[str, int]:
    """Compute and write the derived rows of patients that have none yet (call inside a transaction)."""
    tz = site_zone()
    patients = list(prefetched_patients(patient_ids))
    gpas, responses, by_patient = [], [], {}
    for patient in patients:
        attach_lesions(patient)
        facts = record_facts(patient)
        gpas.extend(dict(values, current=True) for values in gpa_rows(patient, now, facts))
        by_patient[patient.pk] = rows = response_rows(patient, now, facts)
        responses.extend(rows)
    # Responses first: an item saved by ``_settle`` may point at them (outbox renderers read the record).
    counts = {"gpa": CopyTable(GPAAssessment, now).copy(gpas),
              "responses": CopyTable(ResponseAssessment, now).copy(responses)}
    items, windows = [], []
    for patient in patients:
        unsaved, watch = plan_rows(patient, by_patient[patient.pk], now, tz)
        items.extend(unsaved)
        windows.extend(watch)
    item_table = CopyTable(DueItem, now)
    counts["due_items"] = item_table.copy([_values(item, item_table) for item in items])
    counts["watch_windows"] = CopyTable(WatchWindow, now).copy(windows)
    return counts


def _values(item: DueItem, table: CopyTable) -> dict:
    """The unsaved item's values; None ones take the column default (``created_at`` and ``updated_at``: now)."""
    values = ((f.attname, getattr(item, f.attname)) for f in table.fields)
    return {name: value for name, value in values if value is not None}
