"""Email subjects: the identifier guard matches whole identifiers, and a subject it refuses falls back to
one that keeps what the email is and how urgent it is."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail

from bmtrack.surveillance import outbox
from bmtrack.surveillance.emails import subject_is_safe
from bmtrack.surveillance.models import NotificationLedger
from tests.conftest import at
from tests.surveillance.test_outbox import overdue_postop

pytestmark = pytest.mark.django_db


def person(**fields):
    values = {"mrn": "Z9876543", "given_name": "Wilhelmina", "family_name": "Zonneveld",
              "birth_date": dt.date(1955, 7, 14)}
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(("subject", "patient", "safe"), [
    ("bmtrack: urgent — post-operative MRI overdue", person(family_name="Post"), True),
    ("bmtrack: urgent — post-operative MRI overdue", person(family_name="Operative"), True),
    ("bmtrack: urgent — post-operative MRI overdue", person(given_name="MRI"), False),  # a whole word
    ("bmtrack: urgent — post-operative MRI overdue", person(family_name="Post-Operative"), False),
    ("bmtrack: 2 items overdue today", person(family_name="Postma"), True),
    ("bmtrack: about Zonneveld", person(), False),
    ("bmtrack: about zonneveld", person(), False),  # case does not hide it
    ("bmtrack: about Wilhelmina  Zonneveld", person(), False),
    ("bmtrack: Z9876543 overdue", person(), False),
    ("bmtrack: (Z9876543) overdue", person(), False),
    ("bmtrack: born 1955-07-14", person(), False),
    ("bmtrack: born 14 July 1955", person(), False),
    ("bmtrack: about Zonneveld-Smit", person(family_name="Zonneveld-Smit"), False),
    ("bmtrack: about van der Berg", person(family_name="van der  Berg"), False),
])
def test_the_guard_matches_whole_identifiers_only(subject, patient, safe):
    assert subject_is_safe(subject, [patient]) is safe


def test_an_urgent_alert_about_a_patient_surnamed_post_keeps_its_subject(make_patient, alice, smtp_settings):
    patient = make_patient(family_name="Post", given_name="Operative")
    overdue_postop(patient)
    outbox.send_pending(now=at(2026, 3, 6, 7, 2))
    subjects = {str(m["Subject"]).strip() for m in smtp_settings.messages}
    assert "bmtrack: urgent — post-operative MRI overdue" in subjects
    assert "bmtrack: notification" not in subjects


def test_an_unsafe_subject_falls_back_to_the_kinds_own_and_keeps_its_urgency(patient, alice):
    outbox.register_renderer("leaky_urgent", lambda row, now: (f"URGENT {row.patient.mrn}", "text", ""),
                             fallback_subject="bmtrack: urgent item overdue")
    outbox.enqueue(recipient=alice, kind="leaky_urgent", key="1", patient=patient, now=at(2026, 3, 1))
    outbox.send_pending(now=at(2026, 3, 1))
    assert mail.outbox[0].subject == "bmtrack: urgent item overdue"
    assert NotificationLedger.objects.get(kind="leaky_urgent").subject == "bmtrack: urgent item overdue"


def test_a_fallback_that_would_itself_name_the_patient_is_not_sent(make_patient, alice):
    patient = make_patient(family_name="Urgent")
    outbox.register_renderer("leaky_urgent2", lambda row, now: (f"about {row.patient.family_name}", "text", ""),
                             fallback_subject="bmtrack: urgent item overdue")
    outbox.enqueue(recipient=alice, kind="leaky_urgent2", key="1", patient=patient, now=at(2026, 3, 1))
    outbox.send_pending(now=at(2026, 3, 1))
    assert mail.outbox[0].subject == "bmtrack: notification"


@pytest.mark.parametrize(("kind", "item_kind", "expected"), [
    ("urgent_alert", "postop_mri", "bmtrack: urgent item overdue"),
    ("urgent_alert", "confirmation_mri", "bmtrack: urgent item overdue"),
    ("urgent_alert", "srs_planning_mri", "bmtrack: urgent — SRS soon without a planning MRI"),
    ("escalation", "followup_mri", "bmtrack: escalation — item still open"),
    ("digest", None, "bmtrack: daily digest"),
    ("board_agenda", None, "bmtrack: tumour board agenda"),
])
def test_each_kind_has_a_fallback_that_says_what_it_is(kind, item_kind, expected):
    import bmtrack.boards.agenda  # noqa: F401  (registers the agenda)

    row = SimpleNamespace(kind=kind, item=SimpleNamespace(kind=item_kind) if item_kind else None)
    assert outbox.fallback_subject(row) == expected
