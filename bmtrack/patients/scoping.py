"""Which patients a user may see: the patients of the care teams she belongs to.

This is the one scoping idiom. Domain code (digests, board suggestions, admins) scopes with
``patients_for`` / ``scope``; views, API, exports and feeds go one step further through
``bmtrack.accounts.access``, whose ``access_*`` functions scope with these, lock, and write the
access log. Superusers see every patient (they administer the site): that branch is written here
once and nowhere else.
"""

from __future__ import annotations

from django.db.models import QuerySet

from bmtrack.accounts.models import CareTeam, User
from bmtrack.core.lookups import Ids
from bmtrack.patients.models import Patient

# Above this many visible patients, scoping filters by care team instead of listing patient ids.
MAX_LISTED_PATIENTS = 5000


def _may_see_anything(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def team_ids_for(user) -> list[int]:
    """The ids of the user's care teams: one small query, remembered on the user object, which lives for
    one request or task (a page scopes three or four lists by them)."""
    ids = getattr(user, "_care_team_ids", None)
    if ids is None:
        ids = list(CareTeam.members.through.objects.filter(user_id=user.pk).values_list("careteam_id", flat=True))
        user._care_team_ids = ids
    return list(ids)


def teams_for(user) -> QuerySet[CareTeam]:
    """The care teams whose patients the user sees (a superuser: every team)."""
    if not _may_see_anything(user):
        return CareTeam.objects.none()
    if user.is_superuser:
        return CareTeam.objects.all()
    # By the remembered ids: no second join of the memberships on a page that already scoped by them.
    return CareTeam.objects.filter(pk__in=team_ids_for(user))


def patients_for(user) -> QuerySet[Patient]:
    if not _may_see_anything(user):
        return Patient.objects.none()
    if user.is_superuser:
        return Patient.objects.all()
    # Materialised team ids let PostgreSQL use patient_team_status_idx instead of joining memberships.
    return Patient.objects.filter(care_team_id__in=team_ids_for(user))


def scope(queryset: QuerySet, user, patient_path: str = "patient") -> QuerySet:
    """``queryset`` (rows that belong to a patient via ``patient_path``) limited to the user's patients.

    ``patient_path`` "pk" scopes a queryset of patients itself. For a nurse's few hundred patients
    the ids are listed, so the planner walks the rows' own (patient, ...) indexes instead of scanning
    every open row and joining teams afterwards; users who see very many patients are scoped by care team.
    """
    if not _may_see_anything(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    teams = team_ids_for(user)
    ids = listed_ids(Patient.objects.filter(care_team_id__in=teams))
    if ids is not None:
        # ``any_of`` (bmtrack.core.lookups): the ids as one array parameter on PostgreSQL.
        return queryset.filter(**{f"{patient_path}__any_of": ids})
    # "pk" or "id" scope patient rows themselves ("id" also their history rows, whose pk is history_id).
    team_path = "care_team_id" if patient_path in ("pk", "id") else f"{patient_path}__care_team_id"
    return queryset.filter(**{f"{team_path}__in": teams})


def listed_ids(patients: QuerySet[Patient]) -> Ids | None:
    """The ids of ``patients`` in one query when they are a few hundred (at most ``MAX_LISTED_PATIENTS``),
    for ``patient_id__any_of``; None when they are more, and a list should filter otherwise."""
    ids = Ids(patients.order_by().values_list("pk", flat=True)[:MAX_LISTED_PATIENTS + 1])
    return ids if len(ids) <= MAX_LISTED_PATIENTS else None


def can_see_patient(user, patient: Patient) -> bool:
    return patients_for(user).filter(pk=patient.pk).exists()


def colleagues_for(user) -> QuerySet:
    """The users who share a care team with ``user``: those it may name as a nurse, presenter or attendee."""
    if not _may_see_anything(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    members = CareTeam.members.through.objects.filter(careteam_id__in=team_ids_for(user))
    return User.objects.filter(pk__in=members.values("user_id"))
