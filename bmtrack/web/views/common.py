"""Helpers every view uses: the access layer, permissions, htmx and safe redirects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bmtrack.accounts.access import access_patient
from bmtrack.core.redirects import same_site


def patient_or_404(request, public_id, action: str | None = None, related: tuple[str, ...] = ()):
    """The patient if this user may see it (their care team's), else 404 — never 403."""
    return access_patient(request.user, public_id, action=action, related=related)


def require_perm(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied("Your role cannot change this.")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request, default: str) -> str:
    """A same-site path from ``next`` (form field or query string), else ``default``."""
    return same_site(request, request.POST.get("next") or request.GET.get("next"), default)


def patient_url(patient) -> str:
    return reverse("web:patient", args=[patient.public_id])
