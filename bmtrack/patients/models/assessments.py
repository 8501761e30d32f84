"""Stored results of the clinical core, with the inputs as used, so any figure can be checked."""

from django.db import models

from bmtrack.clinical.record import NEW_LESION_CALL_NEEDED
from bmtrack.patients.models.choices import GpaMoment, GpaStatus


class GPAAssessment(models.Model):
    """One Graded Prognostic Assessment of one moment (at diagnosis of brain metastases, or
    current); a new row when an input changes, the old kept. A row that is not ``scored`` says why
    in ``message`` (record.md: "not scorable: ..." / "not applicable: ...")."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="gpa_assessments")
    primary = models.ForeignKey("patients.PrimaryTumour", null=True, on_delete=models.SET_NULL)
    moment = models.CharField(max_length=10, choices=GpaMoment.choices, default=GpaMoment.CURRENT)
    status = models.CharField(max_length=16, choices=GpaStatus.choices, default=GpaStatus.SCORED)
    message = models.CharField(max_length=300, blank=True)
    assessed_on = models.DateField()
    variant = models.CharField(max_length=24)
    inputs = models.JSONField(help_text="Factors as used, with the dates they were taken from")
    points = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    band = models.CharField(max_length=12, blank=True)
    median_survival_months = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    iqr_months = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    companion = models.JSONField(null=True, blank=True, help_text="Lung-molGPA 2017 shown beside the 2022 result")
    computed_at = models.DateTimeField()
    # The GPA of the record as it stands: the latest row, unless a later change left the record
    # without one (a corrected primary type whose markers are not in yet, a KPS removed...). Old rows
    # are kept as history; no page or packet shows a GPA for a record that no longer yields it.
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"
        # Patient page, board packet and refresh_gpa: a patient's latest GPA (and the one before it).
        indexes = [models.Index(fields=["patient", "-computed_at"], name="gpa_patient_latest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["patient", "moment"], condition=models.Q(current=True),
                                    name="gpa_one_current_per_patient_moment"),
            models.CheckConstraint(
                condition=~models.Q(status="scored") | models.Q(score__isnull=False),
                name="gpa_scored_has_score", violation_error_message="A scored GPA needs its score."),
        ]

    def __str__(self) -> str:
        return f"{self.variant} {self.score}" if self.status == GpaStatus.SCORED else self.message


class ResponseAssessment(models.Model):
    """RANO-BM (and iRANO) category of one follow-up scan, with the numbers behind it."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="responses")
    scan = models.OneToOneField("patients.Scan", on_delete=models.CASCADE, related_name="response")
    baseline_scan = models.ForeignKey("patients.Scan", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16)
    sum_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    baseline_sum_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    nadir_sum_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    change_from_baseline_pct = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    change_from_nadir_pct = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    confirmed = models.BooleanField(null=True, blank=True)
    pd_date = models.DateField(null=True, blank=True)
    confirmation_due = models.DateField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    immunotherapy = models.BooleanField(default=False, help_text="Scored under iRANO")
    targets = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["scan__at"]
        indexes = [
            # Worklist: unconfirmed progression awaiting confirmation, and scans awaiting the reader's
            # call on a new lesion, of a nurse's patients: few rows each, found by patient.
            models.Index(fields=["patient"], name="response_unconfirmed_idx",
                         condition=models.Q(category="unconfirmed PD")),
            models.Index(fields=["patient"], name="response_call_needed_idx",
                         condition=models.Q(flags__icontains=NEW_LESION_CALL_NEEDED)),
        ]

    def __str__(self) -> str:
        return f"{self.category} on scan {self.scan_id}"
