"""The daily digest: each nurse, at her local ``digest_hour`` (site ``TIME_ZONE``), gets what is due
and overdue for her patients.

1. ``schedule_digests`` (every 15 minutes) owes one digest per user per site-local day, once the
   user's hour has come (so a beat that was down catches up the same day), and only if there is
   something to report. Key: the day, so a second run or a second beat owes nothing more.
2. The digest is rendered when it is sent, from the items as they are then (``digest_items``):
   open items that are due or overdue, except those acted on — booked for today or later (a
   booking whose date has passed comes back), snoozed until a later day ("call back"), waived or
   done. So an overdue item is repeated every day until someone acts on it.
3. "Her patients": active patients she may see (the access layer) whose responsible nurse she is,
   and, for a nurse (role), those of her teams that have no responsible nurse, so that nothing
   falls between two chairs.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from bmtrack.accounts.roles import NURSE
from bmtrack.core.clock import local_date, site_zone, utcnow
from bmtrack.patients.scoping import patients_for
from bmtrack.surveillance import emails, outbox
from bmtrack.surveillance.models import DueItem, DueState, NotificationLedger

DIGEST = "digest"


def digest_patients(user):
    scope = Q(responsible_nurse=user)
    if user.groups.filter(name=NURSE).exists():
        scope |= Q(responsible_nurse__isnull=True)
    return patients_for(user).filter(scope, status="active")


def digest_items(user, now: dt.datetime) -> QuerySet[DueItem]:
    today = local_date(now)
    return (DueItem.objects.filter(patient__in=digest_patients(user).values("pk"),
                                   state__in=(DueState.DUE, DueState.OVERDUE))
            .exclude(booked_for__gte=today)
            .exclude(snoozed_until__gt=today))


def next_digest_at(user, now: dt.datetime) -> dt.datetime | None:
    """When the user's next digest is scheduled (None if she does not receive one)."""
    if not (user.is_active and user.receives_digest):
        return None
    local = now.astimezone(site_zone())
    day = local.date()
    if user.notifications.filter(kind=DIGEST, key=day.isoformat()).exists() or local.hour > user.digest_hour:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(user.digest_hour), tzinfo=site_zone())


def schedule_digests(now: dt.datetime | None = None) -> dict:
    """Owe today's digest to every user whose hour has come. Returns counts."""
    now = now or utcnow()
    local = now.astimezone(site_zone())
    day = local.date().isoformat()
    already = NotificationLedger.objects.filter(recipient=OuterRef("pk"), kind=DIGEST, key=day)
    users = (get_user_model().objects.filter(is_active=True, receives_digest=True, digest_hour__lte=local.hour)
             .exclude(Exists(already)).order_by("pk"))
    counts = {"owed": 0, "nothing_to_report": 0}
    with transaction.atomic():
        for user in users:
            if not digest_items(user, now).exists():
                counts["nothing_to_report"] += 1
                continue
            outbox.enqueue(recipient=user, kind=DIGEST, key=day, context={"day": day}, now=now)
            counts["owed"] += 1
    return counts


def render_digest(row):
    now = utcnow()
    items = list(digest_items(row.recipient, now).select_related("patient")
                 .order_by("-state", "due_by", "patient_id", "kind"))
    if not items:
        return None
    overdue = [i for i in items if i.state == DueState.OVERDUE]
    due = [i for i in items if i.state == DueState.DUE]
    groups: dict[int, dict] = {}
    for item in items:
        group = groups.setdefault(item.patient_id, {"url": emails.patient_url(item.patient), "items": []})
        group["items"].append(emails.describe_item(item, now))
    subject, text, html = emails.render(DIGEST, {
        "recipient": row.recipient, "day": row.context.get("day"), "overdue_count": len(overdue),
        "due_count": len(due), "patients": list(groups.values()), "urgent_count": sum(i.urgent for i in overdue),
        "worklist_url": emails.app_url("web:worklist", "/"),
    })
    return subject, text, html, items


outbox.register_renderer(DIGEST, render_digest)
