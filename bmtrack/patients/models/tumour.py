from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.core.formatting import fmt_date
from bmtrack.patients.models.choices import Marker, MarkerOutcome, SeerStage, TumourType


class PrimaryTumour(models.Model):
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="primaries")
    type = models.CharField(max_length=20, choices=TumourType.choices)
    diagnosed_on = models.DateField()
    stage = models.CharField("AJCC stage", max_length=8, blank=True, help_text="e.g. IV, IIIC, IB")
    seer_stage = models.CharField("SEER summary stage", max_length=12, choices=SeerStage.choices, blank=True)
    histology = models.CharField(max_length=200, blank=True)
    brain_metastases_diagnosed_on = models.DateField(null=True, blank=True)
    brain_metastases_count = models.PositiveSmallIntegerField(
        "number of brain metastases at diagnosis", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Counted at the diagnosis of brain metastases (GPA at diagnosis); "
                  "else the first MRI within 30 days is counted.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["diagnosed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({fmt_date(self.diagnosed_on)})"


class MarkerResult(models.Model):
    """A dated molecular or receptor result; the latest per marker is the one in force."""

    primary = models.ForeignKey(PrimaryTumour, on_delete=models.CASCADE, related_name="markers")
    marker = models.CharField(max_length=10, choices=Marker.choices)
    result = models.CharField(max_length=10, choices=MarkerOutcome.choices)
    value_pct = models.DecimalField(
        "value (%)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="PD-L1 tumour proportion score, or ER/PR percentage.",
    )
    detail = models.CharField(max_length=120, blank=True, help_text="e.g. exon 19 deletion, V600E")
    tested_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["marker", "-tested_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_pct__isnull=True) | models.Q(value_pct__gte=0, value_pct__lte=100),
                name="marker_value_pct_0_100",
                violation_error_message="A percentage must be between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        value = f" {self.value_pct}%" if self.value_pct is not None else ""
        return f"{self.get_marker_display()} {self.result}{value}"
