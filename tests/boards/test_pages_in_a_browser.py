"""The board pages in a real browser (Debian's chromium): they render under the strict CSP without a
violation, and screenshots land in test-artifacts/boards/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.conf import settings
from django.urls import reverse

from bmtrack.boards import services
from tests.boards.conftest import History
from tests.conftest import CHROMIUM
from tests.support.browser import sign_in

# pytest-playwright runs an event loop in the test thread: let the test itself use the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_meeting_and_case_pages_render_without_csp_violations(page, live_server, dora, meeting,
                                                                  progressing_patient, make_patient):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    suggested = make_patient(given_name="Sanne", family_name="Kok")
    History(suggested).primary(dt.date(2025, 1, 5), bm=dt.date(2026, 5, 28))
    case = services.add_case(meeting, progressing_patient, question="Radiation necrosis or tumour?", user=dora)
    artifacts = settings.BASE_DIR / "test-artifacts" / "boards"
    artifacts.mkdir(parents=True, exist_ok=True)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "dora")
    for name, url in (("meeting", reverse("boards:meeting", args=[meeting.pk])),
                      ("case", reverse("boards:case", args=[case.pk])),
                      ("packet", reverse("boards:packet", args=[meeting.pk]))):
        response = page.goto(live_server.url + url)
        assert response.status == 200
        page.screenshot(path=str(artifacts / f"screen-{name}.png"), full_page=True)
    assert page.locator(".bp-case svg").count() == 2  # the response chart and the timeline
    assert problems == []
