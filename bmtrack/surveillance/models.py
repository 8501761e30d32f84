"""Stored surveillance state: due items, watch windows, and the notification outbox.

Due items and watch windows are derived from a patient's history by ``clinical.schedule`` and
saved by ``services.replan_patient`` (the difference only, by natural key). The periodic sweep
only touches rows whose ``next_transition_at`` has passed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


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


OPEN_STATES = (DueState.UPCOMING, DueState.DUE, DueState.OVERDUE)


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
    # When time alone will next change ``state``; the sweep serves ``next_transition_at <= now``.
    next_transition_at = models.DateTimeField(null=True, blank=True)
    overdue_since = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey("patients.Scan", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="fulfilled_items")
    late = models.BooleanField(default=False)
    notes = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    # Nurse's contact work on the item.
    booked_for = models.DateField(null=True, blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    waived_reason = models.CharField(max_length=300, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

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
        return f"{self.get_kind_display()} {self.due_from:%Y-%m-%d}–{self.due_by:%Y-%m-%d} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class WatchKind(models.TextChoices):
    PSEUDOPROGRESSION = "pseudoprogression", "Pseudoprogression watch (ICI/TT)"
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
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"
