"""A nurse's work on due items (zulip's ``do_*`` actions): book, waive, record a contact, add a
tumour-board follow-up.

Each function validates its input (``ValidationError`` naming the field, nothing saved), writes
in one transaction with the item row locked, and keeps history (django-simple-history notes the
user and a change reason). When ``user`` is given it must be able to see the patient (access
layer), else ``PermissionDenied``. Acting on an item takes it out of the digests: a booked item
stays open (it shows as "booked") until the scan is recorded, a waived item is closed.

Booking, snoozing ("call back later") and waiving act on the item's need (``needs.py``): the
items one MRI answers together are shown as one row, so booking that MRI books each of them
(each keeps its own history row); a contact attempt is recorded on the item acted on.

Public API (**contract**)::

    book_item(item, *, booked_for: date, user, now=None) -> DueItem
    waive_item(item, *, reason: str, user, now=None) -> DueItem
    record_contact(item, *, outcome: str, user, booked_for=None, remind_on=None, reason="", note="",
                   deceased_on=None, now=None) -> ContactAttempt
    add_manual_item(patient, *, kind="board_followup", due_from: date, due_by: date, reason: str,
                    user=None, now=None) -> DueItem
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bmtrack.core.clock import today, utcnow
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.patients.scoping import can_see_patient
from bmtrack.patients.services import set_patient_status
from bmtrack.surveillance import timing
from bmtrack.surveillance.models import (
    CONTACT_CLOSING,
    MANUAL_KINDS,
    ContactAttempt,
    ContactOutcome,
    DueItem,
    DueKind,
    DueState,
)
from bmtrack.surveillance.needs import need_of
from bmtrack.surveillance.notifications import advance, write_grace
from bmtrack.surveillance.plan import refresh_manual_item, schedule_input

REASON_MAX = 300


def _check_user(user, patient) -> None:
    if user is not None and not can_see_patient(user, patient):
        raise PermissionDenied("You cannot act on this patient.")


def _locked(item: DueItem) -> DueItem:
    return DueItem.objects.select_for_update().select_related("patient__care_team").get(pk=item.pk)


def _need_items(item: DueItem, now: dt.datetime) -> list[DueItem]:
    """The item and the other open items of its need, locked (the item first)."""
    if not item.is_open:
        return [item]
    siblings = list(DueItem.objects.select_for_update().filter(patient_id=item.patient_id).open()
                    .exclude(pk=item.pk).order_by("pk"))
    need = need_of(item, [item, *siblings], now)
    return [item, *(other for other in need.items if other.pk != item.pk)]


def _require_open(item: DueItem, field: str = "__all__") -> None:
    if not item.is_open:
        raise ValidationError({field: f"This item is {item.get_state_display().lower()}: nothing left to do."})


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Give a reason."})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: f"Keep the reason under {REASON_MAX} characters."})
    return reason


def _check_date(value, field: str, *, not_before: dt.date) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: "Give a date."})
    if value < not_before:
        raise ValidationError({field: "This date has passed."})
    return value


def _save(item: DueItem, user, reason: str) -> None:
    if getattr(user, "pk", None):
        item._history_user = user
    item._change_reason = reason[:100]
    item.save()


def _book(item: DueItem, booked_for: dt.date, user, now: dt.datetime) -> None:
    item.booked_for = booked_for
    item.snoozed_until = None
    item.acted_by, item.acted_at = (user if getattr(user, "pk", None) else None), now
    _save(item, user, "booked")


def _waive(item: DueItem, reason: str, user, now: dt.datetime) -> None:
    item.state, item.waived_reason = DueState.WAIVED, reason
    item.next_transition_at = None
    item.overdue_since = None
    item.acted_by, item.acted_at = (user if getattr(user, "pk", None) else None), now
    _save(item, user, "waived")


def book_item(item: DueItem, *, booked_for: dt.date, user, now: dt.datetime | None = None) -> DueItem:
    """Mark the scan as booked for a date (today or later). The item stays open until the scan is recorded."""
    now = now or utcnow()
    _check_date(booked_for, "booked_for", not_before=today(now))
    with transaction.atomic():
        item = _locked(item)
        _check_user(user, item.patient)
        _require_open(item, "booked_for")
        for one in _need_items(item, now):
            _book(one, booked_for, user, now)
    return item


def waive_item(item: DueItem, *, reason: str, user, now: dt.datetime | None = None) -> DueItem:
    """Close the item as not needed, with a reason (kept until a scan fulfils the item)."""
    now = now or utcnow()
    reason = _clean_reason(reason)
    with transaction.atomic():
        item = _locked(item)
        _check_user(user, item.patient)
        _require_open(item, "reason")
        for one in _need_items(item, now):
            _waive(one, reason, user, now)
    return item


def record_contact(item: DueItem, *, outcome: str, user, booked_for: dt.date | None = None,
                   remind_on: dt.date | None = None, reason: str = "", note: str = "",
                   deceased_on: dt.date | None = None, now: dt.datetime | None = None) -> ContactAttempt:
    """One contact about the item and what came of it (``ContactOutcome``).

    1. ``no_answer``, ``voicemail``, ``unreachable``: only the attempt is recorded (it counts).
    2. ``booked`` needs ``booked_for`` (books the item's need); ``remind`` needs ``remind_on`` (a
       later day: the need leaves the worklist and the digests until then); ``agreed`` (agreed to
       come) needs one of them and does the same.
    3. ``not_needed``, ``declined``, ``elsewhere``, ``moved`` need ``reason`` and waive the need
       (the reason says what came of the call).
    4. ``died`` needs ``deceased_on``: the attempt is recorded, then the patient's status is set
       through ``patients.services.set_patient_status`` (which checks the date against the record
       and cancels every open item), all in one transaction.
    """
    now = now or utcnow()
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": f"Choose one of {', '.join(ContactOutcome.values)}."})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note under 500 characters."})
    day = today(now)
    if outcome == ContactOutcome.AGREED and booked_for is None and remind_on is None:
        raise ValidationError({"booked_for": "Give the booking date, or the day to check back."})
    books = outcome == ContactOutcome.BOOKED or (outcome == ContactOutcome.AGREED and booked_for is not None)
    reminds = outcome == ContactOutcome.REMIND or (outcome == ContactOutcome.AGREED and not books)
    if books:
        if booked_for is None:
            raise ValidationError({"booked_for": "Give the date the scan is booked for."})
        _check_date(booked_for, "booked_for", not_before=day)
    if reminds:
        if remind_on is None:
            raise ValidationError({"remind_on": "Give the day to call back."})
        _check_date(remind_on, "remind_on", not_before=day + dt.timedelta(days=1))
    if outcome == ContactOutcome.DIED:
        if not isinstance(deceased_on, dt.date) or isinstance(deceased_on, dt.datetime):
            raise ValidationError({"deceased_on": "Give the date of death."})
        if deceased_on > day:
            raise ValidationError({"deceased_on": "The date of death cannot be in the future."})
        reason = (reason or "").strip() or f"Died on {deceased_on.isoformat()}"
    if outcome in CONTACT_CLOSING:
        reason = _clean_reason(reason)
    with transaction.atomic():
        item = _locked(item)
        _check_user(user, item.patient)
        _require_open(item, "outcome")
        attempt = ContactAttempt.objects.create(
            item=item, at=now, user=user if getattr(user, "pk", None) else None, outcome=outcome,
            booked_for=booked_for if books else None, remind_on=remind_on if reminds else None,
            reason=reason if outcome in CONTACT_CLOSING else "", note=note)
        if outcome == ContactOutcome.DIED:
            set_patient_status(item.patient, PatientStatus.DECEASED, deceased_on=deceased_on, user=user, now=now)
            return attempt
        for one in _need_items(item, now):
            if books:
                _book(one, booked_for, user, now)
            elif reminds:
                one.snoozed_until = remind_on
                one.acted_by, one.acted_at = (user if getattr(user, "pk", None) else None), now
                _save(one, user, "call back later" if outcome == ContactOutcome.REMIND else "agreed to come")
            elif outcome in CONTACT_CLOSING:
                _waive(one, reason, user, now)
    return attempt


def add_manual_item(patient: Patient, *, kind: str = DueKind.BOARD_FOLLOWUP, due_from: dt.date, due_by: dt.date,
                    reason: str, user=None, now: dt.datetime | None = None) -> DueItem:
    """A follow-up decided by a tumour board (``board_followup``), with its window and reason.

    The trigger is ``B<item id>``. Re-planning never cancels it; its state moves with time like
    the computed items', and the first brain MRI dated on or after ``due_from`` fulfils it (the
    rule of the response and confirmation scans; ``plan.refresh_manual_item``). An MRI already
    on record in that range fulfils it at once.
    """
    now = now or utcnow()
    if kind not in MANUAL_KINDS:
        raise ValidationError({"kind": f"Only {', '.join(sorted(MANUAL_KINDS))} items can be added by hand."})
    for name, value in (("due_from", due_from), ("due_by", due_by)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError({name: "Give a date."})
    if due_by < due_from:
        raise ValidationError({"due_by": "The window cannot end before it starts."})
    if due_by < today(now):
        raise ValidationError({"due_by": "This window has already passed."})
    reason = _clean_reason(reason)
    with transaction.atomic():
        patient = Patient.objects.select_for_update().select_related("care_team").get(pk=patient.pk)
        _check_user(user, patient)
        if not patient.is_active:
            raise ValidationError({"__all__": "This patient is no longer under surveillance."})
        item = DueItem(patient=patient, kind=kind, trigger=f"B-{uuid.uuid4().hex[:20]}", due_from=due_from,
                       due_by=due_by, reason=reason, created_by=user if getattr(user, "pk", None) else None)
        item.skip_history_when_saving = True
        item.save()
        del item.skip_history_when_saving
        item.trigger = f"B{item.pk}"
        _, scans, _ = schedule_input(patient)
        refresh_manual_item(item, scans, patient.status, now)
        if item.is_open:
            timing.arm(item, escalation_days=patient.care_team.escalation_days)
            item.next_transition_at = timing.wake(item)
            if item.next_transition_at is not None and item.next_transition_at <= now:
                advance(item, now, grace=write_grace())
        _save(item, user, "added by tumour board")
    return item
