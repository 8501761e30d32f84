"""A nurse's morning in a real browser: sign in, see the overdue post-operative MRI, clear it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ward(alice, teams, now):
    """Patients of Alice's team, written through the real services (tests/support/histories.py)."""
    from tests.support import histories

    return {"postop": histories.postop_mri_overdue(teams[0], alice, now),
            "followup": histories.srs_followup_overdue(teams[0], alice, now),
            "serial": histories.srs_serial_response(teams[0], alice, now)}




def test_a_nurse_signs_in_and_clears_an_overdue_post_operative_mri(page, live_server, ward, artifacts):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    postop, followup = ward["postop"], ward["followup"]
    name = f"{postop.family_name}, {postop.given_name}"

    sign_in(page, live_server)
    overdue = page.locator("#today")
    row = overdue.locator("tr.wl-row", has_text=name)
    expect(row).to_contain_text("Post-operative MRI")
    expect(row).to_contain_text("Overdue")
    page.screenshot(path=artifacts / "worklist.png", full_page=True, caret="initial")

    # A contact attempt updates its row in place (htmx), without leaving the page.
    other = overdue.locator("tr.wl-row", has_text=f"{followup.family_name}, {followup.given_name}")
    other.locator("summary", has_text="Log call").click()
    panel = other.locator("details.action", has_text="Log a call")
    panel.get_by_label("No answer").check()
    expect(panel.get_by_label("Booked for")).to_be_hidden()  # only the fields that apply are shown
    panel.get_by_label("Note").fill("voicemail left")
    panel.get_by_role("button", name="Save contact").click()
    updated = overdue.locator("tr.wl-row", has_text="No answer recorded.")
    expect(updated).to_contain_text("voicemail left")
    assert page.url.rstrip("/") == live_server.url

    # Record the post-operative MRI with its measurements, carried forward from the previous scan.
    row.locator("summary", has_text="More").click()
    row.get_by_role("link", name="Record the scan").click()
    expect(page.get_by_role("heading", name="Record a scan")).to_be_visible()
    expect(page.get_by_label("Purpose")).to_have_value("post_operative")
    expect(page.locator("#m-rows")).to_contain_text("34 mm")
    page.get_by_role("button", name="Add a lesion").click()  # a row for a new lesion, focused
    expect(page.locator('input[name="m-4-label"]')).to_be_focused()
    expect(page.locator("#id_m-TOTAL_FORMS")).to_have_value("5")
    page.get_by_label("L1: gone (no longer visible)").check()
    expect(page.get_by_label("L1: longest diameter (mm)")).to_be_disabled()
    page.get_by_label("L2: longest diameter (mm)").fill("8")
    page.get_by_label("Field strength").select_option("3.0")
    page.get_by_label("Scanner").fill("Siemens Prisma 3T (MR2)")
    expect(page.locator("#protocol-check")).to_contain_text("Missing required: DWI, SWI")  # as at baseline
    page.get_by_label("DWI").check()
    page.get_by_label("SWI").check()
    expect(page.locator("#protocol-check")).to_contain_text("All required sequences are there.")
    page.get_by_role("button", name="Save scan").click()

    expect(page.get_by_role("heading", name="Worklist", level=1)).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Done: .*Post-operative MRI"))
    expect(page.locator("#today")).not_to_contain_text(name)

    # The patient page: timeline and response chart.
    page.goto(f"{live_server.url}/patients/{postop.public_id}/")
    expect(page.locator("svg.tl")).to_be_visible()
    expect(page.locator("svg.rc")).to_be_visible()
    expect(page.locator("svg.rc")).to_contain_text("Baseline 34 mm")
    expect(page.locator("#scans")).to_contain_text("gone")
    page.screenshot(path=artifacts / "patient.png", full_page=True, caret="initial")

    page.goto(f"{live_server.url}/patients/{ward['serial'].public_id}/")
    expect(page.locator("svg.rc .rc-point")).to_have_count(5)
    page.screenshot(path=artifacts / "patient-serial-response.png", full_page=True, caret="initial")
    page.goto(f"{live_server.url}/dashboard/")
    page.screenshot(path=artifacts / "dashboard.png", full_page=True, caret="initial")

    # Screening advice follows the primary-tumour form as it is filled in.
    page.goto(f"{live_server.url}/patients/{postop.public_id}/primaries/new/")
    page.get_by_label("Primary tumour").select_option("nsclc_adeno")
    page.get_by_label("AJCC stage").fill("IA")
    page.get_by_label("AJCC stage").blur()
    expect(page.locator("#screening-advice")).to_contain_text("Guidelines differ")
    expect(page.locator("#screening-advice")).to_contain_text("NCCN")

    # On a tablet, with the keyboard: open an action panel, land in its field, Escape closes it.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/")
    row = page.locator("#today tr.wl-row").first
    book = row.locator("summary", has_text="Book")
    book.focus()
    page.keyboard.press("Enter")
    expect(row.locator("details.action", has_text="Mark the scan booked").get_by_label("Booked for")).to_be_focused()
    page.keyboard.press("Escape")
    expect(book).to_be_focused()
    page.screenshot(path=artifacts / "worklist-tablet.png", caret="initial")
    assert not errors, errors
