"""The 8 am worklist in a real browser: who to call first and why, what already waits, and a call
logged in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "worklist"


def name(patient) -> str:
    return f"{patient.family_name}, {patient.given_name}"


@pytest.fixture
def morning(alice, teams, now):
    """Alice's team at 8 am: an urgent overdue post-operative MRI, an overdue follow-up already called
    twice without answer, a follow-up booked for next week and one snoozed until a call back."""
    from bmtrack.core.clock import site_zone, today
    from bmtrack.surveillance import actions
    from tests.support import histories

    postop = histories.postop_mri_overdue(teams[0], alice, now)
    called, booked, snoozed = (histories.srs_followup_overdue(teams[0], alice, now) for _ in range(3))
    item = called.due_items.get(state="overdue")
    actions.record_contact(item, outcome="no_answer", user=alice, now=now - dt.timedelta(days=1))
    actions.record_contact(item, outcome="voicemail", note="left a message with the ward number", user=alice,
                           now=now - dt.timedelta(hours=2))
    # Booked after its window (it is overdue): kept with a reason, and flagged.
    actions.book_item(booked.due_items.get(state="overdue"),
                      booked_at=dt.datetime.combine(today(now) + dt.timedelta(days=6), dt.time(10, 30),
                                                    tzinfo=site_zone()),
                      booking_reason="First slot the patient can make", user=alice, now=now)
    actions.record_contact(snoozed.due_items.get(state="overdue"), outcome="remind",
                           remind_on=today(now) + dt.timedelta(days=2), user=alice, now=now)
    return {"postop": postop, "called": called, "booked": booked, "snoozed": snoozed}


def test_the_8_am_worklist(page, live_server, morning):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, live_server)

    today = page.locator("#today")
    rows = today.locator("tbody tr.wl-row")
    expect(rows).to_have_count(2)  # the booked and the snoozed ones wait elsewhere
    # The urgent post-operative MRI first, with its phone number to call.
    first = rows.nth(0)
    expect(first).to_contain_text(name(morning["postop"]))
    expect(first).to_contain_text("Urgent")
    expect(first).to_contain_text("Post-operative MRI")
    expect(first.locator("a.tel").first).to_have_attribute(
        "href", "tel:" + morning["postop"].phones.replace(" ", ""))
    expect(first).to_contain_text("Not contacted")
    # The rule is behind an info toggle.
    why = first.locator("details.why")
    expect(why.locator(".rule")).to_be_hidden()
    why.locator("summary").click()
    expect(why.locator(".rule")).to_be_visible()
    # The follow-up called twice: its attempts and the last one.
    called = rows.nth(1)
    expect(called).to_contain_text(name(morning["called"]))
    expect(called).to_contain_text("2 attempts")
    expect(called).to_contain_text("Voicemail left")
    # Booked and snoozed: in Waiting with their dates, not in red.
    waiting = page.locator("#waiting")
    booked = waiting.locator("tr.wl-row", has_text=name(morning["booked"]))
    snoozed = waiting.locator("tr.wl-row", has_text=name(morning["snoozed"]))
    expect(booked).to_contain_text("Booked for")
    expect(snoozed).to_contain_text("Call back")
    expect(waiting.locator(".state-overdue")).to_have_count(0)
    expect(today).not_to_contain_text(name(morning["booked"]))
    page.screenshot(path=SHOTS / "worklist-1400.png", full_page=True, caret="initial")

    # Log a call on the follow-up, with the keyboard: the row updates in place.
    called.locator("summary", has_text="Log call").focus()
    page.keyboard.press("Enter")
    panel = called.locator("details.action", has_text="Log a call")
    expect(panel.get_by_label("No answer")).to_be_visible()
    expect(panel).to_contain_text("2 attempts so far")
    panel.get_by_label("Unreachable (number wrong or dead)").check()
    expect(panel.get_by_label("Date of death")).to_be_hidden()  # only the fields that apply
    panel.get_by_label("Note").fill("number not in service")
    page.screenshot(path=SHOTS / "worklist-log-call-1400.png", full_page=False, caret="initial")
    panel.get_by_role("button", name="Save contact").click()
    updated = today.locator("tr.wl-row", has_text="Unreachable recorded")
    expect(updated).to_contain_text("3 attempts")
    expect(updated).to_contain_text("number not in service")
    assert page.url.rstrip("/") == live_server.url

    # The other actions are behind "More".
    more = updated.locator("details.row-menu")
    more.locator("summary").click()
    expect(more.get_by_role("link", name="Record the scan")).to_be_visible()
    page.screenshot(path=SHOTS / "worklist-more-1400.png", full_page=False, caret="initial")
    more.locator("summary").click()

    page.set_viewport_size({"width": 800, "height": 1000})
    page.reload()
    expect(page.locator("#today tbody tr.wl-row")).to_have_count(2)
    page.screenshot(path=SHOTS / "worklist-800.png", full_page=True, caret="initial")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800, f"the page scrolls sideways at 800 px ({width} px)"
    assert not errors, errors
