"""A nurse enters the measurements of a follow-up MRI in a real browser, adds a new lesion, is
asked for the reader's call, answers "definite" and sees PD on the patient page (record.md 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting(make_patient):
    """A baseline MRI with two targets, and a follow-up MRI waiting for its measurements."""
    from django.utils import timezone

    from bmtrack.patients import services

    patient = make_patient()
    now = timezone.now()
    services.record_scan(patient, at=now - dt.timedelta(days=60), modality="mri", purpose="diagnosis",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("18"), "role": "target"},
                                       {"lesion": "L2", "longest_diameter_mm": Decimal("12"), "role": "target"}])
    scan = services.record_scan(patient, at=now - dt.timedelta(days=1), modality="mri", purpose="surveillance")
    return patient, scan


def test_a_nurse_adds_a_new_lesion_is_asked_for_the_call_and_sees_pd(page, live_server, waiting, artifacts):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    patient, scan = waiting
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    card = page.locator(f"#scan-{scan.pk}")
    card.get_by_role("link", name="Enter measurements").click()
    expect(page.get_by_role("heading", name="Lesion measurements")).to_be_visible()

    call = page.get_by_label("New lesion call")
    page.get_by_label("L1: longest diameter (mm)").fill("19")
    page.get_by_label("L2: longest diameter (mm)").fill("12")
    expect(call).to_be_hidden()  # the baseline's lesions only: nothing to call

    page.locator('input[name="m-2-label"]').fill("L3")
    page.locator('input[name="m-2-longest_diameter_mm"]').fill("7")
    expect(call).to_be_visible()  # asked the moment a lesion absent at baseline is measured
    expect(call).to_have_value("")

    page.get_by_role("button", name="Save measurements").click()  # without the call: refused at the field
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved.")
    expect(page.locator("#id_new_lesions_error")).to_contain_text("not on the baseline MRI")
    expect(page.get_by_label("New lesion call")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=artifacts / "new-lesion-call.png", full_page=True, caret="initial")

    page.get_by_label("New lesion call").select_option("definite")
    page.get_by_role("button", name="Save measurements").click()
    expect(page.get_by_role("heading", name=f"{patient.family_name}, {patient.given_name}")).to_be_visible()
    card = page.locator(f"#scan-{scan.pk}")
    expect(card.locator(".cat")).to_have_text("PD")
    expect(card).to_contain_text("new lesions: definite")
    expect(page.locator("#response-title + p .cat")).to_have_text("PD")
    assert not errors, errors
