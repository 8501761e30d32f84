from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.core.formatting import fmt_date, fmt_datetime
from bmtrack.patients.models.choices import (
    FIELD_STRENGTHS,
    MeasurementRole,
    MeasurementStatus,
    Modality,
    NewLesions,
    NonTarget,
    ScanPurpose,
    Tracer,
    WorkupMethod,
)
from bmtrack.patients.models.choices import WorkupResult as WorkupResultChoice
from bmtrack.patients.validators import DICOM_UID_MESSAGE, DICOM_UID_PATTERN, validate_dicom_uid

# RANO-BM: diameters are entered 0–150 mm (docs/clinical/rano-bm.md, CLI contract). A lesion that
# disappeared is recorded as ``disappeared`` without a diameter, so a stored diameter is always > 0.
MAX_DIAMETER_MM = Decimal("150")


class Scan(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="scans")
    at = models.DateTimeField("date and time")
    modality = models.CharField(max_length=4, choices=Modality.choices, default=Modality.MRI)
    tracer = models.CharField(max_length=6, choices=Tracer.choices, blank=True)
    purpose = models.CharField(max_length=20, choices=ScanPurpose.choices, default=ScanPurpose.SURVEILLANCE)
    field_strength_t = models.DecimalField(
        "field strength (T)", max_digits=2, decimal_places=1, null=True, blank=True,
        choices=[(Decimal(str(v)), label) for v, label in FIELD_STRENGTHS],
    )
    scanner = models.CharField(max_length=120, blank=True)
    # Sequence ids of docs/clinical/schedule.md (t1_pre_3d, t1_post_3d, t2, flair, ...).
    sequences = models.JSONField(default=list, blank=True)
    study_uid = models.CharField("DICOM Study Instance UID", max_length=64, blank=True,
                                 validators=[validate_dicom_uid])
    accession = models.CharField(max_length=32, blank=True)
    # The reader's qualitative assessment, used by RANO-BM with the target measurements.
    new_lesions = models.CharField(
        "new lesion call", max_length=10, choices=NewLesions.choices, default=NewLesions.NOT_CALLED, blank=True,
        help_text="The reader's call on a new lesion: none, equivocal or definite (record.md: no silent default).")
    non_target = models.CharField(max_length=12, choices=NonTarget.choices, default=NonTarget.NONE)
    is_baseline = models.BooleanField(
        "response baseline", default=False,
        help_text="The baseline of a RANO-BM series (the scan at most 4 weeks before the treatment assessed).",
    )
    measurement_status = models.CharField(
        max_length=16, choices=MeasurementStatus.choices, default=MeasurementStatus.PENDING
    )
    report = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # Patient page, re-planning and RANO-BM: a patient's scans in time order.
            models.Index(fields=["patient", "at"], name="scan_patient_at_idx"),
            # Worklist: the MRIs of a nurse's patients awaiting lesion measurements (a few among
            # thousands of scans: the patient index alone read them all).
            models.Index(
                fields=["patient"], name="scan_pending_measure_idx",
                condition=models.Q(measurement_status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(modality="pet") | models.Q(tracer=""),
                name="scan_tracer_only_for_pet",
                violation_error_message="Only a PET scan has a tracer.",
            ),
            models.CheckConstraint(
                condition=~models.Q(modality="pet") | ~models.Q(tracer=""),
                name="scan_pet_needs_tracer",
                violation_error_message="A PET scan needs its tracer.",
            ),
            models.CheckConstraint(
                condition=models.Q(study_uid="") | models.Q(study_uid__regex=DICOM_UID_PATTERN),
                name="scan_study_uid_is_a_dicom_uid",
                violation_error_message=DICOM_UID_MESSAGE,
            ),
            # A DICOM study is one scan (a PACS poll that runs twice must not record it twice).
            models.UniqueConstraint(
                fields=["patient", "study_uid"], condition=~models.Q(study_uid=""),
                name="scan_study_uid_once_per_patient",
                violation_error_message="This study is already recorded for this patient.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {fmt_datetime(self.at)}"


class WorkupResult(models.Model):
    """A reader's work-up of an enlarging treated lesion: perfusion MRI, amino-acid PET or
    histology, with its result (rano-bm.md, radiation-necrosis window)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="workups")
    performed_on = models.DateField()
    method = models.CharField(max_length=16, choices=WorkupMethod.choices)
    result = models.CharField(max_length=18, choices=WorkupResultChoice.choices)
    lesion = models.ForeignKey("patients.Lesion", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="workups", help_text="The lesion examined, when one was.")
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    history = HistoricalRecords()

    class Meta:
        ordering = ["performed_on", "pk"]
        indexes = [models.Index(fields=["patient", "performed_on"], name="workup_patient_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {fmt_date(self.performed_on)}: {self.get_result_display()}"


class Lesion(models.Model):
    """A brain metastasis with a stable identity across scans (L1, L2, ...)."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="lesions")
    label = models.CharField(max_length=12)
    location = models.CharField(max_length=120, blank=True, help_text="e.g. left frontal, cerebellar vermis")
    first_seen_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "label"], name="lesion_label_unique_per_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.location}".strip()


class Measurement(models.Model):
    lesion = models.ForeignKey(Lesion, on_delete=models.CASCADE, related_name="measurements")
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="measurements")
    longest_diameter_mm = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_DIAMETER_MM)])
    perpendicular_mm = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_DIAMETER_MM)])
    disappeared = models.BooleanField(default=False, help_text="No longer visible (counts as 0 mm)")
    enhancing = models.BooleanField(default=True)
    measurable = models.BooleanField(default=True)
    role = models.CharField(max_length=10, choices=MeasurementRole.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scan__at", "lesion__label"]
        constraints = [
            models.UniqueConstraint(fields=["lesion", "scan"], name="measurement_once_per_lesion_scan"),
            models.CheckConstraint(
                condition=models.Q(disappeared=True, longest_diameter_mm__isnull=True)
                | models.Q(
                    disappeared=False, longest_diameter_mm__gt=0, longest_diameter_mm__lte=MAX_DIAMETER_MM
                ),
                name="measurement_diameter_0_150",
                violation_error_message="Longest diameter must be above 0 and at most 150 mm (or mark it disappeared).",
            ),
            models.CheckConstraint(
                condition=models.Q(perpendicular_mm__isnull=True)
                | models.Q(perpendicular_mm__gt=0, perpendicular_mm__lte=models.F("longest_diameter_mm")),
                name="measurement_perpendicular_le_longest",
                violation_error_message="The perpendicular diameter must be above 0 and not exceed the longest.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesion.label}: {'gone' if self.disappeared else f'{self.longest_diameter_mm} mm'}"

    @property
    def diameter_mm(self) -> Decimal:
        return Decimal(0) if self.disappeared else self.longest_diameter_mm
