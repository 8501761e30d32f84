"""Service errors back onto the form that caused them: the one mapper is ``bmtrack.core.forms``
(shared with the board forms)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from bmtrack.core.forms import apply_service_error

__all__ = ["apply_service_error", "save_through"]


def save_through(form, write, **extra):
    """The form → service step of an entry view: when the bound form is valid, ``write(**fields,
    **extra)`` with its service fields; a service error lands on the form. Returns what ``write``
    returned, or None when nothing was saved."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return write(**form.service_fields(), **extra)
    except ValidationError as exc:
        apply_service_error(exc, form)
        return None
