"""The access layer: one ``access_*`` function per patient-bearing resource (Zulip's style).

Each function
1. scopes: the row is reached only through the user's patients (``patients.scoping``), and one the
   user may not see is a 404, never a 403 (no oracle telling that it exists);
2. optionally locks it (``lock=True``: ``select_for_update``, inside the caller's transaction);
3. notes every patient it hands out, so ``core.audit.AccessLogMiddleware`` writes one access-log
   row per patient shown once the response succeeds.

Views, viewsets, exports and feeds reach patient rows through these functions only; domain code that
must scope without logging (digests, board suggestions, admins) uses ``patients.scoping``, which these
functions build on. This module knows every patient-bearing resource, so it sits above ``boards`` and
below ``web`` / ``api`` (docs/architecture.md).

``action`` ("view", "edit", "export") overrides the one the access log guesses from the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from bmtrack.boards.models import BoardCase, Meeting
from bmtrack.boards.summary import visible_cases
from bmtrack.core.audit import note_access, note_user
from bmtrack.patients.models import Patient, Scan
from bmtrack.patients.scoping import colleagues_for, patients_for, scope, teams_for
from bmtrack.surveillance.feeds import feed_items, user_for_token
from bmtrack.surveillance.models import DueItem

__all__ = [
    "access_board_case", "access_due_item", "access_feed", "access_meeting", "access_meeting_packet",
    "access_patient", "access_row", "access_scan", "colleagues_for", "meetings_for", "note_patients", "note_rows",
    "patients_for",
    "scope", "teams_for",
]

_BAD_KEY = (ObjectDoesNotExist, ValueError, TypeError, ValidationError, OverflowError)


def _get(queryset: QuerySet, lock: bool, **lookup):
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(**lookup)
    except _BAD_KEY:
        raise Http404(f"No such {queryset.model._meta.verbose_name}") from None


def _patient_id(row, patient_path: str) -> int:
    """The patient id of ``row`` along ``patient_path`` ("patient", "scan__patient", "pk")."""
    if patient_path == "pk":
        return row.pk
    *hops, last = patient_path.split("__")
    for hop in hops:
        row = getattr(row, hop)
    return getattr(row, f"{last}_id")


def note_rows(rows: Iterable, patient_path: str = "patient", action: str | None = None) -> None:
    """Note the patient of each row shown (an API page, a feed): one query for their public ids."""
    ids = {_patient_id(row, patient_path) for row in rows}
    for patient in Patient.objects.filter(pk__in=ids).only("pk", "public_id"):
        note_access(patient, action)


def note_patients(holders: Iterable, action: str | None = None) -> list:
    """Note the ``patient`` of each holder shown (a suggestion, a validated form's data); returns them."""
    holders = list(holders)
    for holder in holders:
        note_access(holder["patient"] if isinstance(holder, dict) else holder.patient, action)
    return holders


def access_row(user, queryset: QuerySet, *, patient_path: str = "patient", lock: bool = False,
               action: str | None = None, **lookup):
    """The one row of ``queryset`` matching ``lookup`` among the user's patients' rows, else 404."""
    row = _get(scope(queryset, user, patient_path), lock, **lookup)
    note_rows([row], patient_path, action)
    return row


def access_patient(user, public_id, *, lock: bool = False, action: str | None = None,
                   related: tuple[str, ...] = ()) -> Patient:
    """The patient with this opaque id if the user may see it, else 404 (with ``related`` rows joined)."""
    patient = _get(patients_for(user).select_related(*related), lock, public_id=public_id)
    note_access(patient, action)
    return patient


def access_scan(user, scan_id, *, patient: Patient | None = None, lock: bool = False,
                action: str | None = None, queryset: QuerySet | None = None) -> Scan:
    """A scan of a patient the user may see (of ``patient`` when the URL names one), else 404."""
    rows = Scan.objects.select_related("patient") if queryset is None else queryset
    if patient is not None:
        rows = rows.filter(patient=patient)
    return access_row(user, rows, lock=lock, action=action, pk=scan_id)


def access_due_item(user, item_id, *, patient: Patient | None = None, lock: bool = False,
                    action: str | None = None, queryset: QuerySet | None = None) -> DueItem:
    """A due item of a patient the user may see (of ``patient`` when the URL names one), else 404."""
    rows = DueItem.objects.select_related("patient") if queryset is None else queryset
    if patient is not None:
        rows = rows.filter(patient=patient)
    return access_row(user, rows, lock=lock, action=action, pk=item_id)


def meetings_for(user) -> QuerySet[Meeting]:
    """The meetings a user may open: every one for coordinators (boards permission); for anyone else
    those she attends or presents a case at (a presenter needs the agenda and the packet, whether or
    not the coordinator also listed her as an attendee). Its cases stay scoped by care team."""
    meetings = Meeting.objects.all()
    if user.has_perm("boards.view_meeting"):
        return meetings
    attending = Meeting.attendees.through.objects.filter(meeting=OuterRef("pk"), user=user)
    presenting = BoardCase.objects.filter(meeting=OuterRef("pk"), presenter=user)
    return meetings.filter(Exists(attending) | Exists(presenting))


def may_open_meeting(user, meeting: Meeting) -> bool:
    """Whether ``meeting`` is among ``meetings_for(user)``."""
    return user.has_perm("boards.view_meeting") or meetings_for(user).filter(pk=meeting.pk).exists()


def access_meeting(user, meeting_id, *, lock: bool = False) -> Meeting:
    """A meeting the user coordinates or attends, else 404. It names no patient by itself: its
    cases are reached with ``access_board_case`` / ``access_meeting_packet``."""
    meeting = _get(Meeting.objects.select_related("board"), lock, pk=meeting_id)
    if not may_open_meeting(user, meeting):
        raise Http404("No such meeting")
    return meeting


def access_board_case(user, case_id, *, lock: bool = False, action: str | None = None) -> BoardCase:
    """A case of a patient the user may see, at a meeting she may open, else 404."""
    case = access_row(
        user, BoardCase.objects.select_related("meeting__board", "patient__care_team", "presenter", "decided_by"),
        lock=lock, action=action, pk=case_id)
    if not may_open_meeting(user, case.meeting):
        raise Http404("No such case")
    return case


@dataclass(frozen=True)
class MeetingPacket:
    meeting: Meeting
    cases: list[BoardCase]


def access_meeting_packet(user, meeting_id, *, action: str | None = None) -> MeetingPacket:
    """The meeting and the cases of its packet the user may see; each case's patient is logged."""
    meeting = access_meeting(user, meeting_id)
    cases = list(visible_cases(meeting, user))
    for case in cases:
        note_access(case.patient, action)
    return MeetingPacket(meeting, cases)


@dataclass(frozen=True)
class Feed:
    user: object
    items: list[DueItem]


def access_feed(token: str) -> Feed:
    """The calendar feed behind a secret token: its owner and her open items, else 404.

    The token is the credential, so the access log names its owner as the reader; each patient
    with an event in the feed gets a row.
    """
    user = user_for_token(token)
    if user is None:
        raise Http404("No such calendar")
    items = list(feed_items(user))
    note_user(user)
    note_rows(items)
    return Feed(user, items)
