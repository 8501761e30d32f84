"""The email outbox: every email is a ``NotificationLedger`` row before it is a message.

Public API (**contract**; the tumour-board app uses it for ``board_agenda``)::

    enqueue(*, recipient, kind: str, key: str, patient=None, item=None, context: dict | None = None,
            not_before: datetime | None = None, now: datetime | None = None)
        -> tuple[NotificationLedger, bool]          # (row, created)

    register_renderer(kind: str, fn, *, fallback_subject=...)   # also usable as @register_renderer(kind)
        fn(row: NotificationLedger, now: datetime)
            -> (subject, text, html) | (subject, text, html, items) | None
        fallback_subject: str | (row) -> str         # sent when the subject would name the patient

    send_pending(*, now=None, limit=None, time_budget=None) -> dict   # counts by outcome

- ``enqueue`` is called inside the caller's transaction, with the state change that owes the
  email. ``(recipient, kind, key)`` is unique: a second call with the same key returns the
  existing row (``created`` False) and owes nothing more, so a duplicate is impossible. Choose
  ``key`` to name what the email is about (e.g. ``f"meeting{meeting.pk}"``). ``context`` holds
  ids and dates only (never patient data); ``patient`` (optional) puts the email in that
  patient's notification log; ``not_before`` delays it. On commit the sender task is queued by
  its name (``surveillance.send_outbox``; if the broker is down this is logged and the periodic
  sender picks the row up later). A ``kind`` no renderer is registered for is refused
  (``UnknownKind``): an email nobody knows how to write is a bug, not a bare template.
- Content is rendered **at send time** from the record as it is then: the renderer registered for
  ``kind`` (each app registers its own when it is ready: surveillance its digest, alert and
  escalation, boards its agenda) gets the row (``row.recipient``, ``row.patient``, ``row.item``,
  ``row.context``) and the sender's ``now`` — a renderer never reads the clock — and returns the
  subject, plain text and HTML (``emails.render``: one template triplet per kind), or None when the
  email is no longer relevant (the row is then marked skipped). The optional fourth value lists
  the due items the email reported (they appear in the patients' logs). Subjects must carry no
  patient identifier: a subject naming ``row.patient`` (or a listed item's patient) is replaced
  before sending by the kind's ``fallback_subject``, fixed words that keep what the email is and
  how urgent ("bmtrack: urgent item overdue"), never a bare "notification" unless the kind gave
  none. A row whose kind has no renderer when it is sent fails (and is logged).
- The sender (``send_pending``; the Celery task ``surveillance.send_outbox``) claims one row at a
  time (``SELECT ... FOR UPDATE SKIP LOCKED`` plus a conditional UPDATE, committed before the send),
  sends it, and records the outcome in a second short transaction. A temporary failure retries
  after ``OUTBOX_RETRY_BASE_SECONDS`` × 2^(attempt − 1) (capped by ``OUTBOX_RETRY_MAX_SECONDS``) up
  to ``OUTBOX_MAX_ATTEMPTS``; an address the server refuses for good fails that row alone. A row
  whose sender died mid-send is taken up again after ``OUTBOX_LEASE_SECONDS``. The Message-ID is
  derived from the row, so in the one unavoidable window (the server accepted the message and the
  sender died before recording it) a resend carries the same Message-ID.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import time
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F

from bmtrack.celery import app as celery_app
from bmtrack.core.clock import utcnow
from bmtrack.surveillance.emails import subject_is_safe
from bmtrack.surveillance.models import DeliveryStatus, NotificationLedger, NotificationLine

logger = logging.getLogger(__name__)

SENDER_TASK = "surveillance.send_outbox"
Renderer = Callable[[NotificationLedger, dt.datetime], tuple | None]
_RENDERERS: dict[str, Renderer] = {}
# The subject sent instead of one that would identify a patient: per kind, a text or a function of the row.
DEFAULT_FALLBACK_SUBJECT = "bmtrack: notification"
_FALLBACKS: dict[str, str | Callable[[NotificationLedger], str]] = {}


class UnknownKind(ValueError):
    """An email kind no renderer is registered for."""


def register_renderer(kind: str, fn: Renderer | None = None, *,
                      fallback_subject: str | Callable[[NotificationLedger], str] = DEFAULT_FALLBACK_SUBJECT):
    """Register how ``kind`` is rendered at send time, and the subject sent instead of one that would
    identify a patient; usable as a decorator."""
    def decorate(function: Renderer) -> Renderer:
        _RENDERERS[kind] = function
        _FALLBACKS[kind] = fallback_subject
        return function

    return decorate(fn) if fn is not None else decorate


def registered_kinds() -> list[str]:
    return sorted(_RENDERERS)


def enqueue(*, recipient, kind: str, key: str, patient=None, item=None, context: dict | None = None,
            not_before: dt.datetime | None = None, now: dt.datetime | None = None) -> tuple[NotificationLedger, bool]:
    if recipient is None or getattr(recipient, "pk", None) is None:
        raise ValueError("enqueue needs a saved recipient")
    if not kind or not key:
        raise ValueError("enqueue needs a kind and a key")
    if kind not in _RENDERERS:
        raise UnknownKind(f"no renderer is registered for the email kind {kind!r}")
    now = now or utcnow()
    row, created = NotificationLedger.objects.get_or_create(
        recipient=recipient, kind=kind, key=key[:200],
        defaults={
            "patient": patient if patient is not None else getattr(item, "patient", None),
            "item": item,
            "context": context or {},
            "created_at": now,
            "next_attempt_at": max(now, not_before) if not_before else now,
        },
    )
    if created:
        _kick_on_commit()
    return row, created


# --- waking the sender ------------------------------------------------------------------------

def kick_sender() -> None:
    """Queue the sender task, by its name (the outbox does not import the tasks that import it);
    never fails the caller (the beat's sender is the safety net)."""
    sender = celery_app.signature(SENDER_TASK)
    if celery_app.conf.task_always_eager:
        sender.apply_async()
        return
    try:
        # A fresh connection that gives up at once: a web request must not wait on a dead broker
        # (the pooled producer retries for seconds).
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=2)
            sender.apply_async(retry=False, connection=broker)
    except Exception as exc:  # broker down: the row is safe in the database
        logger.warning("outbox: sender not queued (%s); the periodic sender will send it", type(exc).__name__)


def _kick_on_commit() -> None:
    # One kick per transaction is enough, however many rows it owes.
    if db_connection.in_atomic_block and any(func is kick_sender for _, func, _ in db_connection.run_on_commit):
        return
    transaction.on_commit(kick_sender)


# --- sending ------------------------------------------------------------------------------------

def release_stale_claims(now: dt.datetime | None = None) -> int:
    """Rows left ``sending`` by a sender that died are pending again once their lease has passed."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    # next_attempt_at is left as it was: it had come when the row was claimed.
    return NotificationLedger.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff).update(
        status=DeliveryStatus.PENDING, claimed_at=None)


def claim_next(now: dt.datetime) -> NotificationLedger | None:
    """Claim the oldest due row, in its own committed transaction (so no send happens inside one)."""
    for _ in range(20):
        with transaction.atomic():
            candidates = NotificationLedger.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
            if db_connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            row = candidates.first()
            if row is None:
                return None
            claimed_at = utcnow()
            updated = NotificationLedger.objects.filter(pk=row.pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1)
        if updated == 1:
            row.status, row.claimed_at, row.attempts = DeliveryStatus.SENDING, claimed_at, row.attempts + 1
            return row
        # Another sender got there first: try the next one.
    return None


def send_pending(*, now: dt.datetime | None = None, limit: int | None = None,
                 time_budget: float | None = None) -> dict:
    """Send what is owed, one row at a time. Returns counts by outcome (no patient data)."""
    now = now or utcnow()
    started = time.monotonic()
    counts: Counter = Counter()
    counts["released"] = release_stale_claims()
    mail = get_connection(fail_silently=False)
    try:
        while limit is None or counts["handled"] < limit:
            if time_budget is not None and time.monotonic() - started > time_budget:
                break
            row = claim_next(now)
            if row is None:
                break
            counts["handled"] += 1
            outcome = deliver(row, mail, now)
            counts[outcome] += 1
            if outcome == "unreachable":
                break  # the server is down: the rest wait for their next attempt, not for a timeout each
    finally:
        _close(mail)  # closing a dead connection must not hide the outcome
    return {k: v for k, v in counts.items() if v}


def _render(row: NotificationLedger, now: dt.datetime):
    renderer = _RENDERERS.get(row.kind)
    if renderer is None:
        raise UnknownKind(f"no renderer is registered for the email kind {row.kind!r}")
    return renderer(row, now)


def fallback_subject(row: NotificationLedger) -> str:
    """The kind's fixed subject for ``row`` (``register_renderer``'s ``fallback_subject``)."""
    fallback = _FALLBACKS.get(row.kind, DEFAULT_FALLBACK_SUBJECT)
    return fallback(row) if callable(fallback) else fallback


def safe_subject(row: NotificationLedger, subject: str, patients) -> str:
    """``subject`` if it names none of ``patients``; else the kind's fallback, if that names none either
    (a surname that is also one of its words); else the bare default."""
    if subject_is_safe(subject, patients):
        return subject
    logger.error("outbox: %s row %s had an identifying subject; replaced", row.kind, row.pk)
    fallback = fallback_subject(row)
    return fallback if subject_is_safe(fallback, patients) else DEFAULT_FALLBACK_SUBJECT


def _message_id(row: NotificationLedger) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "bmtrack.localhost"
    return f"<bmtrack.{row.kind}.{row.pk}@{domain}>"


def deliver(row: NotificationLedger, mail, now: dt.datetime) -> str:
    """Render, send and record one claimed row. Returns the outcome name."""
    recipient = row.recipient
    if recipient is None or not recipient.is_active:
        return _finish(row, DeliveryStatus.SKIPPED, error="recipient no longer active")
    try:
        rendered = _render(row, now)
    except UnknownKind:
        logger.error("outbox: %s row %s has no renderer; not sent", row.kind, row.pk)
        return _finish(row, DeliveryStatus.FAILED, error="no renderer for this kind")
    except Exception as exc:
        logger.exception("outbox: rendering %s row %s failed", row.kind, row.pk)
        return _retry(row, now, f"render: {type(exc).__name__}")
    if rendered is None:
        return _finish(row, DeliveryStatus.SKIPPED, error="no longer relevant")
    subject, text, html, *rest = rendered
    items = list(rest[0]) if rest else []
    patients = {i.patient_id: i.patient for i in items}
    if row.patient is not None:
        patients[row.patient_id] = row.patient
    subject = safe_subject(row, subject, list(patients.values()))
    address = (recipient.email or "").strip()
    if not address:
        return _finish(row, DeliveryStatus.FAILED, error="recipient has no email address")
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address], connection=mail,
                                     headers={"Message-ID": _message_id(row)})
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return _finish(row, DeliveryStatus.FAILED, error=f"address refused ({codes[0]})")
        return _retry(row, now, f"recipient deferred ({codes[0] if codes else '?'})")
    except smtplib.SMTPResponseException as exc:
        _close(mail)
        return _retry(row, now, f"SMTP {exc.smtp_code}")
    except (OSError, smtplib.SMTPException) as exc:
        _close(mail)
        _retry(row, now, f"unreachable: {type(exc).__name__}")
        return "unreachable"
    except ValueError as exc:  # a malformed address
        return _finish(row, DeliveryStatus.FAILED, error=f"bad address: {type(exc).__name__}")
    return _finish(row, DeliveryStatus.SENT, to_email=address, subject=subject, items=items)


def _close(mail) -> None:
    # The next message opens a fresh connection either way.
    with contextlib.suppress(Exception):
        mail.close()


def _finish(row: NotificationLedger, status: str, *, error: str = "", to_email: str = "", subject: str = "",
            items=()) -> str:
    with transaction.atomic():
        fields = {"status": status, "last_error": error[:300], "claimed_at": None}
        if status == DeliveryStatus.SENT:
            fields.update(sent_at=utcnow(), to_email=to_email, subject=subject, message_id=_message_id(row),
                          last_error="")
        NotificationLedger.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING).update(**fields)
        if items:
            NotificationLine.objects.bulk_create(
                [NotificationLine(notification_id=row.pk, item=i, patient_id=i.patient_id, state=i.status_label)
                 for i in items], ignore_conflicts=True)
    return str(status)


def backoff(attempts: int) -> dt.timedelta:
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _retry(row: NotificationLedger, now: dt.datetime, error: str) -> str:
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("outbox: %s row %s gave up after %s attempts", row.kind, row.pk, row.attempts)
        return _finish(row, DeliveryStatus.FAILED, error=error)
    NotificationLedger.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, claimed_at=None, last_error=error[:300],
        next_attempt_at=now + backoff(row.attempts))
    logger.info("outbox: %s row %s deferred (attempt %s)", row.kind, row.pk, row.attempts)
    return "retry"
