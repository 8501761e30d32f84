"""Stored surveillance state: due items, watch windows, contact attempts and the notification outbox.

Due items and watch windows are derived from a patient's history by ``clinical.schedule`` and
saved by ``plan.replan_patient`` (the difference only, by natural key). The periodic sweep
only touches rows whose ``next_transition_at`` has passed (``sweep.py``). Every email is first a
``NotificationLedger`` row (``outbox.py``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.clinical import schedule as schedule_rules
from bmtrack.core.clock import site_zone
from bmtrack.core.formatting import fmt_datetime, fmt_range

# OPEN_STATES: the one definition of "open" (clinical.schedule), re-exported for the apps above.
from bmtrack.surveillance.phase import OPEN_STATES, DueItemQuerySet  # noqa: F401


class DueKind(models.TextChoices):
    POSTOP_MRI = "postop_mri", "Post-operative MRI"
    SRS_PLANNING_MRI = "srs_planning_mri", "SRS planning MRI"
    SRS_PLANNING_CT = "srs_planning_ct", "SRS planning CT"
    FOLLOWUP_MRI = "followup_mri", "Follow-up MRI"
    RESPONSE_MRI = "response_mri", "Response evaluation MRI"
    CONFIRMATION_MRI = "confirmation_mri", "iRANO confirmation MRI"
    BOARD_FOLLOWUP = "board_followup", "Follow-up decided by tumour board"


class DueState(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
    WAIVED = "waived", "Waived"
    CANCELLED = "cancelled", "Cancelled"


class DueItem(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="due_items")
    kind = models.CharField(max_length=20, choices=DueKind.choices)
    # Natural key with kind: "T<treatment pk>" or "S<scan pk>" (the clinical core's trigger id).
    trigger = models.CharField(max_length=24)
    trigger_treatment = models.ForeignKey("patients.Treatment", null=True, blank=True, on_delete=models.CASCADE,
                                          related_name="+")
    trigger_scan = models.ForeignKey("patients.Scan", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    # Window in site-local calendar days; the post-operative MRI also keeps exact instants.
    due_from = models.DateField()
    due_by = models.DateField()
    due_from_at = models.DateTimeField(null=True, blank=True)
    due_by_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=DueState.choices, default=DueState.UPCOMING)
    # The next instant at which time alone changes something about this open item: its state
    # (upcoming → due → overdue), an urgent alert or an escalation falling due. The sweep serves
    # ``next_transition_at <= now`` and nothing else (``sweep.py``); None once the item is closed.
    next_transition_at = models.DateTimeField(null=True, blank=True)
    overdue_since = models.DateTimeField(null=True, blank=True)
    # The instant the window ends (the item is, or will be, overdue from then on).
    overdue_at = models.DateTimeField(null=True, blank=True)
    # Urgent kinds: when the immediate alert is owed, and when it was put in the outbox (None = still owed).
    alert_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    # When the item escalates to the team's responsible physician, and when it did.
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey("patients.Scan", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="fulfilled_items")
    late = models.BooleanField(default=False)
    notes = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    # Nurse's contact work on the item. ``booked_for`` is the booking's site-local day (what lists,
    # digests and feeds read); ``booked_at`` its instant when a time was given (the post-operative
    # MRI is checked by the hour). A booking outside the limits the scan is owed by
    # (``clinical.booking``) is kept only with a reason, and stays flagged: ``booking_breach`` says
    # which limit it breaks, ``booking_reason`` why it was booked anyway.
    booked_for = models.DateField(null=True, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    booking_breach = models.CharField(max_length=300, blank=True)
    booking_reason = models.CharField(max_length=300, blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    waived_reason = models.CharField(max_length=300, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    acted_at = models.DateTimeField(null=True, blank=True)
    # Manual items (tumour-board follow-ups): why they exist and who added them.
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = DueItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_by", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind", "trigger"], name="dueitem_natural_key"),
            models.CheckConstraint(condition=models.Q(due_by__gte=models.F("due_from")),
                                   name="dueitem_window_ordered"),
            models.CheckConstraint(
                condition=~models.Q(state="waived") | ~models.Q(waived_reason=""),
                name="dueitem_waived_has_reason",
                violation_error_message="Waiving an item needs a reason.",
            ),
            models.CheckConstraint(
                condition=models.Q(booking_breach="") | ~models.Q(booking_reason=""),
                name="dueitem_flagged_booking_has_reason",
                violation_error_message="A booking outside its limits needs a reason.",
            ),
        ]
        indexes = [
            # The sweep: open items whose next time-driven transition has passed.
            models.Index(fields=["next_transition_at"], name="dueitem_next_transition_idx",
                         condition=models.Q(next_transition_at__isnull=False)),
            # Worklist and digests: a patient's open items by window.
            models.Index(fields=["state", "due_by"], name="dueitem_state_due_by_idx"),
            models.Index(fields=["patient", "state"], name="dueitem_patient_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {fmt_range(self.due_from, self.due_by)} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_booked(self) -> bool:
        return self.is_open and self.booked_for is not None

    @property
    def booking_flagged(self) -> bool:
        """An open booking outside the scan's limits, kept with a reason (shown wherever the booking is)."""
        return self.is_booked and bool(self.booking_breach)

    @property
    def status_label(self) -> str:
        """What a list shows: "booked" for an open item with a booking, else its phase when the row
        was read ``with_phase(now)`` (``phase.py``), else the state as stored."""
        return "booked" if self.is_booked else getattr(self, "phase", None) or self.state

    @property
    def is_manual(self) -> bool:
        return self.kind in MANUAL_KINDS

    @property
    def late_by(self) -> dt.timedelta | None:
        """How late the fulfilling scan came (``clinical.schedule.late_by``); None if in time or not done.

        Reads ``fulfilled_by``: select it with the item when listing many."""
        if self.state != DueState.DONE or not self.late or self.fulfilled_by is None:
            return None
        due_by = self.due_by_at if self.due_by_at is not None else self.due_by
        return schedule_rules.late_by(due_by, self.fulfilled_by.at, site_zone())

    @property
    def late_by_hours(self) -> int | None:
        """The delay in whole hours (record.md: a late post-op MRI is "done late" with the delay in hours)."""
        delay = self.late_by
        return None if delay is None else max(1, int(delay.total_seconds() // 3600))

    @property
    def late_text(self) -> str:
        """"done late (20 h after the limit)" — what every screen and email says of a late item."""
        hours = self.late_by_hours
        if hours is None:
            return "done late" if self.state == DueState.DONE and self.late else ""
        if self.due_by_at is None and hours >= 48:
            days = hours // 24
            return f"done late ({days} days after the deadline)"
        return f"done late ({hours} h after the limit)"


MANUAL_KINDS = frozenset({DueKind.BOARD_FOLLOWUP})


class ContactOutcome(models.TextChoices):
    """What came of a call, after Simple.org's overdue list (issue 16). The first four are the
    original values (rows in the database use them).

    - keep the row on the list: no answer, voicemail, unreachable;
    - wait (the row moves to "Waiting"): booked, agreed to come (with the booking or a day to check
      back), call back later;
    - take it off the list, with a reason: not needed, declined, scanned elsewhere, moved away
      (the need is waived); died (the patient's status is set through the patient service).
    """

    BOOKED = "booked", "Scan booked"
    NO_ANSWER = "no_answer", "No answer"
    REMIND = "remind", "Call back later"
    NOT_NEEDED = "not_needed", "Not needed (waived)"
    AGREED = "agreed", "Agreed to come"
    VOICEMAIL = "voicemail", "Voicemail left"
    UNREACHABLE = "unreachable", "Unreachable (number wrong or dead)"
    DECLINED = "declined", "Declined the scan"
    ELSEWHERE = "elsewhere", "Scanned elsewhere"
    MOVED = "moved", "Moved away"
    DIED = "died", "Died"


# Outcomes that close the need (waive it, or end the patient's surveillance): each needs a reason.
CONTACT_CLOSING = frozenset({ContactOutcome.NOT_NEEDED, ContactOutcome.DECLINED, ContactOutcome.ELSEWHERE,
                             ContactOutcome.MOVED, ContactOutcome.DIED})
# Outcomes that are only an attempt: the row stays on the list as it was.
CONTACT_ATTEMPT_ONLY = frozenset({ContactOutcome.NO_ANSWER, ContactOutcome.VOICEMAIL, ContactOutcome.UNREACHABLE})


class ContactAttempt(models.Model):
    """One contact by a nurse about a due item (a call, a message), and what came of it."""

    item = models.ForeignKey(DueItem, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    outcome = models.CharField(max_length=12, choices=ContactOutcome.choices)
    booked_for = models.DateField(null=True, blank=True)
    remind_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The item page: its contacts, newest first.
            models.Index(fields=["item", "-at"], name="contact_item_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(outcome="booked") | models.Q(booked_for__isnull=False),
                                   name="contact_booked_has_date",
                                   violation_error_message="A booking needs its date."),
            models.CheckConstraint(condition=~models.Q(outcome="remind") | models.Q(remind_on__isnull=False),
                                   name="contact_remind_has_date",
                                   violation_error_message="A reminder needs its date."),
            models.CheckConstraint(condition=~models.Q(outcome="not_needed") | ~models.Q(reason=""),
                                   name="contact_not_needed_has_reason",
                                   violation_error_message="Say why the scan is not needed."),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["declined", "elsewhere", "moved", "died"]) | ~models.Q(reason=""),
                name="contact_closing_has_reason",
                violation_error_message="Say why the patient leaves the list."),
            models.CheckConstraint(
                condition=~models.Q(outcome="agreed") | models.Q(booked_for__isnull=False)
                | models.Q(remind_on__isnull=False),
                name="contact_agreed_has_date",
                violation_error_message="Give the booking date or the day to check back."),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {fmt_datetime(self.at)}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"
    SKIPPED = "skipped", "Not sent (no longer relevant)"


class NotificationLedger(models.Model):
    """The outbox: one row per email owed, written in the transaction of the change that owes it.

    ``(recipient, kind, key)`` is unique, so a duplicate is impossible rather than unlikely. The
    content is not stored before sending: it is rendered at send time from the record as it is
    then (``outbox.register_renderer``); ``subject`` and ``to_email`` keep what was actually sent.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="notifications")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    patient = models.ForeignKey("patients.Patient", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="notifications")
    item = models.ForeignKey(DueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications")
    # Ids and dates the renderer needs; never patient data.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    created_at = models.DateTimeField()
    # Not to be tried before this instant (backoff after a failure).
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    to_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="ledger_unique_key"),
        ]
        indexes = [
            # The sender's claim: the oldest pending row whose time has come.
            models.Index(fields=["next_attempt_at"], name="ledger_pending_idx",
                         condition=models.Q(status="pending")),
            # Lease recovery: rows claimed by a sender that died before recording the outcome.
            models.Index(fields=["claimed_at"], name="ledger_sending_idx", condition=models.Q(status="sending")),
            # Notification logs: per nurse and per patient, newest first.
            models.Index(fields=["recipient", "-created_at"], name="ledger_recipient_idx"),
            models.Index(fields=["patient", "-created_at"], name="ledger_patient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"


class NotificationLine(models.Model):
    """One due item an email reported, as sent (so a patient's log lists the digests that named it)."""

    notification = models.ForeignKey(NotificationLedger, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(DueItem, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "item"], name="notificationline_once"),
        ]
        indexes = [
            # A patient's notification log.
            models.Index(fields=["patient"], name="notificationline_patient_idx"),
        ]

    def __str__(self) -> str:
        return f"item {self.item_id} ({self.state}) in notification {self.notification_id}"


class WatchKind(models.TextChoices):
    PSEUDOPROGRESSION = "pseudoprogression", "Pseudoprogression watch (immunotherapy or targeted therapy)"
    RADIATION_NECROSIS = "radiation_necrosis", "Radiation-necrosis watch (SRS)"


class WatchWindow(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="watch_windows")
    kind = models.CharField(max_length=20, choices=WatchKind.choices)
    trigger = models.CharField(max_length=24)
    trigger_treatment = models.ForeignKey("patients.Treatment", null=True, blank=True, on_delete=models.CASCADE,
                                          related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind", "trigger"], name="watchwindow_natural_key"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="watchwindow_ordered"),
        ]
        indexes = [
            # Worklist: patients inside a window today.
            models.Index(fields=["ends_on", "starts_on"], name="watchwindow_span_idx"),
            # Worklist: which of a nurse's patients are inside a window today, from the index alone.
            models.Index(fields=["patient", "ends_on", "starts_on"], name="watchwindow_patient_span_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {fmt_range(self.starts_on, self.ends_on)}"
