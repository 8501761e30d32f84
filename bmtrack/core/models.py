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
