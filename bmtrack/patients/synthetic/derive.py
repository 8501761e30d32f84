"""Derived state of generated patients, in bulk: GPA, RANO-BM responses, due items, watch windows.

The normal path is ``services.common.refresh_derived`` per patient: about 25 queries, and two
INSERTs per due item (the row and its history row); some 20 ms a patient. For a generated cohort
this module gives the same rows at a fraction of that:

1. read a batch of patients with every relation prefetched (a handful of queries per batch);
2. GPA and responses: the services' own row builders (``gpa_rows``, ``response_rows``, over
   ``clinical.record``), each row as ``refresh_gpa`` / ``refresh_response`` create it for a
   patient without one, written with ``COPY``;
3. due items and watch windows: the surveillance planning seam (``patients.planning``, which the
   surveillance app fills with ``surveillance.plan.copy_new_plans``): the same plan and the same
   apply step as ``replan_patient`` for a patient with nothing stored, given the responses just
   computed so that it reads no row back, and written with ``COPY`` too.

Differences, by design: no django-simple-history rows for the copied due items (the history of a
synthetic record starts empty). ``tests/scale/test_generator.py`` proves on a sample that the
rows equal those ``refresh_derived`` writes.
"""

from __future__ import annotations

import datetime as dt

from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import local_date
from bmtrack.patients import planning
from bmtrack.patients.models import GPAAssessment, Patient, ResponseAssessment
from bmtrack.patients.services.assessments import gpa_rows, record_facts, response_rows
from bmtrack.patients.synthetic.copying import CopyTable


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


def response_inputs(patient: Patient, responses: list[dict]) -> list[schedule_rules.ResponseIn]:
    """The clinical core's view of the response rows just computed (so the plan reads none back)."""
    at = {s.pk: s.at for s in patient.scans.all()}
    return [schedule_rules.ResponseIn(scan=f"S{r['scan_id']}", category=r["category"],
                                      date=local_date(at[r["scan_id"]])) for r in responses]


def derive_patients(patient_ids, now: dt.datetime) -> dict[str, int]:
    """Compute and write the derived rows of patients that have none yet (call inside a transaction)."""
    patients = list(prefetched_patients(patient_ids))
    gpas, responses, by_patient = [], [], {}
    for patient in patients:
        attach_lesions(patient)
        facts = record_facts(patient)
        gpas.extend(dict(values, current=True) for values in gpa_rows(patient, now, facts))
        by_patient[patient.pk] = rows = response_rows(patient, now, facts)
        responses.extend(rows)
    # Responses first: an item saved by the plan may point at them (outbox renderers read the record).
    counts = {"gpa": CopyTable(GPAAssessment, now).copy(gpas),
              "responses": CopyTable(ResponseAssessment, now).copy(responses)}
    given = {patient.pk: response_inputs(patient, by_patient[patient.pk]) for patient in patients}
    counts.update(planning.copy_new_plans(patients, given, now=now))
    return counts
