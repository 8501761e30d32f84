"""Scans listed for review: a new lesion measured and nobody has made the reader's call yet
(record.md 5: "the scan is listed for review until someone makes the call")."""

from __future__ import annotations

from django.db.models import QuerySet

from bmtrack.clinical.record import NEW_LESION_CALL_NEEDED
from bmtrack.core.lookups import Ids
from bmtrack.patients.models import ResponseAssessment
from bmtrack.web.queries.scope import Filters, active_patients, listed_patients
from bmtrack.web.queries.worklist import PATIENT_LINK


def awaiting_call(user, patients: Ids | QuerySet | None = None) -> QuerySet[ResponseAssessment]:
    """The user's active patients' scans whose response carries ``new_lesion_call_needed``, oldest
    scan first (scoped as the worklist's other lists are). ``patients``: the user's active patients as
    the worklist listed them (``Worklist.patients``), when it has. ``icontains`` on the JSON list's text
    works on PostgreSQL and SQLite alike; the flag names are distinct words, so no other flag contains this one."""
    if patients is None:
        patients = listed_patients(active_patients(user, Filters()))
    return (ResponseAssessment.objects
            .filter(patient_id__any_of=patients, flags__icontains=NEW_LESION_CALL_NEEDED)
            .select_related("scan", "patient").only("category", "scan__at", *PATIENT_LINK)
            .order_by("scan__at", "pk"))
