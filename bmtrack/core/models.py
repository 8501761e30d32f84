from django.db import models


class Heartbeat(models.Model):
    """Last time a background process proved it was alive (worker, beat, sweep, sender).

    The health view reads these, so a stopped beat or worker is noticed (healthchecks-style).
    """

    name = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True, help_text="Counts only, never patient data")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AccessLog(models.Model):
    """Who saw or exported which patient record, when and from where. Append-only.

    Written by ``bmtrack.core.audit`` once per request per patient; on PostgreSQL a trigger refuses
    UPDATE and DELETE, so not even a bug can rewrite it. The patient link has no database
    constraint, so that an audited record can be erased without rewriting its audit trail.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EDIT = "edit", "Edited"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(db_index=True)  # the admin's log and its CSV export: entries by time
    user = models.ForeignKey("accounts.User", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    username = models.CharField(max_length=150)
    patient = models.ForeignKey("patients.Patient", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    patient_public_id = models.UUIDField()
    action = models.CharField(max_length=10, choices=Action.choices)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300, help_text="Path only: query strings are never stored")
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # Who saw this patient's record, newest first (admin filter, an erasure or disclosure request).
        indexes = [models.Index(fields=["patient_public_id", "-at"], name="accesslog_patient_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.patient_public_id} at {self.at:%Y-%m-%d %H:%M}"
