from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.core.formatting import fmt_date
from bmtrack.patients.models.choices import RADIOTHERAPY, SYSTEMIC_TREATMENTS, TreatmentKind, TreatmentStatus


class Treatment(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="treatments")
    kind = models.CharField(max_length=10, choices=TreatmentKind.choices)
    status = models.CharField(max_length=10, choices=TreatmentStatus.choices, default=TreatmentStatus.GIVEN)
    # Date-times: hours matter after surgery (post-operative MRI within 72 h).
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    agent = models.CharField(max_length=120, blank=True, help_text="Drug(s) for systemic therapy, e.g. osimertinib")
    line = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Line of systemic therapy",
                                            validators=[MinValueValidator(1), MaxValueValidator(20)])
    dose_gy = models.DecimalField("dose (Gy)", max_digits=5, decimal_places=2, null=True, blank=True,
                                  validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],)
    fractions = models.PositiveSmallIntegerField(null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(40)])
    lesions = models.ManyToManyField("patients.Lesion", blank=True, related_name="treatments",
                                     help_text="Lesions targeted or resected")
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords(m2m_fields=[lesions])

    class Meta:
        ordering = ["start", "pk"]
        # Re-planning, the patient page and the board packet: a patient's treatments in time order.
        indexes = [models.Index(fields=["patient", "start"], name="treatment_patient_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="treatment_end_after_start",
                violation_error_message="A treatment cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=models.Q(dose_gy__isnull=True) | models.Q(dose_gy__gt=0, dose_gy__lte=100),
                name="treatment_dose_0_100_gy",
                violation_error_message="Dose must be above 0 and at most 100 Gy.",
            ),
            models.CheckConstraint(
                condition=models.Q(fractions__isnull=True) | models.Q(fractions__gte=1, fractions__lte=40),
                name="treatment_fractions_1_40",
                violation_error_message="Fractions must be 1–40.",
            ),
            models.CheckConstraint(
                condition=models.Q(line__isnull=True) | models.Q(line__gte=1, line__lte=20),
                name="treatment_line_1_20",
                violation_error_message="Line of therapy must be 1–20.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {fmt_date(self.start)} ({self.status})"

    @property
    def is_systemic(self) -> bool:
        return self.kind in SYSTEMIC_TREATMENTS

    @property
    def is_radiotherapy(self) -> bool:
        return self.kind in RADIOTHERAPY
