"""The access log: one row per request per patient record that was viewed, edited or exported.

The access layer (``accounts.access``) notes every patient it hands out during a request;
``AccessLogMiddleware`` writes the rows once the response is known to be a success. Tasks and
commands run outside a request, so nothing is noted there.
"""

from __future__ import annotations

import contextvars

from bmtrack.core.clock import utcnow
from bmtrack.core.models import AccessLog

_accessed: contextvars.ContextVar[dict | None] = contextvars.ContextVar("bmtrack_accessed", default=None)

EXPORT_SUFFIXES = ("/fhir", "/fhir/", ".pdf", "/pdf/", "/export/", ".ics")


def note_access(patient, action: str | None = None) -> None:
    """Record that ``patient`` was handed out in the current request (no-op outside one)."""
    accessed = _accessed.get()
    if accessed is not None and patient is not None and patient.pk is not None:
        current = accessed.get(patient.pk)
        if current is None or (action and action != AccessLog.Action.VIEW):
            accessed[patient.pk] = (patient.public_id, action or (current[1] if current else None))


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
        token = _accessed.set({})
        try:
            response = self.get_response(request)
            accessed = _accessed.get() or {}
        finally:
            _accessed.reset(token)
        user = getattr(request, "user", None)
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
