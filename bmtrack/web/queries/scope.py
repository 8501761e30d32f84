"""What a user may filter by, and the active patients of the lists (always through the access layer)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from bmtrack.accounts.access import patients_for, teams_for
from bmtrack.accounts.models import CareTeam, User
from bmtrack.accounts.roles import NURSE
from bmtrack.core.lookups import Ids
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.patients.scoping import listed_ids


@dataclass(frozen=True)
class Filters:
    """Worklist filters. ``q`` (an MRN or a name) arrives in a POST body only, never in a URL."""

    team: CareTeam | None = None
    nurse: User | None = None
    kind: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.team or self.nurse or self.kind or self.q)

    @property
    def narrowed(self) -> bool:
        """The patients themselves are filtered (``kind`` filters the lists, not the patients)."""
        return bool(self.team or self.nurse or self.q)


def nurses_for(user) -> QuerySet[User]:
    """The nurses (role ``roles.NURSE``) of the user's teams: who a patient of theirs can be assigned to,
    and whom the worklist can be filtered by. Physicians, coordinators and data managers of the same
    teams are not nurses and are not offered. Membership is an EXISTS, not a join: no DISTINCT over the
    joined rows (on the busiest page the join cost twice as much to plan and run)."""
    member = CareTeam.members.through.objects.filter(user_id=OuterRef("pk"), careteam__in=teams_for(user))
    return (User.objects.filter(Exists(member), is_active=True, groups__name=NURSE)
            .order_by("first_name", "last_name", "username"))


# A search term longer than any MRN or pair of names is not a search (and costs seconds of ILIKE).
SEARCH_MAX_CHARS = 100


def search(queryset: QuerySet[Patient], q: str) -> QuerySet[Patient]:
    """MRN (exact or prefix) or any part of the name; several words must all match. The forms that take
    ``q`` bound it to ``SEARCH_MAX_CHARS`` and refuse a NUL character (Django's ``CharField``)."""
    q = " ".join(q.split())
    if not q:
        return queryset
    condition = Q(mrn__iexact=q) | Q(mrn__istartswith=q)
    words = Q()
    for word in q.split(" "):
        words &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    return queryset.filter(condition | words)


def active_patients(user, filters: Filters) -> QuerySet[Patient]:
    """Deceased, discharged and supportive-care patients leave every list."""
    patients = patients_for(user).filter(status=PatientStatus.ACTIVE)
    if filters.team:
        patients = patients.filter(care_team=filters.team)
    if filters.nurse:
        patients = patients.filter(responsible_nurse=filters.nurse)
    return search(patients, filters.q)


def listed_patients(patients: QuerySet[Patient]) -> Ids | QuerySet[Patient]:
    """The patients a page's lists are about, read once, for ``patient_id__any_of``: their ids when they
    are a nurse's few hundred (each list then walks its own patient index for those ids, instead of every
    list's plan scanning the patients again); the queryset itself, as a subquery, when they are very many."""
    ids = listed_ids(patients)
    return patients if ids is None else ids
