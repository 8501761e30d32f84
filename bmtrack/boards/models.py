"""Tumour boards: boards, their meetings, the cases discussed and the coordinator's answers to suggestions.

Every write goes through ``bmtrack.boards.services`` (and ``decisions`` for the board's decision);
patient rows are reached through ``bmtrack.accounts.access`` only. Unanswered suggestions are not
stored: they are computed from the record (``suggestions.py``); a ``CaseSuggestion`` row keeps the
coordinator's answer (accepted or dismissed) so the same evidence is not suggested again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.core.formatting import fmt_date


class SuggestionReason(models.TextChoices):
    # Order is the order suggestions are listed in (most pressing first).
    PROGRESSION = "progression", "Progression (RANO-BM PD or iRANO unconfirmed PD)"
    ENLARGING_IN_WINDOW = "enlarging_in_window", "Enlarging treated lesion inside a watch window"
    NEW_BM = "new_bm", "New brain metastasis diagnosis"
    POSTOP_RESIDUAL = "postop_residual", "Residual tumour on post-operative MRI"
    GPA_FALLEN = "gpa_fallen", "GPA has fallen"


class Decision(models.TextChoices):
    SRS_PLANNED = "srs_planned", "SRS planned"
    SURGERY = "surgery", "Surgery"
    SWITCH_SYSTEMIC = "switch_systemic", "Switch systemic therapy"
    WBRT = "wbrt", "Whole-brain radiotherapy"
    REPEAT_MRI_3_MONTHS = "repeat_mri_3_months", "Repeat MRI in 3 months"
    ADVANCED_IMAGING = "advanced_imaging", "Advanced imaging (perfusion MRI, amino-acid PET)"
    CONTINUE_SURVEILLANCE = "continue_surveillance", "Continue current treatment and surveillance"
    BEST_SUPPORTIVE_CARE = "best_supportive_care", "Best supportive care"
    OTHER = "other", "Other (see note)"


class Board(models.Model):
    name = models.CharField(max_length=120, unique=True)
    care_teams = models.ManyToManyField(
        "accounts.CareTeam", blank=True, related_name="boards",
        help_text="Teams whose patients this board discusses; suggestions come from them (none: every team).",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="boards",
        help_text="Standing attendees: invited to every new meeting of the board.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    starts_at = models.TimeField("start time", null=True, blank=True)
    location = models.CharField(max_length=120, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="board_meetings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["board", "date"], name="meeting_one_per_board_per_day"),
        ]
        indexes = [
            # Agenda task: meetings in the next BOARD_AGENDA_DAYS_BEFORE days; list: upcoming meetings.
            models.Index(fields=["date"], name="meeting_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.board} {fmt_date(self.date)}"


class BoardCase(models.Model):
    """One patient on a meeting's agenda: the question, the presenter, and the board's decision."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="board_cases")
    order = models.PositiveSmallIntegerField(default=1)
    question = models.TextField(max_length=1000)
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="presented_cases")
    # Why the case is on the agenda: the accepted suggestions, each
    # {"reason", "evidence", "text", "on", "window_kind"}; empty for a case added by hand.
    reasons = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # What the decision created, so the follow-up can be traced from the case.
    planned_treatment = models.ForeignKey("patients.Treatment", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="board_cases")
    followup_item = models.ForeignKey("surveillance.DueItem", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="board_cases")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "patient"], name="boardcase_patient_once_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(decision="") | models.Q(decided_at__isnull=False),
                name="boardcase_decision_has_time",
                violation_error_message="A decision needs the time it was recorded.",
            ),
        ]
        indexes = [
            # Suggestions: "was this patient discussed on or after the event?"
            models.Index(fields=["patient", "meeting"], name="boardcase_patient_idx"),
        ]

    def __str__(self) -> str:
        return f"case {self.order} of {self.meeting}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class SuggestionStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class CaseSuggestion(models.Model):
    """A coordinator's answer to one suggestion (board, patient, reason, evidence)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="suggestion_answers")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="suggestion_answers")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=24, choices=SuggestionReason.choices)
    # Natural key of the evidence within the reason, e.g. "S42" (a scan), "G7" (a GPA assessment).
    evidence = models.CharField(max_length=64)
    text = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices)
    board_case = models.ForeignKey(BoardCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField()
    # A dismissal can be undone (``services.undismiss_suggestion``): the row goes, its history stays.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["board", "patient", "reason", "evidence"],
                                    name="casesuggestion_answered_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.status})"
