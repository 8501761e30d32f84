import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from bmtrack.patients.models.choices import PatientStatus, Sex
from bmtrack.patients.validators import PHONES_MAX, split_phones, tel_href, validate_phones

# The MRN is the hospital's identifier: one record per person across every care team, so a second
# registration is refused, and the nurse must learn why. The refusal says that the number is taken and
# nothing more (no team, no name): the least a hospital-wide unique key can reveal. Forms, the API,
# FHIR import and the admin all read this message from the field.
MRN_TAKEN = ("This MRN is already registered in bmtrack, perhaps in another care team: ask a data manager to "
             "move that record to your team rather than registering the patient twice.")


class Patient(models.Model):
    # URLs and the API carry this opaque id only, never the MRN, a name or a birth date.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mrn = models.CharField("MRN", max_length=32, unique=True, help_text="Hospital medical record number.",
                           error_messages={"unique": MRN_TAKEN})
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    care_team = models.ForeignKey("accounts.CareTeam", on_delete=models.PROTECT, related_name="patients")
    responsible_nurse = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="nursed_patients"
    )
    status = models.CharField(max_length=20, choices=PatientStatus.choices, default=PatientStatus.ACTIVE)
    deceased_on = models.DateField(null=True, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    phones = models.CharField(
        "phone numbers", max_length=PHONES_MAX, blank=True, default="", validators=[validate_phones],
        help_text="One or more numbers to call, separated by ; (e.g. 07700 900123; 020 7946 0321).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            # Worklist filtered by nurse, dashboard per nurse, digests: a nurse's active patients.
            models.Index(fields=["responsible_nurse", "status"], name="patient_nurse_status_idx"),
            # Access scope of every list (accounts.access): the active patients of the user's teams.
            models.Index(fields=["care_team", "status"], name="patient_team_status_idx"),
            # Find patient and the worklist's watch section: patients by name.
            models.Index(fields=["family_name", "given_name"], name="patient_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="deceased", deceased_on__isnull=False) | ~models.Q(status="deceased"),
                name="patient_deceased_has_date",
                violation_error_message="A deceased patient needs a date of death.",
            ),
            models.CheckConstraint(
                condition=models.Q(deceased_on__isnull=True) | models.Q(deceased_on__gte=models.F("birth_date")),
                name="patient_death_after_birth",
                violation_error_message="Date of death cannot be before birth.",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_date__gte="1900-01-01"), name="patient_birth_after_1900",
                violation_error_message="Birth date must be after 1900.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_active(self) -> bool:
        return self.status == PatientStatus.ACTIVE

    @property
    def phone_links(self) -> list[tuple[str, str]]:
        """(number as entered, ``tel:`` URI) of each phone number."""
        return [(number, tel_href(number)) for number in split_phones(self.phones)]

    def age_on(self, day) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years
