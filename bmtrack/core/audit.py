"""The access log: one row per request per patient record that was viewed, edited or exported.

The access layer (``accounts.access``) notes every patient it hands out during a request;
``AccessLogMiddleware`` writes the rows once the response is known to be a success. Tasks and
commands run outside a request, so nothing is noted there. A request authenticated by a secret
in its path (the calendar feed) has no signed-in user: the access layer names the token's owner
(``note_user``), so the row still says who read the record.
"""

from __future__ import annotations

import contextvars

from bmtrack.core.clock import utcnow
from bmtrack.core.models import AccessLog

_accessed: contextvars.ContextVar[dict | None] = contextvars.ContextVar("bmtrack_accessed", default=None)
_reader: contextvars.ContextVar[list | None] = contextvars.ContextVar("bmtrack_reader", default=None)

EXPORT_SUFFIXES = ("/fhir", "/fhir/", ".pdf", "/pdf/", "/export/", ".ics")


def note_access(patient, action: str | None = None) -> None:
    """Record that ``patient`` was handed out in the current request (no-op outside one)."""
    accessed = _accessed.get()
    if accessed is not None and patient is not None and patient.pk is not None:
        current = accessed.get(patient.pk)
        if current is None or (action and action != AccessLog.Action.VIEW):
            accessed[patient.pk] = (patient.public_id, action or (current[1] if current else None))


def note_user(user) -> None:
    """The user the current request acts for when no one is signed in (a feed token's owner)."""
    reader = _reader.get()
    if reader is not None:
        reader[:] = [user]


def _action_for(request, explicit: str | None) -> str:
    if explicit:
        return explicit
    if request.path.endswith(EXPORT_SUFFIXES):
        return AccessLog.Action.EXPORT
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        return AccessLog.Action.EDIT
    return AccessLog.Action.VIEW


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token, reader_token = _accessed.set({}), _reader.set([])
        try:
            response = self.get_response(request)
            accessed = _accessed.get() or {}
            reader = _reader.get() or []
        finally:
            _accessed.reset(token)
            _reader.reset(reader_token)
        user = getattr(request, "user", None)
        if reader and not (user is not None and user.is_authenticated):
            user = reader[0]
        if accessed and response.status_code < 400 and user is not None and user.is_authenticated:
            now = utcnow()
            AccessLog.objects.bulk_create([
                AccessLog(at=now, user_id=user.pk, username=user.get_username(), patient_id=pk,
                          patient_public_id=public_id, action=_action_for(request, action),
                          method=request.method[:8], path=request.path[:300], ip_address=_client_ip(request),
                          user_agent=request.META.get("HTTP_USER_AGENT", "")[:200])
                for pk, (public_id, action) in accessed.items()
            ])
        return response
