"""A nurse's work on due items (zulip's ``do_*`` actions): book, waive, record a contact, add a
tumour-board follow-up.

Each function validates its input (``ValidationError`` naming the field, nothing saved), writes
in one transaction with the item row locked, and keeps history (django-simple-history notes the
user and a change reason). When ``user`` is given it must be able to see the patient (access
layer), else ``PermissionDenied``. Acting on an item takes it out of the digests: a booked item
stays open (it shows as "booked") until the scan is recorded, a waived item is closed.

A booking carries a day and, better, a time (``booked_at``; the post-operative MRI, whose limit
is in hours, needs the time). It is checked against the limits the scan is owed by
(``clinical.booking``: the window, the 72 h after surgery, the planned treatment it must precede);
one outside them is refused unless a ``booking_reason`` is given, and is then kept flagged.

Booking, snoozing ("call back later") and waiving act on the item's need (``needs.py``): the
items one MRI answers together are shown as one row, so booking that MRI books each of them
(each keeps its own history row); a contact attempt is recorded on the item acted on.

Public API (**contract**)::

    book_item(item, *, booked_at: datetime = None, booked_for: date = None, booking_reason="", user,
              now=None) -> DueItem
    waive_item(item, *, reason: str, user, now=None) -> DueItem
    unwaive_item(item, *, user, now=None) -> DueItem                # undo a waiver (re-planned)
    need_preview(item, now=None) -> list[DueItem]                    # what a waiver would close
    booking_limits(item) -> clinical.booking.BookingLimits
    record_contact(item, *, outcome: str, user, booked_for=None, booked_at=None, booking_reason="",
                   remind_on=None, reason="", note="", deceased_on=None, now=None) -> ContactAttempt
    add_manual_item(patient, *, kind="board_followup", due_from: date, due_by: date, reason: str,
                    user=None, now=None) -> DueItem
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bmtrack.clinical import booking as booking_rules
from bmtrack.core.clock import local_date, site_zone, today, utcnow
from bmtrack.core.formatting import fmt_date
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import PatientStatus
from bmtrack.patients.scoping import can_see_patient
from bmtrack.patients.services import set_patient_status
from bmtrack.patients.services.common import with_history
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
from bmtrack.surveillance.phase import open_phase
from bmtrack.surveillance.plan import refresh_manual_item, replan_patient, schedule_input

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


def need_preview(item: DueItem, now: dt.datetime | None = None) -> list[DueItem]:
    """The items an action on ``item`` would act on together (its need), read without locking:
    what a confirmation step lists before a waiver."""
    now = now or utcnow()
    if not item.is_open:
        return [item]
    siblings = list(DueItem.objects.filter(patient_id=item.patient_id).open().exclude(pk=item.pk).order_by("pk"))
    need = need_of(item, [item, *siblings], now)
    return [item, *(other for other in need.items if other.pk != item.pk)]


def leaving_care_preview(patient) -> list[DueItem]:
    """The open items a patient's leaving active care cancels (``set_patient_status`` re-plans her),
    urgent first, read without locking: what a confirmation step lists before she leaves the lists."""
    return sorted(DueItem.objects.filter(patient_id=patient.pk).open(),
                  key=lambda item: (not item.urgent, item.due_by, item.pk))


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


def _booking_moment(booked_at, booked_for, now: dt.datetime) -> tuple[dt.date, dt.datetime | None, str]:
    """(local day, instant or None, the field the nurse filled) of a booking, checked at the edge."""
    if booked_at is not None:
        if not isinstance(booked_at, dt.datetime) or booked_at.tzinfo is None or booked_at.utcoffset() is None:
            raise ValidationError({"booked_at": "Give the date and time the scan is booked for."})
        day, field = local_date(booked_at), "booked_at"
        if booked_for is not None and booked_for != day:
            raise ValidationError({"booked_for": "The booked day and the booked time disagree."})
    elif booked_for is not None:
        day, field = booked_for, "booked_for"
    else:
        raise ValidationError({"booked_at": "Give the date and time the scan is booked for."})
    _check_date(day, field, not_before=today(now))
    return day, booked_at, field


def booking_limits(item: DueItem) -> booking_rules.BookingLimits:
    """The limits ``item``'s scan is owed by, as the rule reads them (``clinical.booking``)."""
    treatment = item.trigger_treatment if item.trigger_treatment_id else None
    planned = treatment is not None and treatment.status == "planned"
    return booking_rules.BookingLimits(
        due_from=item.due_from, due_by=item.due_by, due_from_at=item.due_from_at, due_by_at=item.due_by_at,
        treatment_kind=treatment.kind if planned else None, treatment_start=treatment.start if planned else None)


def _breaches(items: list[DueItem], day: dt.date, instant: dt.datetime | None, field: str) -> dict[int, str]:
    """Each item's breached limits, in words ("" when in time); a timed item booked without a time is refused."""
    found = {}
    for one in items:
        limits = booking_limits(one)
        if limits.timed and instant is None:
            raise ValidationError({"booked_at": (
                f"Give the time: the limit of the {one.get_kind_display()} is in hours "
                f"(by {booking_rules.moment_text(one.due_by_at, site_zone())}).")})
        found[one.pk] = "; ".join(booking_rules.booking_breaches(limits, instant or day, site_zone()))
    return found


def _check_breaches(found: dict[int, str], reason: str, field: str) -> str:
    """The reason kept with a booking outside its limits; refused without one (the limit named)."""
    broken = list(dict.fromkeys(text for text in found.values() if text))
    reason = (reason or "").strip()
    if not broken:
        return ""
    if not reason:
        limits = "; ".join(broken)
        raise ValidationError({
            field: f"This booking is {limits}. Choose another time, or give a reason to book it anyway.",
            "booking_reason": "A booking outside the limit needs a reason.",
        })
    return _clean_reason(reason, "booking_reason")


def _book(item: DueItem, day: dt.date, instant: dt.datetime | None, breach: str, reason: str, user,
          now: dt.datetime) -> None:
    item.booked_for, item.booked_at = day, instant
    item.booking_breach, item.booking_reason = breach, (reason if breach else "")
    item.snoozed_until = None
    item.acted_by, item.acted_at = (user if getattr(user, "pk", None) else None), now
    _save(item, user, "booked outside the limit" if breach else "booked")


def _waive(item: DueItem, reason: str, user, now: dt.datetime) -> None:
    item.state, item.waived_reason = DueState.WAIVED, reason
    item.next_transition_at = None
    item.overdue_since = None
    item.acted_by, item.acted_at = (user if getattr(user, "pk", None) else None), now
    _save(item, user, "waived")


def book_item(item: DueItem, *, booked_at: dt.datetime | None = None, booked_for: dt.date | None = None,
              booking_reason: str = "", user, now: dt.datetime | None = None) -> DueItem:
    """Mark the scan as booked for a time (``booked_at``) or a day (``booked_for``), today or later.

    The item stays open until the scan is recorded. Outside the scan's limits (module docstring) it
    needs ``booking_reason``, and stays flagged.
    """
    now = now or utcnow()
    day, instant, field = _booking_moment(booked_at, booked_for, now)
    with transaction.atomic():
        item = _locked(item)
        _check_user(user, item.patient)
        _require_open(item, field)
        items = _need_items(item, now)
        found = _breaches(items, day, instant, field)
        reason = _check_breaches(found, booking_reason, field)
        for one in items:
            _book(one, day, instant, found[one.pk], reason, user, now)
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


def unwaive_item(item: DueItem, *, user, now: dt.datetime | None = None) -> DueItem:
    """Undo a waiver: the item, and the items of its need waived with it, open again.

    Re-opened through the planning seam (``plan.replan_patient``): the rules decide what is still
    owed (an item whose scan has since come is done; one the rules no longer ask for is cancelled),
    and its alert and escalation moments are re-armed (an alert already sent is not sent again).
    """
    now = now or utcnow()
    with transaction.atomic():
        item = _locked(item)
        _check_user(user, item.patient)
        if item.state != DueState.WAIVED:
            raise ValidationError({"__all__": "This item is not waived: there is nothing to undo."})
        # The items waived in the same action (one need) go back together.
        together = [item, *DueItem.objects.select_for_update().filter(
            patient_id=item.patient_id, state=DueState.WAIVED, acted_at=item.acted_at,
            waived_reason=item.waived_reason).exclude(pk=item.pk).order_by("pk")]
        escalation_days = item.patient.care_team.escalation_days
        for one in together:
            one.state, one.waived_reason = open_phase(one, now), ""
            one.acted_by, one.acted_at = (user if getattr(user, "pk", None) else None), now
            timing.arm(one, escalation_days=escalation_days)
            one.next_transition_at = timing.wake(one)
            _save(one, user, "waiver undone")
        replan_patient(with_history(item.patient), now=now, user=user)
        item.refresh_from_db()
    return item


def record_contact(item: DueItem, *, outcome: str, user, booked_for: dt.date | None = None,
                   booked_at: dt.datetime | None = None, booking_reason: str = "",
                   remind_on: dt.date | None = None, reason: str = "", note: str = "",
                   deceased_on: dt.date | None = None, now: dt.datetime | None = None) -> ContactAttempt:
    """One contact about the item and what came of it (``ContactOutcome``).

    1. ``no_answer``, ``voicemail``, ``unreachable``: only the attempt is recorded (it counts).
    2. ``booked`` needs ``booked_at`` or ``booked_for`` (books the item's need as ``book_item`` does:
       checked against the scan's limits, with ``booking_reason`` when outside them); ``remind``
       needs ``remind_on`` (a later day: the need leaves the worklist and the digests until then);
       ``agreed`` (agreed to come) needs one of them and does the same.
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
    booked = booked_for is not None or booked_at is not None
    if outcome == ContactOutcome.AGREED and not booked and remind_on is None:
        raise ValidationError({"booked_for": "Give the booking date, or the day to check back."})
    books = outcome == ContactOutcome.BOOKED or (outcome == ContactOutcome.AGREED and booked)
    reminds = outcome == ContactOutcome.REMIND or (outcome == ContactOutcome.AGREED and not books)
    if books:
        if not booked:
            raise ValidationError({"booked_for": "Give the date the scan is booked for."})
        booked_for, booked_at, booking_field = _booking_moment(booked_at, booked_for, now)
    if reminds:
        if remind_on is None:
            raise ValidationError({"remind_on": "Give the day to call back."})
        _check_date(remind_on, "remind_on", not_before=day + dt.timedelta(days=1))
    if outcome == ContactOutcome.DIED:
        if not isinstance(deceased_on, dt.date) or isinstance(deceased_on, dt.datetime):
            raise ValidationError({"deceased_on": "Give the date of death."})
        if deceased_on > day:
            raise ValidationError({"deceased_on": "The date of death cannot be in the future."})
        reason = (reason or "").strip() or f"Died on {fmt_date(deceased_on)}"
    if outcome in CONTACT_CLOSING:
        reason = _clean_reason(reason)
    with transaction.atomic():
        item = _locked(item)
        _check_user(user, item.patient)
        _require_open(item, "outcome")
        items = _need_items(item, now)
        if books:
            found = _breaches(items, booked_for, booked_at, booking_field)
            booking_reason = _check_breaches(found, booking_reason, booking_field)
        attempt = ContactAttempt.objects.create(
            item=item, at=now, user=user if getattr(user, "pk", None) else None, outcome=outcome,
            booked_for=booked_for if books else None, remind_on=remind_on if reminds else None,
            reason=reason if outcome in CONTACT_CLOSING else "", note=note)
        if outcome == ContactOutcome.DIED:
            set_patient_status(item.patient, PatientStatus.DECEASED, deceased_on=deceased_on, user=user, now=now)
            return attempt
        for one in items:
            if books:
                _book(one, booked_for, booked_at, found[one.pk], booking_reason, user, now)
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
