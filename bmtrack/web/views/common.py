"""Helpers every view uses: the access layer, permissions, htmx and safe redirects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from bmtrack.accounts.access import access_patient


def patient_or_404(request, public_id, action: str | None = None):
    """The patient if this user may see it (their care team's), else 404 — never 403."""
    return access_patient(request.user, public_id, action=action)


def require_perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("Your role cannot change this.")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request, default: str) -> str:
    """A same-site path from ``next`` (form field or query string), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


def patient_url(patient) -> str:
    return reverse("web:patient", args=[patient.public_id])
