"""A patient's work-up results, newest first (the patient page and the work-up form list them)."""

from __future__ import annotations


def workup_results(patient) -> list:
    return list(patient.workups.select_related("lesion", "recorded_by").order_by("-performed_on", "-pk"))
