"""Guard rails at the moment of action, in a real browser (Debian's chromium): a booking outside the
window is refused naming the limit, then kept flagged with a reason; a waiver is confirmed and undone;
a board decision before the meeting is refused; a decision that ends surveillance lists the urgent
items it cancels before it does. Screenshots land in test-artifacts/guard/ for a person to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "guard"


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def ward(alice, teams, now):
    """Alice's overdue follow-up MRI and overdue urgent post-operative MRI, built through the real services."""
    from tests.support import histories

    return {"postop": histories.postop_mri_overdue(teams[0], alice, now),
            "followup": histories.srs_followup_overdue(teams[0], alice, now)}


def signed_in(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    return page


def shot(page, locator, path, below: int = 0) -> None:
    """A screenshot of ``locator`` and ``below`` pixels under it (an action panel opens below its row)."""
    box = locator.bounding_box()
    top = box["y"] + page.evaluate("window.scrollY")
    page.screenshot(path=path, full_page=True,
                    clip={"x": 0, "y": max(0, top - 8), "width": page.viewport_size["width"],
                          "height": box["height"] + below + 16})


def watch_errors(page) -> list:
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_a_booking_outside_the_window_is_refused_then_kept_flagged_with_a_reason(page, client, live_server, alice,
                                                                                ward, shots):
    from bmtrack.core.clock import today
    from bmtrack.surveillance.models import DueItem

    errors = watch_errors(page)
    patient = ward["followup"]
    item = DueItem.objects.get(patient=patient, state="overdue")
    signed_in(page, client, live_server, alice).goto(f"{live_server.url}/patients/{patient.public_id}/")
    row = page.locator(f"#item-{item.pk}")
    row.get_by_text("Book", exact=True).click()
    panel = row.locator("form.panel")
    day = today() + dt.timedelta(days=3)
    panel.get_by_label("Booked for").fill(day.isoformat())
    panel.get_by_label("Time").fill("10:30")
    expect(panel.locator(".date-echo").nth(1)).to_have_text("10:30")  # 24-hour beside the native picker
    panel.get_by_role("button", name="Save booking").click()

    row = page.locator(f"#item-{item.pk}")
    limit = f"after the window closes on {item.due_by.day} {item.due_by:%b %Y}"
    expect(row).to_contain_text(limit)
    expect(row).to_contain_text("A booking outside the limit needs a reason.")
    shot(page, row, shots / "booking-refused.png", below=470)
    item.refresh_from_db()
    assert item.booked_for is None

    row.get_by_label("Reason to book outside the limit").fill("First slot the patient can make")
    row.get_by_role("button", name="Save booking").click()
    row = page.locator(f"#item-{item.pk}")
    expect(row.locator(".booking-flag")).to_contain_text(f"Outside the limit: {limit}")
    expect(row.locator(".booking-flag")).to_contain_text("First slot the patient can make")
    expect(row.locator(".state-booked")).to_contain_text(f"Booked {day.day} {day:%b %Y}")
    expect(row.locator(".state-booked")).to_contain_text("10:30")
    shot(page, page.locator("#due"), shots / "booking-flagged.png")
    item.refresh_from_db()
    assert item.booking_flagged
    assert errors == []


def test_a_waiver_is_confirmed_and_undone(page, client, live_server, alice, ward, shots):
    from bmtrack.surveillance.models import DueItem

    errors = watch_errors(page)
    patient = ward["postop"]
    item = DueItem.objects.get(patient=patient, kind="postop_mri")
    signed_in(page, client, live_server, alice).goto(f"{live_server.url}/")
    row = page.locator(f"#item-{item.pk}")
    row.get_by_text("More", exact=True).click()
    row.get_by_role("link", name="Waive (not needed)…").click()
    page.get_by_label("Reason").fill("Scanned at the referring hospital")
    page.get_by_role("button", name="Waive…").click()

    box = page.locator(".confirm-box")
    expect(box).to_contain_text("Waive this item?")
    expect(box).to_contain_text("Urgent")
    box.screenshot(path=shots / "waive-confirm.png")
    item.refresh_from_db()
    assert item.state == "overdue"

    box.get_by_role("button", name="Yes, waive").click()
    expect(page.locator(".messages")).to_contain_text("waived: Scanned at the referring hospital")
    undo = page.locator("#closed-items")
    undo.locator("summary").click()
    shot(page, undo, shots / "waive-done-with-undo.png")
    undo.get_by_role("button", name="Undo waiver").click()
    expect(page.locator(".messages")).to_contain_text("Waiver undone")
    row = page.locator(f"#item-{item.pk}")
    expect(row).to_contain_text("Overdue")
    shot(page, row, shots / "waive-undone.png")
    item.refresh_from_db()
    assert item.state == "overdue" and item.waived_reason == ""
    assert errors == []


@pytest.fixture
def coordinator(dora):
    return dora


@pytest.fixture
def board(teams, coordinator):
    from bmtrack.boards.models import Board

    board = Board.objects.create(name="Neuro-oncology board")
    board.care_teams.add(teams[0])
    board.members.add(coordinator)
    return board


def test_a_board_decision_before_the_meeting_is_refused(page, client, live_server, coordinator, board, ward, shots):
    from bmtrack.boards import services
    from bmtrack.core.clock import today

    meeting = services.create_meeting(board, date=today() + dt.timedelta(days=7), user=coordinator)
    case = services.add_case(meeting, ward["followup"], question="Next step?", user=coordinator)
    signed_in(page, client, live_server, coordinator).goto(f"{live_server.url}/boards/cases/{case.pk}/")
    page.locator("#id_decision").select_option("continue_surveillance")
    page.get_by_role("button", name="Record decision").click()
    section = page.locator("#decision")
    expect(section).to_contain_text("its decision can be recorded on or after that day, not before")
    section.screenshot(path=shots / "decision-before-meeting.png")
    case.refresh_from_db()
    assert case.decision == ""


def test_an_ends_surveillance_decision_lists_the_items_it_cancels_before_it_does(page, client, live_server,
                                                                                coordinator, board, ward, shots):
    from bmtrack.boards import services
    from bmtrack.core.clock import today

    patient = ward["postop"]
    meeting = services.create_meeting(board, date=today(), user=coordinator)
    case = services.add_case(meeting, patient, question="Resected: what next?", user=coordinator)
    errors = watch_errors(page)
    signed_in(page, client, live_server, coordinator).goto(f"{live_server.url}/boards/cases/{case.pk}/")
    page.locator("#id_decision").select_option("best_supportive_care")
    page.locator("#id_note").fill("Patient's wish")
    page.get_by_role("button", name="Record decision").click()

    box = page.locator("#confirm-cancel")
    expect(box).to_contain_text("“Best supportive care” ends surveillance")
    expect(box.locator("li.confirm-urgent")).to_contain_text("Post-operative MRI")
    box.screenshot(path=shots / "ends-surveillance-confirm.png")
    patient.refresh_from_db()
    assert patient.status == "active" and patient.due_items.open().exists()

    box.get_by_role("button", name="Yes, end surveillance and cancel").click()
    expect(page.locator(".bp-decided")).to_contain_text("Best supportive care: Patient's wish")
    page.screenshot(path=shots / "ends-surveillance-recorded.png", full_page=True)
    expect(page.locator(".messages")).to_contain_text("surveillance has ended and 2 open items were cancelled")
    patient.refresh_from_db()
    assert patient.status == "supportive_care" and not patient.due_items.open().exists()

    # A slip is amended: the history keeps both, and the cancelled urgent MRI opens again.
    page.get_by_text("Amend the decision", exact=True).click()
    page.locator("#decision #id_decision").select_option("continue_surveillance")
    page.get_by_label("Why amend").fill("Recorded on the wrong case")
    page.get_by_role("button", name="Amend decision").click()
    section = page.locator("#decision")
    expect(section).to_contain_text("History of the decision")
    expect(section).to_contain_text("Recorded on the wrong case")
    section.screenshot(path=shots / "decision-amended.png")
    patient.refresh_from_db()
    assert patient.status == "active" and patient.due_items.open().filter(kind="postop_mri").exists()
    assert errors == []


def test_deceased_is_confirmed_listing_the_urgent_item_and_undone_from_the_patient_page(page, client, live_server,
                                                                                        alice, ward, shots):
    from bmtrack.core.clock import today

    errors = watch_errors(page)
    patient = ward["postop"]
    signed_in(page, client, live_server, alice).goto(f"{live_server.url}/patients/{patient.public_id}/")
    page.locator("#id_status").select_option("deceased")
    page.get_by_label("Date of death").fill(today().isoformat())
    page.get_by_role("button", name="Update care status").click()

    box = page.locator(".confirm-box")
    expect(box).to_contain_text(f"Set {patient.given_name} {patient.family_name} to “deceased”?")
    expect(box.locator("li.confirm-urgent")).to_contain_text("Post-operative MRI")
    box.screenshot(path=shots / "deceased-confirm.png")
    patient.refresh_from_db()
    assert patient.status == "active"

    box.get_by_role("button", name="Yes, set to deceased").click()
    expect(page.locator(".messages")).to_contain_text("Care status set to deceased")
    undo = page.get_by_role("button", name="Undo: return to active care")
    shot(page, page.locator(".undo-status"), shots / "deceased-undo.png")
    undo.click()
    expect(page.locator(".messages")).to_contain_text("Surveillance is planned again")
    patient.refresh_from_db()
    assert patient.status == "active" and patient.due_items.open().filter(kind="postop_mri").exists()
    assert errors == []


def test_a_call_that_takes_the_patient_off_the_list_is_confirmed_and_undone(page, client, live_server, alice, ward,
                                                                            shots):
    from bmtrack.surveillance.models import DueItem

    errors = watch_errors(page)
    item = DueItem.objects.get(patient=ward["followup"], state="overdue")
    signed_in(page, client, live_server, alice).goto(f"{live_server.url}/")
    row = page.locator(f"#item-{item.pk}")
    row.locator("summary", has_text="Log call").click()
    panel = row.locator("details.action", has_text="Log a call")
    panel.get_by_label("Declined the scan").check()
    panel.get_by_label("Reason (it takes the patient off the list)").fill("Prefers to wait for the clinic")
    panel.get_by_role("button", name="Save contact").click()

    box = page.locator(f"#item-{item.pk} .confirm-box")
    expect(box).to_contain_text("Declined the scan: take this item off the list?")
    expect(box).to_contain_text("Prefers to wait for the clinic")
    shot(page, box, shots / "contact-declined-confirm.png")
    item.refresh_from_db()
    assert item.state == "overdue" and not item.contacts.exists()

    box.get_by_role("button", name="Yes, take it off the list").click()
    cleared = page.locator(f"#item-{item.pk}")
    expect(cleared).to_contain_text("Declined: Prefers to wait for the clinic")
    shot(page, cleared, shots / "contact-declined-with-undo.png")
    cleared.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("Waiver undone")
    item.refresh_from_db()
    assert item.state == "overdue" and item.contacts.get().outcome == "declined"
    assert errors == []
