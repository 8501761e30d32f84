"""Finding 2 of issue 18: dates are bounded where they enter (the services, so the web, API, FHIR and
admin all refuse them), and the pages still render whatever extreme dates are already stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import at
from tests.security.conftest import write_record

pytestmark = pytest.mark.django_db
PAGES_SERVER_ERROR = "pages answered 5xx"


@pytest.fixture
def coordinator(dora):
    return dora


@pytest.fixture
def meeting(teams, coordinator):
    from bmtrack.boards import services
    from bmtrack.boards.models import Board

    board = Board.objects.create(name="Board A")
    board.care_teams.add(teams[0])
    board.members.add(coordinator)
    return services.create_meeting(board, date=dt.date(2026, 3, 4), user=coordinator)


def _pages(client, patient, case):
    urls = [reverse("web:patient", args=[patient.public_id]), reverse("boards:case", args=[case.pk]),
            reverse("boards:meeting", args=[case.meeting_id]), reverse("boards:packet", args=[case.meeting_id]),
            reverse("boards:packet_pdf", args=[case.meeting_id])]
    return {url: client.get(url).status_code for url in urls}


def test_the_patient_page_renders_a_timeline_of_76_years(client, alice, make_patient):
    from bmtrack.patients import services

    patient = make_patient(birth_date=dt.date(1950, 2, 1))
    services.record_treatment(patient, kind="surgery", status="given", start=at(1995, 6, 1), end=at(1995, 6, 1, 14),
                              now=at(1995, 6, 2))
    services.record_scan(patient, at=at(2026, 1, 5), modality="mri", purpose="surveillance",
                         sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"], now=at(2026, 1, 5, 18))
    client.force_login(alice)
    response = client.get(reverse("web:patient", args=[patient.public_id]))
    assert response.status_code == 200
    assert "1995" in response.content.decode()


@pytest.mark.parametrize("extreme", [
    {"end": dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC)},
    {"start": dt.datetime(1, 1, 2, tzinfo=dt.UTC), "end": dt.datetime(1, 1, 3, tzinfo=dt.UTC)},
])
def test_patient_case_and_packet_pages_render_extreme_stored_treatment_dates(client, coordinator, patient, meeting,
                                                                             extreme):
    """Rows from before the bounds (an import, a restore) must not take the pages down."""
    from bmtrack.boards import services as boards
    from bmtrack.patients.models import Treatment

    record = write_record(patient)
    Treatment.objects.filter(pk=record["treatment"].pk).update(**extreme)
    case = boards.add_case(meeting, patient, question="SRS again?", user=coordinator)
    client.force_login(coordinator)
    statuses = _pages(client, patient, case)
    assert all(status == 200 for status in statuses.values()), statuses


def test_a_meeting_stored_on_9999_12_31_still_renders(client, coordinator, patient, meeting):
    from bmtrack.boards import services as boards
    from bmtrack.boards.models import Meeting

    write_record(patient)
    case = boards.add_case(meeting, patient, question="SRS again?", user=coordinator)
    Meeting.objects.filter(pk=meeting.pk).update(date=dt.date(9999, 12, 31))
    client.force_login(coordinator)
    statuses = _pages(client, patient, case)
    statuses[reverse("boards:meetings")] = client.get(reverse("boards:meetings")).status_code
    assert all(status == 200 for status in statuses.values()), statuses


def _refused(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    assert field in refused.value.message_dict, refused.value.message_dict
    return " ".join(refused.value.message_dict[field])


def test_the_services_bound_every_date_at_the_edge(patient, meeting):
    from bmtrack.boards import services as boards
    from bmtrack.patients import services

    now = at(2026, 3, 1)
    primary = services.record_primary(patient, type="melanoma", diagnosed_on=dt.date(2025, 1, 1), now=now)
    assert "years ahead" in _refused(lambda: services.record_treatment(
        patient, kind="ici", status="given", start=at(2026, 1, 1), end=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
        agent="pembrolizumab", now=now), "end")
    assert "years ahead" in _refused(lambda: services.record_treatment(
        patient, kind="ici", status="given", start=at(2026, 1, 1), end=at(2199, 1, 1), agent="nivolumab", now=now),
        "end")
    assert "years ahead" in _refused(lambda: services.record_treatment(
        patient, kind="srs", status="planned", start=at(2199, 1, 1), dose_gy=Decimal("20"), fractions=1, now=now),
        "start")
    assert "before birth" in _refused(lambda: services.record_marker(
        primary, marker="alk", result="negative", tested_on=dt.date(1800, 1, 1), now=now), "tested_on")
    assert "in the future" in _refused(lambda: services.update_patient(
        patient, last_contact_on=dt.date(2199, 1, 1), now=now), "last_contact_on")
    assert "before birth" in _refused(lambda: services.update_patient(
        patient, last_contact_on=dt.date(1901, 1, 1), now=now), "last_contact_on")
    assert "years ahead" in _refused(lambda: boards.update_meeting(meeting, date=dt.date(9999, 12, 31)), "date")
    assert "years ahead" in _refused(lambda: boards.create_meeting(meeting.board, date=dt.date(2999, 1, 1)), "date")
    assert "before" in _refused(lambda: boards.create_meeting(meeting.board, date=dt.date(1800, 1, 1)), "date")
    # Within the bounds all is well: a planned treatment a year ahead, a meeting next month.
    services.record_treatment(patient, kind="srs", status="planned", start=at(2027, 1, 1), dose_gy=Decimal("20"),
                              fractions=1, now=now)
    boards.create_meeting(meeting.board, date=dt.date(2026, 4, 1))


def test_the_web_treatment_form_names_the_field_of_a_far_end(client, alice, patient):
    client.force_login(alice)
    response = client.post(reverse("web:treatment_new", args=[patient.public_id]),
                           {"kind": "ici", "status": "given", "start": "2026-01-01T09:00", "end": "9999-12-31T10:00",
                            "agent": "pembrolizumab"})
    assert response.status_code in (200, 400)
    assert "years ahead" in response.content.decode()
    assert not patient.treatments.exists()


@pytest.mark.parametrize(("first", "last", "step"), [
    (dt.date(2026, 1, 5), dt.date(2026, 6, 1), 1),
    (dt.date(1995, 6, 1), dt.date(2026, 2, 1), 60),
    (dt.date(1, 1, 1), dt.date(9999, 12, 31), 12_000),
    (dt.date(9999, 12, 1), dt.date.max, 1),
])
def test_axis_ticks_cover_any_span_of_the_calendar(first, last, step):
    from bmtrack.clinical.dates import month_starts, shift_clamped

    days, chosen = month_starts(first, last, 14)
    assert chosen == step and 0 < len(days) <= 14 and all(first <= day <= last for day in days)
    assert shift_clamped(dt.date.max, 30) == dt.date.max and shift_clamped(dt.date.min, -30) == dt.date.min


NUL = "a\x00b"


def test_nul_bytes_and_extreme_dates_in_page_forms_never_give_a_5xx(client, coordinator, patient, meeting):
    """The adversarial sweep of the web and board forms: every answer is a page or a redirect, none a 5xx,
    and nothing extreme is stored."""
    from django.contrib.auth.models import Group

    from bmtrack.boards.models import Meeting
    from bmtrack.surveillance.models import DueItem

    record = write_record(patient)
    item = patient.due_items.first()
    client.force_login(coordinator)
    coordinator.groups.add(Group.objects.get(name="nurse"))  # the item and entry forms are a nurse's
    patient_url = reverse("web:patient", args=[patient.public_id])
    posts = [
        (reverse("boards:meetings"), {"board": meeting.board_id, "date": "9999-12-31", "location": NUL}),
        (reverse("boards:meetings"), {"board": meeting.board_id, "date": "0001-01-01"}),
        (reverse("boards:case_add", args=[meeting.pk]), {"patient": str(patient.public_id), "question": NUL}),
        (reverse("web:treatment_new", args=[patient.public_id]),
         {"kind": "srs", "status": "planned", "start": "9999-12-31T23:59", "note": NUL}),
        (reverse("web:observation_new", args=[patient.public_id]), {"observed_on": "1800-01-01", "kps": "70",
                                                                    "note": NUL}),
        (reverse("web:item_waive", args=[patient.public_id, item.pk]), {"reason": NUL}),
        (reverse("web:item_book", args=[patient.public_id, item.pk]), {"booked_for": "9999-12-31"}),
        (reverse("web:patients"), {"q": NUL}),
    ]
    answers = {url: client.post(url, data).status_code for url, data in posts}
    answers[patient_url + "?scans=%00"] = client.get(patient_url + "?scans=%00").status_code
    answers[reverse("boards:case", args=[9_999_999])] = client.get(reverse("boards:case", args=[9_999_999])).status_code
    assert all(code < 500 for code in answers.values()), answers
    assert not Meeting.objects.filter(date__year__in=(1, 9999)).exists()
    assert not patient.treatments.filter(start__year=9999).exists()
    assert not DueItem.objects.filter(booked_for__year=9999).exists()
    assert record["treatment"].pk in set(patient.treatments.values_list("pk", flat=True))
