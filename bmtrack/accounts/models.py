"""Users, care teams and roles.

A patient belongs to one care team; a user sees the patients of the teams they are a member of
(``bmtrack.accounts.access`` is the only place that turns this into a query). Roles are Django
groups (``roles.py``); the permissions hang off the groups.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property

from bmtrack.accounts import roles


class User(AbstractUser):
    email = models.EmailField("email address", blank=True)
    # Local hour (site zone) at which the daily digest is sent to this user.
    digest_hour = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="Local hour (0–23) at which the daily digest email is sent.",
    )
    receives_digest = models.BooleanField(default=True)
    # Secret for the iCalendar feed; None means the feed is off (revoked).
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__gte=0, digest_hour__lte=23), name="user_digest_hour_0_23"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def works_in_admin(self) -> bool:
        """Whether the account menu links the admin (``roles.works_in_admin``); read once per request."""
        return roles.works_in_admin(self)

    def new_calendar_token(self) -> str:
        self.calendar_token = secrets.token_urlsafe(32)
        return self.calendar_token


def default_escalation_days() -> int:
    """ESCALATION_DAYS from the environment, as the default of a new team."""
    return settings.ESCALATION_DAYS_DEFAULT


class CareTeam(models.Model):
    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(User, related_name="care_teams", blank=True)
    responsible_physician = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="physician_of_teams",
        help_text="Receives escalations of items overdue beyond the escalation threshold.",
    )
    escalation_days = models.PositiveSmallIntegerField(
        default=default_escalation_days, validators=[MaxValueValidator(365)],
        help_text="Days overdue after which a routine item is escalated to the responsible physician.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
