"""The calls issue 14 added, as a nurse sees them in Chromium, at 1400 and 800 px: GPA at diagnosis
and current, a radiation-necrosis unconfirmed PD in words, a new lesion awaiting the reader's call.
Screenshots are saved under test-artifacts/web/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ward(alice, teams, now):
    from tests.support import histories

    return {"necrosis": histories.srs_lesion_enlarging_in_necrosis_window(teams[0], alice, now),
            "awaiting": histories.new_lesion_awaiting_call(teams[0], alice, now)}


@pytest.mark.parametrize("width", [1400, 800])
def test_the_new_calls_read_in_words_at_both_widths(page, live_server, ward, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/patients/{ward['necrosis'].public_id}/")
    gpa = page.locator("section", has=page.get_by_role("heading", name="Graded Prognostic Assessment"))
    expect(gpa.get_by_role("heading", name="At diagnosis of brain metastases")).to_be_visible()
    expect(gpa.get_by_role("heading", name="Current")).to_be_visible()
    response = page.locator("section", has=page.get_by_role("heading", name="Current response (RANO-BM)"))
    expect(response).to_contain_text("unconfirmed PD")
    expect(response).to_contain_text("Possible radiation necrosis: a treated lesion grew inside its window")
    expect(page.locator("body")).not_to_contain_text("possible_radiation_necrosis")
    page.screenshot(path=artifacts / f"patient-necrosis-{width}.png", full_page=True, caret="initial")

    page.goto(f"{live_server.url}/patients/{ward['awaiting'].public_id}/")
    expect(page.locator("body")).to_contain_text("New lesion awaiting the reader's call")
    page.screenshot(path=artifacts / f"patient-call-needed-{width}.png", full_page=True, caret="initial")
