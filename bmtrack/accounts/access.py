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

# Above this many visible patients, scoping filters by care team instead of listing patient ids.
MAX_LISTED_PATIENTS = 5000


def team_ids_for(user) -> list[int]:
    """The ids of the user's care teams (one small query)."""
    from bmtrack.accounts.models import CareTeam

    return list(CareTeam.members.through.objects.filter(user_id=user.pk).values_list("careteam_id", flat=True))


def patients_for(user) -> QuerySet[Patient]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Patient.objects.none()
    if user.is_superuser:
        return Patient.objects.all()
    # Materialised team ids let PostgreSQL use patient_team_status_idx instead of joining memberships.
    return Patient.objects.filter(care_team_id__in=team_ids_for(user))


def scope(queryset: QuerySet, user, patient_path: str = "patient") -> QuerySet:
    """``queryset`` (rows that belong to a patient via ``patient_path``) limited to the user's patients.

    For a nurse's few hundred patients the ids are listed, so the planner walks the rows' own
    (patient, ...) indexes instead of scanning every open row and joining teams afterwards; users
    who see very many patients are scoped by care team.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    teams = team_ids_for(user)
    ids = list(Patient.objects.filter(care_team_id__in=teams).values_list("pk", flat=True)[:MAX_LISTED_PATIENTS + 1])
    if len(ids) <= MAX_LISTED_PATIENTS:
        return queryset.filter(**{f"{patient_path}__in": ids})
    # ``patient_path`` "id" scopes patient rows themselves (and their history rows, whose pk is history_id).
    team_path = "care_team_id" if patient_path == "id" else f"{patient_path}__care_team_id"
    return queryset.filter(**{f"{team_path}__in": teams})


def care_teams_for(user) -> QuerySet:
    """The care teams whose patients the user may see (and so assign a patient to)."""
    from bmtrack.accounts.models import CareTeam

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CareTeam.objects.none()
    return CareTeam.objects.all() if user.is_superuser else CareTeam.objects.filter(pk__in=team_ids_for(user))


def colleagues_for(user) -> QuerySet:
    """The users who share a care team with ``user``: those it may name as a nurse, presenter or attendee."""
    from bmtrack.accounts.models import CareTeam, User

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    members = CareTeam.members.through.objects.filter(careteam_id__in=team_ids_for(user))
    return User.objects.filter(pk__in=members.values("user_id"))


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
