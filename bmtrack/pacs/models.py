"""What the PACS connection remembers: its mapping rules, every study it saw, its last poll, and
the lesion measurements read from DICOM SR waiting for a reader's confirmation."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from bmtrack.pacs.sequences import ACQ_2D, ACQ_3D, ANY, WITH, WITHOUT, Rule
from bmtrack.patients.models.choices import Sequence


class SequenceMapping(models.Model):
    """A site rule turning a series' headers into a protocol sequence id (``pacs.sequences``)."""

    class Acquisition(models.TextChoices):
        ANY = ANY, "3D or 2D"
        THREE_D = ACQ_3D, "3D only"
        TWO_D = ACQ_2D, "2D only"

    class Contrast(models.TextChoices):
        ANY = ANY, "With or without"
        WITH = WITH, "Post-contrast only"
        WITHOUT = WITHOUT, "Pre-contrast only"

    order = models.PositiveIntegerField(default=100, help_text="Rules are tried from the lowest; the first match wins.")
    pattern = models.CharField(
        max_length=200, help_text="Regular expression searched (ignoring case) in SeriesDescription and ProtocolName.")
    acquisition = models.CharField(max_length=3, choices=Acquisition.choices, default=ANY,
                                   help_text="MRAcquisitionType")
    contrast = models.CharField(max_length=7, choices=Contrast.choices, default=ANY,
                                help_text="ContrastBolusAgent set, or post/Gd/+C in the description")
    max_slice_thickness_mm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                                 help_text="SliceThickness at most this (empty: any)")
    sequence = models.CharField(max_length=12, choices=Sequence.choices, blank=True,
                                help_text="Empty: a known series that is not a protocol sequence (localiser...).")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"/{self.pattern}/ → {self.get_sequence_display() or 'not a protocol sequence'}"

    def clean(self):
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise ValidationError({"pattern": f"Not a regular expression: {exc}."}) from None

    def as_rule(self) -> Rule:
        thickness = self.max_slice_thickness_mm
        return Rule(self.pattern, self.sequence, self.acquisition, self.contrast,
                    float(thickness) if thickness is not None else None)


class StudyState(models.TextChoices):
    IMPORTED = "imported", "Imported as a scan"
    UNMATCHED = "unmatched", "Patient unknown or ambiguous"
    IGNORED = "ignored", "Ignored by the data manager"
    FAILED = "failed", "Could not be imported"


class PacsStudy(models.Model):
    """Every study the poll has seen, once (the ledger that makes a re-poll a no-op).

    The patient's identifiers are kept as the PACS sent them so that the data manager can resolve
    an unmatched study; they never go to logs.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study_uid = models.CharField("Study Instance UID", max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=StudyState.choices)
    reason = models.CharField(max_length=300, blank=True, help_text="Why unmatched, or the import error")
    # An imported study whose scan a person deleted keeps its row (scan empty): never imported again.
    scan = models.OneToOneField("patients.Scan", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="pacs_study")
    patient_id = models.CharField("PatientID", max_length=64, blank=True)
    issuer = models.CharField("IssuerOfPatientID", max_length=64, blank=True)
    patient_name = models.CharField(max_length=200, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    study_date = models.DateField(null=True, blank=True)
    accession = models.CharField(max_length=32, blank=True)
    modalities = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=200, blank=True)
    series_count = models.PositiveIntegerField(null=True, blank=True)
    unrecognised_series = models.JSONField(default=list, blank=True,
                                           help_text="MR series no SequenceMapping recognised")
    first_seen_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        verbose_name = "PACS study"
        verbose_name_plural = "PACS studies"
        indexes = [
            # The data manager's queues: unmatched and failed studies, newest first.
            models.Index(fields=["state", "-first_seen_at"], name="pacsstudy_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} study of {self.study_date or 'unknown date'}"


class UnmatchedStudy(PacsStudy):
    """The data manager's queue in the admin: studies whose patient is unknown or ambiguous."""

    class Meta:
        proxy = True
        verbose_name = "unmatched study"
        verbose_name_plural = "unmatched studies"


class PollState(models.Model):
    """The one row recording the poll: the watermark of the last success, and the last failure."""

    last_started_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(
        null=True, blank=True, help_text="Start of the last poll that finished: the next one searches from here")
    last_duration_seconds = models.FloatField(null=True, blank=True)
    last_counts = models.JSONField(default=dict, blank=True, help_text="Counts only, never patient data")
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "PACS poll state"

    def __str__(self) -> str:
        return f"PACS poll, last success {self.last_success_at or 'never'}"

    @classmethod
    def load(cls) -> PollState:
        state, _ = cls.objects.get_or_create(pk=1)
        return state


class DraftState(models.TextChoices):
    DRAFT = "draft", "Awaiting a reader"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    UNREADABLE = "unreadable", "Not a readable measurement report"


class MeasurementDraft(models.Model):
    """The lesion measurements of one DICOM SR document (TID 1500), before a reader confirms them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scan = models.ForeignKey("patients.Scan", on_delete=models.CASCADE, related_name="measurement_drafts")
    sop_instance_uid = models.CharField("SR SOP Instance UID", max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=DraftState.choices, default=DraftState.DRAFT)
    observer = models.CharField(max_length=200, blank=True, help_text="Who measured, as the SR names them")
    content_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The readers' list: drafts awaiting confirmation.
            models.Index(fields=["state", "-created_at"], name="measurementdraft_state_idx"),
        ]

    def __str__(self) -> str:
        return f"SR measurements for {self.scan} ({self.get_state_display()})"


class DraftLine(models.Model):
    """One tracked lesion of a draft: its diameters and the lesion it was mapped to."""

    draft = models.ForeignKey(MeasurementDraft, on_delete=models.CASCADE, related_name="lines")
    tracking_uid = models.CharField(max_length=64, blank=True)
    tracking_identifier = models.CharField(max_length=64, blank=True)
    lesion = models.ForeignKey("patients.Lesion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    longest_diameter_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    perpendicular_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["tracking_identifier", "pk"]

    def __str__(self) -> str:
        return f"{self.tracking_identifier or self.tracking_uid}: {self.longest_diameter_mm} mm"


class LesionTracking(models.Model):
    """A viewer's Tracking UID for a lesion, so that the next report maps to it without a label."""

    lesion = models.ForeignKey("patients.Lesion", on_delete=models.CASCADE, related_name="tracking_uids")
    tracking_uid = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"{self.lesion.label} ← {self.tracking_uid}"
