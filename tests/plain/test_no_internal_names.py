"""Issue 16, plain language: no page, packet or email shows an internal name.

Every named test history (tests/support/histories.py) and a board meeting over them are walked, at the
fixed clock, as a nurse, a physician and a coordinator would: worklist, each patient's page, the
dashboard, the meeting, the packet, a case, the entry forms, and the emails the app sends. None may show
a file name of the clinical reference, "seed review", a raw flag id, an unexplained abbreviation or a
12-hour time.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from bmtrack.accounts.models import User
from bmtrack.boards import services as board_services
from bmtrack.boards.agenda import render_agenda
from bmtrack.boards.models import Board
from bmtrack.clinical.vocabulary import FLAG_WORDS
from bmtrack.patients.models import Patient
from bmtrack.surveillance import emails
from bmtrack.surveillance.models import DueItem
from tests.support import histories
from tests.support.history import fixed_clock

pytestmark = pytest.mark.django_db

FORBIDDEN = [
    re.compile(r"shared/clinical"),
    re.compile(r"docs/clinical"),
    re.compile(r"\b[\w-]+\.md\b"),
    re.compile(r"seed review", re.IGNORECASE),
    re.compile(r"\bseed\b", re.IGNORECASE),
    re.compile(r"ICI/TT"),
    re.compile(r"\b[ap]\.m\.", re.IGNORECASE),
    re.compile(r"\b\d{1,2}:\d{2} ?[AP]M\b"),
    re.compile(r"\b\d{2}/\d{2}/\d{4}\b"),
    re.compile(r"\b(?:" + "|".join(re.escape(flag) for flag in FLAG_WORDS if "_" in flag) + r")\b"),
]


def visible_text(html: str) -> str:
    """What a reader sees: no scripts, styles, comments, tags or attribute values (ids and CSS classes
    may be ids)."""
    html = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def leaks(text: str) -> list[str]:
    found = []
    for pattern in FORBIDDEN:
        found += [text[max(0, m.start() - 60): m.end() + 60] for m in pattern.finditer(text)]
    return found


@pytest.fixture
def walked(teams, alice, bob, charlie, dora):
    """Every history on Alice's team, two on Charlie's (team B), and a meeting next week whose cases are
    six of them; Bob and Dora work for both teams, as the board's physician and coordinator."""
    with fixed_clock():
        for history in (*histories.EVERY, histories.deceased):
            history(teams[0], alice)
        histories.postop_mri_overdue_melanoma(teams[1], charlie)
        histories.ici_unconfirmed_progression(teams[1], charlie)
        teams[1].members.add(bob, dora)
        board = Board.objects.create(name="Neuro-oncology tumour board")
        board.care_teams.add(*teams)
        board.members.add(bob, dora)
        meeting = board_services.create_meeting(board, date=timezone.localdate() + dt.timedelta(days=7),
                                                starts_at=dt.time(16, 0), location="Room 4.12")
        for patient in Patient.objects.order_by("pk")[:6]:
            board_services.add_case(meeting, patient, question="Next step?")
        yield meeting


def test_the_visible_text_check_catches_each_kind_of_leak():
    for sample in ("Source: seed review, ref 57", "see shared/clinical/gpa.md", "equivocal_new_lesion",
                   "3:54 p.m.", "12/04/2026, 04:01 PM", "after ICI/TT"):
        assert leaks(sample), sample
    assert not leaks(visible_text('<p class="no_baseline_disease">Derks et al., Br J Radiol 2022, 4 Dec 2026, '
                                  '16:01</p>'))


def test_pages_packet_and_case_show_no_internal_name(client, walked):
    meeting = walked
    pages = {}
    for username in ("alice", "charlie", "bob", "dora"):
        user = User.objects.get(username=username)
        client.force_login(user)
        for name in ("web:worklist", "web:dashboard", "web:notifications", "web:account", "boards:meetings"):
            pages[f"{username} {name}"] = client.get(reverse(name))
    for patient in Patient.objects.order_by("pk"):
        pages[f"patient {patient.pk}"] = client.get(reverse("web:patient", args=[patient.public_id]))
    first = Patient.objects.order_by("pk").first()
    for name in ("web:scan_new", "web:treatment_new", "web:observation_new", "web:workup_new", "web:primary_new"):
        pages[name] = client.get(reverse(name, args=[first.public_id]))
    pages["meeting"] = client.get(reverse("boards:meeting", args=[meeting.pk]))
    pages["packet"] = client.get(reverse("boards:packet", args=[meeting.pk]))
    for case in meeting.cases.all():
        pages[f"case {case.pk}"] = client.get(reverse("boards:case", args=[case.pk]))

    problems = {}
    for label, response in pages.items():
        if response.status_code in (302, 403, 404):
            continue
        assert response.status_code == 200, label
        found = leaks(visible_text(response.content.decode()))
        if found:
            problems[label] = found[:3]
    assert not problems
    assert "Source:" in visible_text(pages["packet"].content.decode())  # the citations are there, in words
    assert any("et al.," in visible_text(r.content.decode()) for k, r in pages.items() if k.startswith("patient"))


def test_emails_show_no_internal_name(walked):
    now = timezone.now()
    nurse = User.objects.get(username="alice")
    rendered = []
    for item in DueItem.objects.select_related("patient")[:12]:
        context = {"item": emails.describe_item(item, now), "kind": item.kind, "recipient": nurse,
                   "escalation_days": 3}
        rendered += emails.render("urgent_alert", context)
        rendered += emails.render("escalation", context)
    items = [emails.describe_item(item, now) for item in DueItem.objects.select_related("patient")[:12]]
    rendered += emails.render("digest", {
        "recipient": nurse, "day": timezone.localdate().isoformat(), "overdue_count": 1, "due_count": 2,
        "this_week_count": 1, "urgent_count": 1, "worklist_url": "https://bmtrack.example/",
        "patients": [{"url": "https://bmtrack.example/p/", "items": items}]})
    row = SimpleNamespace(context={"meeting": walked.pk}, recipient=User.objects.get(username="dora"))
    agenda = render_agenda(row, now)
    assert agenda is not None
    rendered += agenda
    problems = [found for text in rendered if (found := leaks(visible_text(text)))]
    assert rendered and not problems


def test_the_packet_pdf_shows_no_internal_name(client, walked, tmp_path):
    from tests.boards.test_packet_pdf import pdf_pages

    client.force_login(User.objects.get(username="dora"))
    response = client.get(reverse("boards:packet_pdf", args=[walked.pk]))
    assert response.status_code == 200
    pages = pdf_pages(response.content, tmp_path)
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert not leaks(text)
    assert "Derks et al., Br J Radiol 2022" in text or "Lin et al., Lancet Oncol 2015" in text
