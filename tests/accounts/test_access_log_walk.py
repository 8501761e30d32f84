"""Every patient-bearing URL writes exactly one access-log row per patient it shows.

The walk is enumerated from the URL configuration: a URL pattern that takes an identifier (a
patient, scan, item, case, meeting, feed token...) or an API route must appear in ``WALK`` (with the
request that exercises it and the patients it shows) or in ``NOT_PATIENT_BEARING`` (with the reason),
so a new URL cannot escape the access log unnoticed. Each request runs against real endpoints and
a history written through the services, and inside its own savepoint so the walk's writes do not
leak into the next step. Team B's patient is in the same meeting and must never be logged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bmtrack.core.models import AccessLog

pytestmark = pytest.mark.django_db

# URL names that carry an identifier or an API route but show no patient's record.
NOT_PATIENT_BEARING = {
    "web:worklist_section": "a section of the worklist: a list of names, like the worklist itself",
    "api:board-list": "tumour boards: names and care teams",
    "api:board-detail": "a tumour board: name and care teams",
    "api:meeting-list": "meetings: date, place, board",
    "api:meeting-detail": "a meeting: date, place, board (its cases are under board-cases)",
    "boards:meeting_attendees": "sets the attendees of a meeting; shows no patient",
    "api:fhir-import": "creates a new patient (not an access to an existing record)",
    "api:patient-lookup": "walked below under its own name (POST by MRN, kept out of the URL)",
    "pacs:assign": "an unmatched PACS study: no bmtrack patient yet (assigning records the scan via the services)",
    "pacs:ignore": "an unmatched PACS study: no bmtrack patient yet",
    "pacs:retry": "a PACS study that failed to import: no bmtrack record shown",
    "pacs:draft": "a reader's SR draft: opened through access_patient; walked in tests/pacs with a reader",
}


@dataclass
class Step:
    method: str
    url: str
    user: str
    data: dict | None = None
    shows: tuple[str, ...] = ("a1",)
    api: bool = False


def _names(resolver=None, prefix=""):
    """(qualified name, pattern) of every named URL pattern (admin excluded: see the report)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def _takes_an_id(pattern: URLPattern) -> bool:
    return bool(pattern.pattern.regex.groupindex)


@pytest.fixture
def world(make_patient, teams, alice, charlie, dora, settings):
    """Two patients of team A and one of team B with histories, a meeting with cases of all three,
    Alice (nurse, attendee) and Dora (coordinator of team A) who walk, and Alice's calendar token."""
    from bmtrack.boards import services as boards
    from bmtrack.boards.models import Board
    from bmtrack.patients import services
    from bmtrack.surveillance import actions

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    now = timezone.now()

    def ago(days):
        return now - dt.timedelta(days=days)

    def history(patient):
        primary = services.record_primary(patient, type="nsclc_adeno", stage="IVA", seer_stage="metastatic",
                                          diagnosed_on=ago(90).date(), brain_metastases_diagnosed_on=ago(60).date(),
                                          now=ago(60))
        observation = services.record_observation(patient, observed_on=ago(61).date(), kps=90,
                                                  extracranial_metastases=True, now=ago(60))
        baseline = services.record_scan(
            patient, at=ago(60), modality="mri", purpose="diagnosis", field_strength_t=Decimal("3.0"),
            scanner="Prisma", sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"], new_lesions="none",
            is_baseline=True, measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("20")}], now=ago(60))
        services.record_treatment(patient, kind="srs", status="given", start=ago(55), end=ago(55),
                                  lesions=list(patient.lesions.all()), dose_gy=Decimal("20"), fractions=1, now=ago(55))
        follow_up = services.record_scan(
            patient, at=ago(10), modality="mri", purpose="response", field_strength_t=Decimal("3.0"),
            scanner="Prisma", sequences=["t1_pre_3d", "t1_post_3d", "t2", "flair"], new_lesions="none",
            measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("14")}], now=ago(10))
        workup = services.record_workup(patient, performed_on=ago(5).date(), method="perfusion_mri",
                                        result="treatment_effect", now=ago(5))
        return {"primary": primary, "observation": observation, "baseline": baseline, "scan": follow_up,
                "workup": workup}

    patients = {"a1": make_patient(), "a2": make_patient(), "b1": make_patient(care_team=teams[1])}
    records = {key: history(patient) for key, patient in patients.items()}

    board = Board.objects.create(name="Neuro-oncology board")
    board.care_teams.add(teams[0], teams[1])
    meeting = boards.create_meeting(board, date=(now + dt.timedelta(days=7)).date(), attendees=[alice], user=dora)
    cases = {key: boards.add_case(meeting, patients[key], question="Next step?", user=dora) for key in ("a1", "b1")}
    alice.new_calendar_token()
    alice.save(update_fields=["calendar_token"])
    # A waived board follow-up of a1: what "undo a waiver" opens again.
    waived = actions.add_manual_item(patients["a1"], due_from=(now + dt.timedelta(days=30)).date(),
                                     due_by=(now + dt.timedelta(days=60)).date(), reason="Board: MRI in 2 months",
                                     user=alice)
    actions.waive_item(waived, reason="Scanned elsewhere", user=alice)
    return {"patients": patients, "records": records, "meeting": meeting, "cases": cases,
            "users": {"alice": alice, "dora": dora, "charlie": charlie}}


def _walk(world) -> dict[str, list[Step]]:
    from bmtrack.patients.models import Lesion, Measurement, ResponseAssessment
    from bmtrack.surveillance.models import DueItem, WatchWindow

    a1 = world["patients"]["a1"]
    rec = world["records"]["a1"]
    pid = a1.public_id
    a2 = str(world["patients"]["a2"].public_id)
    scan = rec["scan"]
    item = DueItem.objects.filter(patient=a1, state__in=("upcoming", "due", "overdue")).order_by("pk").first()
    window = WatchWindow.objects.filter(patient=a1).first()
    waived = DueItem.objects.get(patient=a1, state="waived")
    lesion = Lesion.objects.get(patient=a1, label="L1")
    measurement = Measurement.objects.filter(scan=scan).first()
    gpa = a1.gpa_assessments.first()
    response = ResponseAssessment.objects.filter(patient=a1).first()
    meeting, case = world["meeting"], world["cases"]["a1"]
    token = world["users"]["alice"].calendar_token
    assert item and window and measurement and gpa and response, "the history must yield every derived row"

    def web(name, method="GET", data=None, user="alice", **kwargs):
        return Step(method, reverse(f"web:{name}", kwargs={"public_id": pid, **kwargs}), user, data)

    def api(name, *args, method="GET", data=None, query="", shows=("a1",), user="alice"):
        return Step(method, reverse(f"api:{name}", args=args) + query, user, data, shows, api=True)

    def list_of(name):
        return api(f"{name}-list", query=f"?patient={pid}")

    return {
        # Web: the patient page and everything nested under it.
        "web:patient": [web("patient")],
        "web:older_scans": [web("older_scans")],
        "web:care_status": [web("care_status", "POST", {"status": "active"})],
        "web:patient_phones": [web("patient_phones", "POST", {"phones": "07700 900123"})],
        "web:primary_new": [web("primary_new")],
        "web:primary_edit": [web("primary_edit", primary_id=rec["primary"].pk)],
        "web:screening_advice": [web("screening_advice", "POST", {"type": "breast"})],
        "web:treatment_new": [web("treatment_new")],
        "web:observation_new": [web("observation_new")],
        "web:observation_edit": [web("observation_edit", observation_id=rec["observation"].pk)],
        "web:scan_new": [web("scan_new")],
        "web:protocol_check": [web("protocol_check", "POST", {"modality": "mri", "purpose": "surveillance"})],
        "web:measurements": [web("measurements", scan_id=scan.pk)],
        "web:scan_call": [web("scan_call", "POST", {"new_lesions": "none"}, scan_id=scan.pk)],
        "web:workup_new": [web("workup_new")],
        "web:workup_edit": [web("workup_edit", workup_id=rec["workup"].pk)],
        "web:item_actions": [web("item_actions", item_id=item.pk)],
        "web:item_book": [web("item_book", "POST", {"booked_for": timezone.localdate().isoformat(),
                                                    "booked_time": "10:30", "booking_reason": "First free slot"},
                              item_id=item.pk)],
        "web:item_waive": [web("item_waive", "POST", {"reason": "Patient declined"}, item_id=item.pk)],
        "web:item_unwaive": [web("item_unwaive", "POST", item_id=waived.pk)],
        "web:item_contact": [web("item_contact", "POST", {"outcome": "no_answer"}, item_id=item.pk)],
        # Boards: the agenda and packet show every visible case (team B's is not visible to Team A).
        "boards:meeting": [Step("GET", reverse("boards:meeting", args=[meeting.pk]), "dora", shows=("a1",))],
        "boards:packet": [Step("GET", reverse("boards:packet", args=[meeting.pk]), "alice", shows=("a1",))],
        "boards:packet_pdf": [Step("GET", reverse("boards:packet_pdf", args=[meeting.pk]), "alice", shows=("a1",))],
        "boards:case": [Step("GET", reverse("boards:case", args=[case.pk]), "alice")],
        "boards:case_move": [Step("POST", reverse("boards:case_move", args=[case.pk]), "dora", {"direction": "down"})],
        "boards:case_remove": [Step("POST", reverse("boards:case_remove", args=[case.pk]), "dora")],
        "boards:case_add": [Step("POST", reverse("boards:case_add", args=[meeting.pk]), "dora",
                                 {"patient": a2, "question": "SRS?"}, shows=("a2",))],
        "boards:suggestion_accept": [Step("POST", reverse("boards:suggestion_accept", args=[meeting.pk]), "dora",
                                          {"patient": a2}, shows=("a2",))],
        "boards:suggestion_dismiss": [Step("POST", reverse("boards:suggestion_dismiss", args=[meeting.pk]), "dora",
                                           {"patient": a2}, shows=("a2",))],
        "boards:suggestion_undismiss": [Step("POST", reverse("boards:suggestion_undismiss", args=[meeting.pk]),
                                             "dora", {"patient": a2}, shows=("a2",))],
        # The calendar feed: every patient with an open item (Alice is nurse of both team A patients).
        "surveillance:calendar-feed": [Step("GET", reverse("surveillance:calendar-feed", args=[token]), "",
                                            shows=("a1", "a2"))],
        # API: the patient, its FHIR export, and each nested resource (detail and list by patient).
        "api:patient-list": [api("patient-list", shows=("a1", "a2"))],
        "api:patient-detail": [api("patient-detail", pid),
                               api("patient-detail", pid, method="PATCH", data={"given_name": "Anne"})],
        "api:patient-fhir": [api("patient-fhir", pid)],
        "api:patient-lookup": [api("patient-lookup", method="POST", data={"mrn": a1.mrn})],
        "api:primary-list": [list_of("primary")],
        "api:primary-detail": [api("primary-detail", rec["primary"].pk)],
        "api:primary-markers": [api("primary-markers", rec["primary"].pk, method="POST",
                                    data={"marker": "alk", "result": "negative",
                                          "tested_on": timezone.localdate().isoformat()})],
        "api:treatment-list": [list_of("treatment")],
        "api:treatment-detail": [api("treatment-detail", a1.treatments.first().pk)],
        "api:scan-list": [list_of("scan"), api("scan-list", method="POST", data={
            "patient": str(pid), "at": timezone.now().isoformat(), "modality": "ct", "purpose": "problem_solving"})],
        "api:scan-detail": [api("scan-detail", scan.pk)],
        "api:workup-detail": [api("workup-detail", rec["workup"].pk)],
        "api:workup-list": [list_of("workup")],
        "api:scan-measurements": [api("scan-measurements", scan.pk, method="POST", data={
            "measurements": [{"lesion": "L1", "longest_diameter_mm": 13}], "replace": True})],
        "api:lesion-list": [list_of("lesion")],
        "api:lesion-detail": [api("lesion-detail", lesion.pk)],
        "api:measurement-list": [list_of("measurement")],
        "api:measurement-detail": [api("measurement-detail", measurement.pk)],
        "api:observation-list": [list_of("observation")],
        "api:observation-detail": [api("observation-detail", rec["observation"].pk)],
        "api:dueitem-list": [list_of("dueitem")],
        "api:dueitem-detail": [api("dueitem-detail", item.pk)],
        "api:dueitem-book": [api("dueitem-book", item.pk, method="POST",
                                 data={"booked_at": timezone.now().isoformat(), "booking_reason": "First free slot"})],
        "api:dueitem-unwaive": [api("dueitem-unwaive", waived.pk, method="POST")],
        "api:dueitem-waive": [api("dueitem-waive", item.pk, method="POST", data={"reason": "Declined"})],
        "api:watchwindow-list": [list_of("watchwindow")],
        "api:watchwindow-detail": [api("watchwindow-detail", window.pk)],
        "api:gpaassessment-list": [list_of("gpaassessment")],
        "api:gpaassessment-detail": [api("gpaassessment-detail", gpa.pk)],
        "api:responseassessment-list": [list_of("responseassessment")],
        "api:responseassessment-detail": [api("responseassessment-detail", response.pk)],
        "api:boardcase-list": [api("boardcase-list", query=f"?meeting={meeting.pk}", user="dora")],
        "api:boardcase-detail": [api("boardcase-detail", case.pk, user="dora")],
    }


def test_every_url_that_takes_an_id_or_is_an_api_route_is_walked_or_declared_not_patient_bearing(world):
    walked = set(_walk(world))
    must_be_covered = {name for name, pattern in _names()
                       if _takes_an_id(pattern) or name.startswith("api:")} - {"api:schema", "api:docs"}
    must_be_covered -= {name for name in must_be_covered if name.startswith("api:calculator-")}
    missing = sorted(must_be_covered - walked - set(NOT_PATIENT_BEARING))
    assert not missing, f"URL patterns neither walked nor declared free of patients: {missing}"
    stale = sorted((walked | set(NOT_PATIENT_BEARING)) - {name for name, _ in _names()})
    assert not stale, f"walked names that no longer exist: {stale}"


def test_each_patient_bearing_url_writes_one_access_log_row_per_patient_shown(world):
    by_pk = {patient.pk: key for key, patient in world["patients"].items()}
    failures = []
    for name, steps in _walk(world).items():
        for step in steps:
            with transaction.atomic():
                before = AccessLog.objects.count()
                status = _send(step, world["users"])
                rows = list(AccessLog.objects.order_by("pk")[before:])
                logged = Counter(by_pk.get(row.patient_id, "?") for row in rows)
                expected = Counter(step.shows)
                if status >= 400 or logged != expected or any(
                        row.user_id != world["users"][step.user or "alice"].pk for row in rows):
                    failures.append(f"{name} {step.method} -> {status}: logged {dict(logged)}, "
                                    f"expected {dict(expected)}")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_another_teams_user_walks_into_404s_and_leaves_no_row(world):
    """Charlie (team B) asking for team A's record gets a 404 everywhere and is logged nowhere."""
    failures = []
    for name, steps in _walk(world).items():
        for step in steps:
            if step.shows != ("a1",) or step.method != "GET" or "?" in step.url or step.user != "alice":
                continue
            with transaction.atomic():
                before = AccessLog.objects.count()
                status = _send(Step(step.method, step.url, "charlie", step.data, step.shows, step.api),
                               world["users"])
                if status != 404 or AccessLog.objects.count() != before:
                    failures.append(f"{name}: {status}")
                transaction.set_rollback(True)
    assert not failures, failures


def _send(step: Step, users: dict) -> int:
    if step.api:
        client = APIClient()
        client.force_authenticate(users[step.user])
        response = getattr(client, step.method.lower())(step.url, step.data, format="json")
    else:
        from django.test import Client

        client = Client()
        if step.user:
            client.force_login(users[step.user])
        response = getattr(client, step.method.lower())(step.url, step.data or {})
    return response.status_code
