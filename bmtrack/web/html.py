"""Joining markup built in Python (the rows written without templates: ``worklist_row``, ``patient_rows``)."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe


def concat(*parts: str) -> SafeString:
    """Parts that are all ``format_html`` output or constant markup of the caller, as one safe string."""
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped where it is built
