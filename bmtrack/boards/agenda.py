"""The agenda email: each attendee hears about a meeting ``BOARD_AGENDA_DAYS_BEFORE`` days ahead.

1. ``enqueue_agendas`` (the periodic task ``boards.enqueue_agendas``) finds the meetings from today to
   ``BOARD_AGENDA_DAYS_BEFORE`` days ahead that have at least one case, and puts one outbox row per
   active attendee and per active presenter of one of its cases (``recipients``) with the key
   ``meeting<pk>``. The outbox's unique (recipient, kind, key) makes a second run, a doubled beat or
   an attendee or presenter added later safe: each of them gets the agenda once.
2. The content is rendered at send time (``render_agenda``), from the meeting as it is then; past or
   deleted meetings are skipped. The subject names the board and the date only; the body lists each
   case by position, reason and presenter (no name, MRN or birth date: mail crosses servers the
   hospital does not control) and links to the packet, which needs a sign-in.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from bmtrack.boards.models import BoardCase, Meeting, SuggestionReason
from bmtrack.boards.summary import visible_cases
from bmtrack.core.clock import local_date, today, utcnow
from bmtrack.surveillance import emails
from bmtrack.surveillance.outbox import enqueue, register_renderer

AGENDA_KIND = "board_agenda"
REASON_LABELS = dict(SuggestionReason.choices)


def meetings_needing_agenda(day: dt.date):
    horizon = day + dt.timedelta(days=settings.BOARD_AGENDA_DAYS_BEFORE)
    has_cases = Exists(BoardCase.objects.filter(meeting=OuterRef("pk")))
    return Meeting.objects.filter(date__gte=day, date__lte=horizon).filter(has_cases)


def enqueue_agendas(now: dt.datetime | None = None) -> dict:
    """Owe the agenda to every attendee of the meetings now inside the notice period. Counts only."""
    now = now or utcnow()
    counts = {"meetings": 0, "enqueued": 0}
    for meeting in meetings_needing_agenda(today(now)):
        counts["meetings"] += 1
        with transaction.atomic():
            for recipient in recipients(meeting):
                _, created = enqueue(recipient=recipient, kind=AGENDA_KIND, key=f"meeting{meeting.pk}",
                                     context={"meeting": meeting.pk}, now=now)
                counts["enqueued"] += int(created)
    return counts


def recipients(meeting: Meeting) -> list:
    """The active attendees and presenters of ``meeting``, each once, by id."""
    User = get_user_model()  # noqa: N806
    presenting = BoardCase.objects.filter(meeting=meeting, presenter=OuterRef("pk"))
    return list(User.objects.filter(is_active=True)
                .filter(Q(board_meetings=meeting) | Q(Exists(presenting))).distinct().order_by("pk"))


@register_renderer(AGENDA_KIND, fallback_subject="bmtrack: tumour board agenda")
def render_agenda(row, now: dt.datetime):
    """(subject, text, html) of one attendee's agenda at ``now``, or None when it is no longer relevant."""
    meeting = Meeting.objects.select_related("board").filter(pk=row.context.get("meeting")).first()
    if meeting is None or meeting.date < local_date(now):
        return None
    cases = list(visible_cases(meeting, row.recipient))
    lines = [{
        "order": case.order,
        "reasons": [REASON_LABELS.get(r.get("reason"), "") for r in case.reasons] or ["added by the coordinator"],
        "presenter": (case.presenter.get_full_name() or case.presenter.username) if case.presenter else "",
        "decided": case.get_decision_display() if case.decision else "",
    } for case in cases]
    context = {
        "meeting": meeting,
        "recipient": row.recipient,
        "cases": lines,
        "total": meeting.cases.count(),
        "packet_url": f"{settings.SITE_URL}{reverse('boards:packet', args=[meeting.pk])}",
        "meeting_url": f"{settings.SITE_URL}{reverse('boards:meeting', args=[meeting.pk])}",
    }
    return emails.render("boards/emails/agenda", context)
