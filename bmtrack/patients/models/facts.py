from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.core.formatting import fmt_date
from bmtrack.patients.models.choices import NeuroStatus

KPS_VALUES = tuple(range(0, 101, 10))
KPS_CHOICES = [(v, str(v)) for v in KPS_VALUES]


class StatusObservation(models.Model):
    """Dated status facts taken together at one contact; any subset may be recorded.

    The latest non-empty value of each fact on or before a day is the one in force then
    (``bmtrack.patients.selectors.status_on``).
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="observations")
    observed_on = models.DateField()
    kps = models.PositiveSmallIntegerField("KPS", null=True, blank=True, choices=KPS_CHOICES)
    extracranial_metastases = models.BooleanField(null=True, blank=True)
    dexamethasone_mg = models.DecimalField(
        "dexamethasone (mg/day)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    haemoglobin_g_dl = models.DecimalField("haemoglobin (g/dL)", max_digits=3, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("2")), MaxValueValidator(Decimal("25"))],)
    neuro_status = models.CharField(max_length=10, choices=NeuroStatus.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    history = HistoricalRecords()

    class Meta:
        ordering = ["observed_on", "pk"]
        # GPA inputs and the patient page: a patient's status facts in force on a day.
        indexes = [models.Index(fields=["patient", "observed_on"], name="observation_patient_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kps__isnull=True) | models.Q(kps__in=KPS_VALUES),
                name="observation_kps_steps_of_10",
                violation_error_message="KPS must be 0–100 in steps of 10.",
            ),
            models.CheckConstraint(
                condition=models.Q(dexamethasone_mg__isnull=True)
                | models.Q(dexamethasone_mg__gte=0, dexamethasone_mg__lte=Decimal("100")),
                name="observation_dexamethasone_0_100",
                violation_error_message="Dexamethasone must be 0–100 mg/day.",
            ),
            models.CheckConstraint(
                condition=models.Q(haemoglobin_g_dl__isnull=True)
                | models.Q(haemoglobin_g_dl__gte=Decimal("2"), haemoglobin_g_dl__lte=Decimal("25")),
                name="observation_haemoglobin_2_25",
                violation_error_message="Haemoglobin must be 2–25 g/dL.",
            ),
            models.CheckConstraint(
                condition=models.Q(kps__isnull=False)
                | models.Q(extracranial_metastases__isnull=False)
                | models.Q(dexamethasone_mg__isnull=False)
                | models.Q(haemoglobin_g_dl__isnull=False)
                | ~models.Q(neuro_status=""),
                name="observation_not_empty",
                violation_error_message="Record at least one status fact.",
            ),
        ]

    def __str__(self) -> str:
        return f"status on {fmt_date(self.observed_on)}"
