"""The daily digest: each nurse, at her local ``digest_hour`` (site ``TIME_ZONE``), gets what is due
and overdue for her patients.

1. ``schedule_digests`` (every 15 minutes) owes one digest per user per site-local day, once the
   user's hour has come (so a beat that was down catches up the same day), and only if there is
   something to report. Key: the day, so a second run or a second beat owes nothing more.
2. The digest is rendered when it is sent, from the items as they are then (``digest_items``):
   items due or overdue at that moment (``phase.py``: not the state the last sweep stored),
   except those acted on — booked for today or later (a booking whose date has passed comes
   back), snoozed until a later day ("call back"), waived or done. So an overdue item is repeated
   every day until someone acts on it. Items one MRI answers are one need, listed and counted
   once ("MRI: follow-up and response evaluation", ``needs.py``); a need counts as due this week
   when its deadline is within 7 days (``clinical.needs``).
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
from bmtrack.clinical import needs as needs_rules
from bmtrack.core.clock import local_date, site_zone, utcnow
from bmtrack.patients.scoping import patients_for
from bmtrack.surveillance import emails, outbox
from bmtrack.surveillance.models import DueItem, NotificationLedger
from bmtrack.surveillance.needs import group
from bmtrack.surveillance.phase import DUE, OVERDUE

DIGEST = "digest"


def digest_patients(user):
    scope = Q(responsible_nurse=user)
    if user.groups.filter(name=NURSE).exists():
        scope |= Q(responsible_nurse__isnull=True)
    return patients_for(user).filter(scope, status="active")


def _not_acted_on(items: QuerySet[DueItem], now: dt.datetime) -> QuerySet[DueItem]:
    today = local_date(now)
    return items.exclude(booked_for__gte=today).exclude(snoozed_until__gt=today)


def digest_items(user, now: dt.datetime) -> QuerySet[DueItem]:
    """Items due or overdue at ``now`` of the user's patients, not acted on."""
    items = DueItem.objects.filter(patient__in=digest_patients(user).values("pk")).in_phase(now, DUE, OVERDUE)
    return _not_acted_on(items, now)


def digest_needs(user, now: dt.datetime) -> list:
    """The needs a digest lists: every open item not acted on is grouped (an upcoming item joins
    the due one it shares an MRI with), then the needs due or overdue are kept."""
    items = _not_acted_on(DueItem.objects.filter(patient__in=digest_patients(user).values("pk")).open()
                          .with_phase(now), now)
    items = items.select_related("patient").order_by("patient_id", "due_by", "kind")
    return [need for need in group(items, now) if need.phase in (DUE, OVERDUE)]


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


def render_digest(row, now: dt.datetime):
    today = local_date(now)
    needs = digest_needs(row.recipient, now)
    if not needs:
        return None
    needs.sort(key=lambda n: (n.phase != OVERDUE, n.due_by, n.lead.patient_id, n.lead.kind))
    overdue = [n for n in needs if n.phase == OVERDUE]
    due = [n for n in needs if n.phase == DUE]
    groups: dict[int, dict] = {}
    for need in needs:
        patient = need.lead.patient
        entry = groups.setdefault(patient.pk, {"url": emails.patient_url(patient), "items": []})
        entry["items"].append(emails.describe_need(need, now))
    subject, text, html = emails.render(DIGEST, {
        "recipient": row.recipient, "day": row.context.get("day"), "overdue_count": len(overdue),
        "due_count": len(due), "this_week_count": sum(needs_rules.due_this_week(n.due_by, today) for n in due),
        "patients": list(groups.values()), "urgent_count": sum(n.urgent for n in overdue),
        "worklist_url": emails.app_url("web:worklist", "/"),
    })
    return subject, text, html, [item for need in needs for item in need.items]


outbox.register_renderer(DIGEST, render_digest, fallback_subject="bmtrack: daily digest")
