"""Email content: subject / text / html template triplets (healthchecks' ``hc/lib/emails.py``).

Templates live in ``templates/emails/<name>_subject.txt``, ``<name>_body.txt`` and
``<name>_body.html``. Subjects never carry a patient identifier (no name, MRN or birth date):
``subject_is_safe`` checks that before every send, and the sender replaces an unsafe subject.
Bodies carry the minimum a nurse needs (what is due, the window, the state) and a link into
the app by the patient's opaque ``public_id``; no name, MRN or birth date either, because mail
crosses servers the hospital does not control.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from bmtrack.core.clock import local_date
from bmtrack.surveillance.phase import OVERDUE, phase


def patient_url(patient) -> str:
    """Absolute link to the patient's page (the web app's ``web:patient``, else ``/patients/<uuid>/``)."""
    try:
        path = reverse("web:patient", kwargs={"public_id": patient.public_id})
    except NoReverseMatch:
        path = f"/patients/{patient.public_id}/"
    return f"{settings.SITE_URL}{path}"


def app_url(name: str, fallback: str) -> str:
    try:
        path = reverse(name)
    except NoReverseMatch:
        path = fallback
    return f"{settings.SITE_URL}{path}"


def render(name: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of the triplet ``emails/<name>_…``, or ``<app>/emails/<name>_…`` when
    ``name`` is a path (``"boards/emails/agenda"``): one way to render every email."""
    stem = name if "/" in name else f"emails/{name}"
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{stem}_subject.txt", context)
    subject = " ".join(subject.split())[:200]
    text = render_to_string(f"{stem}_body.txt", context)
    html = render_to_string(f"{stem}_body.html", context)
    return subject, text, html


def identifiers(patient) -> list[str]:
    """Strings that identify a patient and must never appear in a subject line."""
    values = [patient.mrn, patient.given_name, patient.family_name]
    birth = patient.birth_date
    if birth:
        values += [birth.isoformat(), birth.strftime("%d-%m-%Y"), birth.strftime("%d/%m/%Y"),
                   birth.strftime("%d.%m.%Y"), f"{birth.day} {birth.strftime('%B')} {birth.year}",
                   f"{birth.day} {birth.strftime('%b')} {birth.year}"]
    return [v for v in values if v and len(v.strip()) >= 2]


# An identifier matches whole identifiers only: a hyphen joins a word to the next (surname "Post" is not
# in "post-operative", "Operative" neither), so it is part of the token on both sides.
_WORD_CHAR = r"[\w-]"


def subject_is_safe(subject: str, patients) -> bool:
    """False if ``subject`` names one of ``patients``: an identifier (``identifiers``) found as a whole
    token, case-insensitive, with runs of spaces read as one."""
    lowered = " ".join(subject.lower().split())
    for patient in patients:
        for value in identifiers(patient):
            value = re.escape(" ".join(value.lower().split()))
            if re.search(rf"(?<!{_WORD_CHAR}){value}(?!{_WORD_CHAR})", lowered):
                return False
    return True


def describe_item(item, now: dt.datetime) -> dict:
    """What an email says about one due item: no identifier, just what, when and where to look."""
    today = local_date(now)
    current = phase(item, now)
    return {
        "kind": item.get_kind_display(),
        "state": "booked" if item.is_booked else current,
        "due_from": item.due_from,
        "due_by": item.due_by,
        "due_by_at": item.due_by_at,
        "overdue_days": (today - item.due_by).days if current == OVERDUE else 0,
        "urgent": item.urgent,
        "booked_for": item.booked_for,
        "missed_booking": bool(item.booked_for and item.booked_for < today),
        "url": patient_url(item.patient),
    }


def describe_need(need, now: dt.datetime) -> dict:
    """``describe_item`` for a need (``needs.ItemNeed``): one line, however many items one MRI answers."""
    today = local_date(now)
    lead = need.lead
    booked = [item.booked_for for item in need.items if item.booked_for]
    return {
        **describe_item(lead, now),
        "kind": need.label,
        "state": need.phase,
        "due_from": need.due_from,
        "due_by": need.due_by,
        "due_by_at": lead.due_by_at if not need.merged else None,
        "overdue_days": (today - need.due_by).days if need.phase == OVERDUE else 0,
        "urgent": need.urgent,
        "booked_for": max(booked) if booked else None,
        "missed_booking": bool(booked and max(booked) < today),
    }
