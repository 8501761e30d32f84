"""The board pages in a real browser (Debian's chromium): they render under the strict CSP without a
violation, and screenshots land in test-artifacts/boards/ for a person to look at."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.conf import settings
from django.urls import reverse

from bmtrack.boards import services
from tests.boards.conftest import History

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_meeting_and_case_pages_render_without_csp_violations(live_server, client, dora, meeting,
                                                                  progressing_patient, make_patient):
    chromium = shutil.which("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    if chromium is None:
        pytest.skip("chromium is not installed")
    suggested = make_patient(given_name="Sanne", family_name="Kok")
    History(suggested).primary(dt.date(2025, 1, 5), bm_on=dt.date(2026, 5, 28))
    case = services.add_case(meeting, progressing_patient, question="Radiation necrosis or tumour?", user=dora)
    client.force_login(dora)
    artifacts = settings.BASE_DIR / "test-artifacts" / "boards"
    artifacts.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        for name, url in (("meeting", reverse("boards:meeting", args=[meeting.pk])),
                          ("case", reverse("boards:case", args=[case.pk])),
                          ("packet", reverse("boards:packet", args=[meeting.pk]))):
            response = page.goto(live_server.url + url)
            assert response.status == 200
            page.screenshot(path=str(artifacts / f"screen-{name}.png"), full_page=True)
        assert page.locator(".bp-case svg").count() == 2  # the response chart and the timeline
        browser.close()
    assert problems == []
