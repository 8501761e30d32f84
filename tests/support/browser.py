"""Helpers of the browser tests (pytest-playwright's ``page``, Debian's chromium)."""

from __future__ import annotations

from playwright.sync_api import expect

PASSWORD = "correct horse battery staple"  # every persona's (tests/conftest.py)


def sign_in(page, live_server, username: str = "alice") -> None:
    """Sign in through the real form, as a person would; waits for the page she lands on."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1").first).to_be_visible()
