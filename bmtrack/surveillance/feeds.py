"""The iCalendar feed of a nurse's due scans, behind a secret token (``User.calendar_token``).

1. The URL is ``/calendar/<token>.ics``: the token is the only credential (calendar apps cannot
   log in), it lives in the path (never a query string) and can be regenerated or revoked
   (``regenerate_token`` / ``revoke_token``); a revoked or unknown token answers 404.
2. The events are the open needs (upcoming, due, overdue at the moment the feed is read: items
   one MRI answers together are one event, ``needs.py``) of the nurse's patients, reached through
   the access layer (``digests.digest_patients``): an all-day event over the window, or on the
   booked date once the scan is booked.
3. Minimum necessary: a feed is copied to phones and cloud calendars the hospital does not
   control, so an event carries no patient identifier (no name, initials, MRN or birth date).
   It says what is due and its state, and links to the patient's page by the opaque UUID, where
   the nurse signs in to see who it is. The UID is stable (``dueitem-<id>@…``), so updates replace.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from icalendar import Calendar, Event

from bmtrack.core.clock import utcnow
from bmtrack.core.formatting import fmt_range
from bmtrack.surveillance import emails
from bmtrack.surveillance.digests import digest_patients
from bmtrack.surveillance.models import DueItem, DueState
from bmtrack.surveillance.needs import group


def regenerate_token(user) -> str:
    """A new secret feed URL for the user; the old one stops working at once."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        user.calendar_token = secrets.token_urlsafe(32)
        user.save(update_fields=["calendar_token"])
    return user.calendar_token


def revoke_token(user) -> None:
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=None)
    user.calendar_token = None


# What ``secrets.token_urlsafe`` makes: anything else (a NUL, a slash, 5 KB) is no token, without a query.
TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{16,64}")


def user_for_token(token: str):
    if not token or not TOKEN_FORM.fullmatch(token):
        return None
    return get_user_model().objects.filter(calendar_token=token, is_active=True).first()


def feed_url(user) -> str | None:
    if not user.calendar_token:
        return None
    return f"{settings.SITE_URL}/calendar/{user.calendar_token}.ics"


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bmtrack"


def feed_items(user, now: dt.datetime | None = None):
    """The open items of the feed's owner's patients (read through ``accounts.access.access_feed``)."""
    return (DueItem.objects.filter(patient__in=digest_patients(user).values("pk")).open()
            .with_phase(now or utcnow()).select_related("patient").order_by("patient_id", "due_by", "pk"))


def build_feed(items, *, now: dt.datetime | None = None) -> bytes:
    now = now or utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//bmtrack//surveillance//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "bmtrack: scans due")
    calendar.add("x-published-ttl", "PT1H")
    domain = _domain()
    for need in group(items, now):
        item = need.lead
        event = Event()
        event.add("uid", f"dueitem-{item.pk}@{domain}")
        event.add("dtstamp", now)
        event.add("last-modified", max(i.updated_at for i in need.items))
        if item.is_booked:
            start, end = item.booked_for, item.booked_for
            summary = f"{need.label} (booked{', outside the limit' if item.booking_breach else ''})"
        else:
            start, end = need.due_from, need.due_by
            summary = f"{need.label} ({DueState(need.phase).label.lower()})"
        if need.urgent and not item.is_booked:
            summary = f"Urgent: {summary}"
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", end + dt.timedelta(days=1))  # all-day events: DTEND is exclusive
        event.add("transp", "TRANSPARENT")
        url = emails.patient_url(item.patient)
        event.add("url", url)
        event.add("description", f"Window {fmt_range(need.due_from, need.due_by)}. Open: {url}")
        calendar.add_component(event)
    return calendar.to_ical()
