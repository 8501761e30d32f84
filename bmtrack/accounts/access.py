"""The only way to reach patient rows: scoped to the user's care teams.

Views, API, exports, emails and calendar feeds call these; scoping is written and tested once.
Superusers see every patient (they administer the site); everyone else sees the patients of
the care teams they belong to.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from bmtrack.core.audit import note_access
from bmtrack.patients.models import Patient


def patients_for(user) -> QuerySet[Patient]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Patient.objects.none()
    if user.is_superuser:
        return Patient.objects.all()
    return Patient.objects.filter(care_team__members=user)


def get_patient_for_user(user, public_id, *, action: str | None = None) -> Patient:
    """The patient with this opaque id if the user may see it, else 404 (never 403: no oracle).

    Every patient handed out here is written to the access log when the request succeeds;
    ``action`` ("view", "edit", "export") overrides the one guessed from the request.
    """
    try:
        patient = patients_for(user).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("No such patient") from None
    note_access(patient, action)
    return patient


def can_see_patient(user, patient: Patient) -> bool:
    return patients_for(user).filter(pk=patient.pk).exists()
