"""Notification logs: what was sent, when, to whom, and what will be sent next.

Public API (**contract**; the web app renders these)::

    for_patient(patient, *, now=None) -> list[dict]
    for_user(user, *, now=None) -> list[dict]

Each entry is a plain dict, newest past entry first, then the planned ones in time order::

    {"when": aware datetime, "status": "sent" | "queued" | "sending" | "retrying" | "failed" |
     "skipped" | "planned", "kind": "digest" | "urgent_alert" | "escalation" | <other kinds>,
     "kind_label": str, "to": str (user's name), "to_user_id": int | None, "to_email": str,
     "subject": str, "item_id": int | None, "item_kind": str, "detail": str}

Callers pass a patient they reached through the access layer, or the signed-in user.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from bmtrack.core.clock import site_zone, utcnow
from bmtrack.core.formatting import fmt_date
from bmtrack.core.labels import choice_label
from bmtrack.patients.scoping import patients_for
from bmtrack.surveillance import digests, timing
from bmtrack.surveillance.models import DeliveryStatus, DueItem, NotificationLedger, NotificationLine
from bmtrack.surveillance.notifications import ESCALATION, URGENT_ALERT, nurses_for, physician_for
from bmtrack.surveillance.phase import OPEN_STATES, UPCOMING, phase

KIND_LABELS = {
    digests.DIGEST: "Daily digest",
    URGENT_ALERT: "Urgent alert",
    ESCALATION: "Escalation to the responsible physician",
    "board_agenda": "Tumour-board agenda",
}
_STATUS = {
    DeliveryStatus.SENT: "sent",
    DeliveryStatus.SENDING: "sending",
    DeliveryStatus.FAILED: "failed",
    DeliveryStatus.SKIPPED: "skipped",
}


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "(removed user)"


# What ``_past`` reads of a ledger row, its recipient and its item (not the JSON context, parsed per row,
# nor the sender's bookkeeping).
PAST_COLUMNS = ("status", "attempts", "next_attempt_at", "sent_at", "created_at", "kind", "to_email", "subject",
                "last_error", "recipient__first_name", "recipient__last_name", "recipient__username", "item__kind")


def _past(row: NotificationLedger) -> dict:
    if row.status == DeliveryStatus.PENDING:
        status = "retrying" if row.attempts else "queued"
        when = row.next_attempt_at
    else:
        status = _STATUS[row.status]
        when = row.sent_at or row.created_at
    return {
        "when": when, "status": status, "kind": row.kind, "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "to": _who(row.recipient), "to_user_id": row.recipient_id, "to_email": row.to_email,
        "subject": row.subject, "item_id": row.item_id, "item_kind": choice_label(row.item, "kind") if row.item else "",
        "detail": row.last_error,
    }


def _planned(when, kind, user, item: DueItem | None, detail: str) -> dict:
    return {
        "when": when, "status": "planned", "kind": kind, "kind_label": KIND_LABELS.get(kind, kind),
        "to": _who(user), "to_user_id": getattr(user, "pk", None), "to_email": "", "subject": "",
        "item_id": item.pk if item else None, "item_kind": choice_label(item, "kind") if item else "", "detail": detail,
    }


class _Planner:
    """What open items will cause, for one log: the digest schedule is read once per nurse (the days
    whose digest she was already sent, from today on: one ledger query), and a team's nurses once
    per patient, so the log's queries do not grow with its open items."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = now.astimezone(site_zone()).date()
        self._sent_days: dict[int, set[str]] = {}
        self._nurses: dict[int, list] = {}

    def nurses_for(self, patient) -> list:
        if patient.pk not in self._nurses:
            self._nurses[patient.pk] = nurses_for(patient)
        return self._nurses[patient.pk]

    def _digest_sent(self, user, day: dt.date) -> bool:
        if day < self.today:  # never asked: every caller passes now or later
            return NotificationLedger.objects.filter(recipient=user, kind=digests.DIGEST,
                                                     key=day.isoformat()).exists()
        if user.pk not in self._sent_days:
            self._sent_days[user.pk] = set(
                NotificationLedger.objects.filter(recipient=user, kind=digests.DIGEST,
                                                  key__gte=self.today.isoformat()).values_list("key", flat=True))
        return day.isoformat() in self._sent_days[user.pk]

    def next_digest_at(self, user, when: dt.datetime) -> dt.datetime | None:
        """``digests.next_digest_at(user, when)``, without a query per call."""
        if not (user.is_active and user.receives_digest):
            return None
        local = when.astimezone(site_zone())
        day = local.date()
        if local.hour > user.digest_hour or self._digest_sent(user, day):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(user.digest_hour), tzinfo=site_zone())

    def for_item(self, item: DueItem) -> list[dict]:
        """The alert, escalation and digest an open item will cause, as things stand."""
        now = self.now
        planned = []
        nurses = self.nurses_for(item.patient)
        if item.alert_at is not None and item.alerted_at is None:
            for nurse in nurses:
                planned.append(_planned(max(item.alert_at, now), URGENT_ALERT, nurse, item,
                                        "if no scan is recorded by then"))
        if item.escalate_at is not None and item.escalated_at is None:
            physician = physician_for(item.patient)
            if physician is not None:
                planned.append(_planned(max(item.escalate_at, now), ESCALATION, physician, item,
                                        "if still open and not booked by then"))
        for nurse in nurses:
            when = self.next_digest_at(nurse, now)
            if when is None:
                continue
            if phase(item, now) == UPCOMING:
                when = max(when, self.next_digest_at(nurse, max(timing.due_at(item), now)) or when)
                detail = "listed from the day it is due"
            else:
                detail = "listed every day until it is booked, done or waived"
            if item.snoozed_until is not None:
                detail = f"call back on {fmt_date(item.snoozed_until)}; listed again from then"
            elif item.is_booked:
                detail = f"booked for {fmt_date(item.booked_for)}; listed again only if the date passes without a scan"
            planned.append(_planned(when, digests.DIGEST, nurse, item, detail))
        return planned


def _ordered(past: list[dict], planned: list[dict]) -> list[dict]:
    past.sort(key=lambda e: e["when"], reverse=True)
    planned.sort(key=lambda e: e["when"])
    return past + planned


def for_patient(patient, *, now: dt.datetime | None = None, open_items=None, past_limit: int = 500) -> list[dict]:
    """The latest ``past_limit`` notifications about the patient, then every one her open items will
    cause. ``open_items``: the patient's open items when the caller has them, each with its patient, her
    care team's physician and her nurse loaded (the patient page reads them anyway)."""
    now = now or utcnow()
    # The digests' ids as a list, not a subquery: "patient OR id IN (subquery)" cannot use an index and
    # read the whole ledger (every email ever sent); "patient OR id = ANY(ids)" is two index scans.
    digest_ids = list(NotificationLine.objects.filter(patient=patient).values_list("notification_id", flat=True))
    rows = (NotificationLedger.objects.filter(Q(patient=patient) | Q(pk__any_of=digest_ids))
            .select_related("recipient", "item").only(*PAST_COLUMNS).order_by("-created_at")[:past_limit])
    past = [_past(row) for row in rows]
    items = open_items
    if items is None:
        items = (DueItem.objects.filter(patient=patient, state__in=OPEN_STATES)
                 .select_related("patient__care_team__responsible_physician", "patient__responsible_nurse"))
    planner = _Planner(now)
    planned = [entry for item in items for entry in planner.for_item(item)]
    return _ordered(past, planned)


def for_user(user, *, now: dt.datetime | None = None) -> list[dict]:
    now = now or utcnow()
    rows = (NotificationLedger.objects.filter(recipient=user).select_related("recipient", "item")
            .only(*PAST_COLUMNS).order_by("-created_at")[:500])
    past = [_past(row) for row in rows]
    planned = []
    planner = _Planner(now)
    when = planner.next_digest_at(user, now)
    if when is not None:
        planned.append(_planned(when, digests.DIGEST, user, None, "sent if anything is due or overdue then"))
    # Urgent alerts and escalations this user will receive, for the items of her patients.
    items = (DueItem.objects.filter(state__in=OPEN_STATES, patient__in=patients_for(user).values("pk"))
             .filter(Q(patient__in=digests.digest_patients(user).values("pk"), alert_at__isnull=False,
                       alerted_at__isnull=True)
                     | Q(patient__care_team__responsible_physician=user, escalated_at__isnull=True,
                         escalate_at__isnull=False))
             .select_related("patient__care_team__responsible_physician", "patient__responsible_nurse"))
    for item in items:
        planned += [e for e in planner.for_item(item) if e["to_user_id"] == user.pk and e["kind"] != "digest"]
    return _ordered(past, planned)
