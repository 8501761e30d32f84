"""What a due item owes when its moment comes: the urgent alert and the escalation (``timing.py``).

``advance(item, now)`` is the one step both the sweep and the re-planner take on an item whose
``next_transition_at`` has passed:

1. move its state with time (upcoming → due → overdue), keeping ``overdue_since``;
2. if its urgent alert is owed, put one in the outbox for the patient's nurse(s);
3. if its escalation is owed and no booking is still ahead, put one in the outbox for the care
   team's responsible physician; with a booking ahead, wait for the day after the booked date;
4. set the next wake-up time.

A write that records an already-late history (``plan``, ``actions``) passes ``grace``
(``SURVEILLANCE_WRITE_GRACE_SECONDS``): the email waits that long, so that the scan that closed
the item can be entered too; the renderer then finds the item done and sends nothing.

The caller saves the item, in the same transaction as the outbox rows. Keys make every alert
unique per (recipient, item, moment), so a second sweep, a retry or a re-plan never owes it twice.
The renderers below decide at send time, from the record as it is then, whether the email is
still true (an item done or waived meanwhile sends nothing).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model

from bmtrack.accounts.roles import NURSE
from bmtrack.core.clock import local_date
from bmtrack.patients.scoping import can_see_patient
from bmtrack.surveillance import emails, outbox, timing
from bmtrack.surveillance.models import DueState
from bmtrack.surveillance.phase import OPEN_STATES, phase

logger = logging.getLogger(__name__)
URGENT_ALERT = "urgent_alert"
ESCALATION = "escalation"


def advance(item, now: dt.datetime, *, grace: dt.timedelta | None = None) -> list[str]:
    events: list[str] = []
    not_before = now + grace if grace else None
    if item.state in OPEN_STATES:
        state = phase(item, now)
        if state != item.state:
            item.state = state
            events.append(state)
        if item.overdue_at is None:
            item.overdue_at = timing.overdue_at(item)
        item.overdue_since = (item.overdue_since or item.overdue_at) if state == DueState.OVERDUE else None
    if item.state in OPEN_STATES:
        if item.alert_at is not None and item.alerted_at is None and item.alert_at <= now:
            nurses = nurses_for(item.patient)
            if not nurses:
                logger.warning("urgent alert of item %s has no nurse to go to", item.pk)
            for nurse in nurses:
                outbox.enqueue(recipient=nurse, kind=URGENT_ALERT, key=f"item{item.pk}@{item.alert_at:%Y%m%dT%H%M}",
                               patient=item.patient, item=item, now=now, not_before=not_before)
            item.alerted_at = now
            events.append("alert")
        if item.escalate_at is not None and item.escalated_at is None and item.escalate_at <= now:
            today = local_date(now)
            if item.booked_for is not None and item.booked_for >= today:
                item.escalate_at = timing.start_of_day(item.booked_for + dt.timedelta(days=1))
            else:
                physician = physician_for(item.patient)
                if physician is None:
                    logger.warning("escalation of item %s: the care team has no responsible physician", item.pk)
                else:
                    outbox.enqueue(recipient=physician, kind=ESCALATION,
                                   key=f"item{item.pk}@{item.overdue_at:%Y%m%dT%H%M}",
                                   patient=item.patient, item=item, now=now, not_before=not_before)
                item.escalated_at = now
                events.append("escalation")
    item.next_transition_at = timing.wake(item)
    return events


def write_grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SURVEILLANCE_WRITE_GRACE_SECONDS)


def nurses_for(patient) -> list:
    """The responsible nurse; for a patient without one, every active nurse of the care team."""
    nurse = patient.responsible_nurse
    if nurse is not None and nurse.is_active:
        return [nurse]
    User = get_user_model()  # noqa: N806
    return list(User.objects.filter(care_teams=patient.care_team_id, groups__name=NURSE, is_active=True)
                .distinct().order_by("pk"))


def physician_for(patient):
    physician = patient.care_team.responsible_physician
    return physician if physician is not None and physician.is_active else None


def _still_owed(row) -> bool:
    item = row.item
    if item is None or not item.is_open:
        return False
    if not can_see_patient(row.recipient, item.patient):
        logger.warning("%s row %s: the recipient can no longer see the patient; not sent", row.kind, row.pk)
        return False
    return True


def render_urgent_alert(row, now: dt.datetime):
    if not _still_owed(row):
        return None
    item = row.item
    return emails.render(URGENT_ALERT, {"item": emails.describe_item(item, now), "kind": item.kind,
                                        "recipient": row.recipient})


def render_escalation(row, now: dt.datetime):
    if not _still_owed(row):
        return None
    item = row.item
    if item.booked_for is not None and item.booked_for >= local_date(now):
        return None  # someone acted after the escalation was owed
    return emails.render(ESCALATION, {"item": emails.describe_item(item, now), "kind": item.kind,
                                      "recipient": row.recipient,
                                      "escalation_days": item.patient.care_team.escalation_days})


def urgent_fallback_subject(row) -> str:
    """An urgent alert whose subject would name the patient still says it is urgent, and what for."""
    if row.item is not None and row.item.kind == "srs_planning_mri":
        return "bmtrack: urgent — SRS soon without a planning MRI"
    return "bmtrack: urgent item overdue"


outbox.register_renderer(URGENT_ALERT, render_urgent_alert, fallback_subject=urgent_fallback_subject)
outbox.register_renderer(ESCALATION, render_escalation, fallback_subject="bmtrack: escalation — item still open")
