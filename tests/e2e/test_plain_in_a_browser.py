"""Issue 16, plain language in a browser: a form shows every error at once in a summary whose links lead
to the inputs; the patient page, scan entry and a board meeting are usable at 1400 and 800 px (no page
overflow, chart text at 11 px or more), screenshotted under test-artifacts/plain/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "plain"


@pytest.fixture
def ward(alice, teams, dora, bob, now):
    """Three of Alice's patients, each a case of next week's board meeting (Dora coordinates it)."""
    import datetime as dt

    from bmtrack.boards import services as board_services
    from bmtrack.boards.models import Board
    from bmtrack.core.clock import today
    from tests.support import histories

    postop = histories.postop_mri_overdue(teams[0], alice, now)
    serial = histories.srs_serial_response(teams[0], alice, now)
    necrosis = histories.srs_lesion_enlarging_in_necrosis_window(teams[0], alice, now)
    board = Board.objects.create(name="Neuro-oncology tumour board")
    board.care_teams.add(teams[0])
    board.members.add(dora, bob)
    meeting = board_services.create_meeting(board, date=today(now) + dt.timedelta(days=7), starts_at=dt.time(16, 0),
                                            location="Room 4.12")
    meeting.attendees.add(dora)
    for patient in (postop, serial, necrosis):
        board_services.add_case(meeting, patient, question="Next step after the latest MRI?")
    return {"postop": postop, "serial": serial, "meeting": meeting}




def smallest_chart_text(page) -> float:
    """The smallest rendered text size (px) over every SVG chart on the page: font size times the SVG's
    drawn width over its viewBox width."""
    return page.evaluate("""() => {
        let smallest = 1000;
        for (const svg of document.querySelectorAll('svg[viewBox]')) {
            const box = svg.viewBox.baseVal, drawn = svg.getBoundingClientRect().width;
            if (!box || !box.width || !drawn) continue;
            for (const text of svg.querySelectorAll('text')) {
                if (!text.textContent.trim()) continue;
                const size = parseFloat(getComputedStyle(text).fontSize) * drawn / box.width;
                smallest = Math.min(smallest, size);
            }
        }
        return smallest;
    }""")


def page_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def too_wide(page) -> list[str]:
    """The innermost elements that reach past the window (for the failure message)."""
    return page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > limit + 1
            && ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1))
            .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                + Math.round(e.getBoundingClientRect().right));
    }""")


def test_a_form_shows_every_error_at_once_with_links_to_the_fields(page, live_server, ward):
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/patients/{ward['postop'].public_id}/status/new/")
    page.locator("#id_dexamethasone_mg").fill("-5")
    page.locator("#id_haemoglobin_g_dl").fill("99")
    # The native picker shows the browser's format; beside it, bmtrack's.
    page.locator("#id_observed_on").fill("2026-12-04")
    expect(page.locator('[data-echo-for="id_observed_on"]')).to_have_text("4 Dec 2026")
    page.locator("#id_observed_on").fill("")
    expect(page.locator('[data-echo-for="id_observed_on"]')).to_have_text("")
    page.get_by_role("button", name=re.compile("Save")).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # read first
    expect(summary).to_contain_text("Nothing was saved.")
    links = summary.locator("a[data-focus]")
    count = links.count()
    assert count >= 3, summary.inner_text()  # every error at once, not the first only
    expect(summary).to_contain_text(re.compile(r"\d problems to fix"))
    for index in range(count):
        link = links.nth(index)
        target = link.get_attribute("data-focus")
        assert link.get_attribute("href") == f"#{target}"
        link.click()
        expect(page.locator(f"#{target}")).to_be_focused()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "form-errors-1400.png", full_page=True, caret="initial")


@pytest.mark.parametrize("width", [1400, 800])
def test_pages_are_usable_at_both_widths(page, live_server, ward, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "alice")

    for key in ("postop", "serial"):
        page.goto(f"{live_server.url}/patients/{ward[key].public_id}/")
        expect(page.locator("svg.tl")).to_be_visible()
        assert page_overflow(page) <= 0, f"patient page overflows at {width} px: {too_wide(page)}"
        assert smallest_chart_text(page) >= 10.95
        text = page.locator("main").inner_text()
        assert "seed review" not in text and ".md" not in text and "p.m." not in text
        page.screenshot(path=SHOTS / f"patient-{key}-{width}.png", full_page=True, caret="initial")
        page.locator("main > *").first.screenshot(path=SHOTS / f"patient-{key}-top-{width}.png")
        for figure in ("timeline", "response"):
            chart = page.locator(f"figure.{figure}-figure")
            if chart.count():
                chart.first.screenshot(path=SHOTS / f"patient-{key}-{figure}-{width}.png")

    for name, path in (("worklist", "/"), ("dashboard", "/dashboard/"), ("find", "/patients/"),
                       ("notifications", "/notifications/"), ("account", "/account/"),
                       ("treatment-form", f"/patients/{ward['serial'].public_id}/treatments/new/")):
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True, caret="initial")
        assert page_overflow(page) <= 0, f"{name} overflows at {width} px: {too_wide(page)}"
        assert smallest_chart_text(page) >= 10.95, name

    page.goto(f"{live_server.url}/patients/{ward['serial'].public_id}/scans/new/")
    expect(page.locator("#m-rows")).to_be_visible()
    page.screenshot(path=SHOTS / f"scan-entry-{width}.png", full_page=True, caret="initial")
    assert page_overflow(page) <= 0, f"scan entry overflows at {width} px: {too_wide(page)}"

    page.context.clear_cookies()
    sign_in(page, live_server, "dora")
    meeting = ward["meeting"]
    page.goto(f"{live_server.url}/boards/meetings/{meeting.pk}/")
    page.screenshot(path=SHOTS / f"meeting-{width}.png", full_page=True, caret="initial")
    assert page_overflow(page) <= 0, f"meeting page overflows at {width} px: {too_wide(page)}"
    case = meeting.cases.order_by("order").first()
    page.goto(f"{live_server.url}/boards/cases/{case.pk}/")
    page.screenshot(path=SHOTS / f"case-{width}.png", full_page=True, caret="initial")
    assert page_overflow(page) <= 0, f"case page overflows at {width} px: {too_wide(page)}"
    page.goto(f"{live_server.url}/boards/")
    assert page_overflow(page) <= 0, f"meeting list overflows at {width} px: {too_wide(page)}"
    page.goto(f"{live_server.url}/boards/meetings/{meeting.pk}/packet/")
    assert page_overflow(page) <= 0, f"packet overflows at {width} px: {too_wide(page)}"
    assert smallest_chart_text(page) >= 10.95
    page.screenshot(path=SHOTS / f"packet-{width}.png", full_page=True, caret="initial")
    page.locator(".bp-case").first.screenshot(path=SHOTS / f"packet-case-{width}.png")
