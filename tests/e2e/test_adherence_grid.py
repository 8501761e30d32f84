"""The adherence grid in a real browser: coloured cells with their dates, a cell opens the patient, the CSV
downloads; screenshots of the grid and the dashboard at 1400 and 800 px (test-artifacts/adherence/)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS.parent / "adherence"


@pytest.fixture
def ward(alice, teams, charlie, now):
    """Alice's patients in every adherence state, and one of team B's (not hers) last."""
    from tests.support import histories as h

    mine = [history(teams[0], alice, now) for history in (
        h.postop_mri_overdue, h.srs_followup_overdue, h.postop_mri_done_late, h.tt_response_due, h.wbrt_sclc,
        h.planned_srs_without_planning_mri, h.scan_awaiting_measurements, h.srs_serial_response,
        h.postop_done_then_cavity_srs)]
    return [*mine, h.postop_mri_overdue_melanoma(teams[1], charlie, now)]




def test_a_nurse_reads_the_adherence_grid_opens_a_patient_and_downloads_the_csv(page, live_server, ward):
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, live_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Adherence").click()
    expect(page.get_by_role("heading", name="Adherence", level=1)).to_be_visible()

    postop = ward[0]
    row = page.locator("table.ad-grid tbody tr", has_text=f"{postop.family_name}, {postop.given_name}")
    missed = row.locator("a.ad-missed").first
    expect(missed).to_have_text("missed")
    expect(missed).to_have_attribute("title", re.compile(r"^Post-op MRI: missed · window \d{1,2} \w{3} \d{4}"))
    expect(page.locator("a.ad-late").first).to_have_text("done late")
    expect(page.locator("table.ad-grid thead")).to_contain_text("Post-op MRI")
    expect(page.locator("table.ad-grid thead")).to_contain_text("Follow-up 1")
    other = ward[-1]
    expect(page.locator("table.ad-grid")).not_to_contain_text(other.family_name)
    page.screenshot(path=SHOTS / "adherence-1400.png", full_page=True, caret="initial")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("adherence-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["patient_public_id", "mrn", "care_team", "status"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id[str(postop.public_id)][1] == postop.mrn
    assert "missed" in by_id[str(postop.public_id)]
    assert str(other.public_id) not in by_id and len(by_id) == len(ward) - 1

    page.set_viewport_size({"width": 800, "height": 900})
    page.reload()
    scroller = page.locator(".ad-scroll")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800, f"the page scrolls sideways at 800 px ({width} px)"  # the table scrolls in its card
    expect(scroller).to_be_visible()
    page.screenshot(path=SHOTS / "adherence-800.png", full_page=True, caret="initial")

    missed = page.locator("table.ad-grid tbody tr", has_text=postop.family_name).locator("a.ad-missed").first
    missed.click()
    expect(page).to_have_url(f"{live_server.url}/patients/{postop.public_id}/")

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("svg.weekbars")).to_be_visible()
    page.screenshot(path=SHOTS / "dashboard-800.png", full_page=True, caret="initial")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.reload()
    expect(page.locator("svg.weekbars rect.wk-bad").first).to_be_visible()
    page.screenshot(path=SHOTS / "dashboard-1400.png", full_page=True, caret="initial")

    # The account menu leads to two-step sign-in (a nurse does not work in the admin).
    page.locator("summary.who").click()
    menu = page.locator(".account-menu ul")
    expect(menu.get_by_role("link", name="Two-step sign-in")).to_be_visible()
    expect(menu.get_by_role("link", name="Administration")).to_have_count(0)
    page.screenshot(path=SHOTS / "account-menu-1400.png", clip={"x": 700, "y": 0, "width": 700, "height": 260})
    menu.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    assert errors == []
