"""The reader's inputs in the web app (record.md 5 and 9): the new-lesion call asked on "Enter
measurements" and on the scan form, corrected on the scan card; scans awaiting a call listed on
the worklist; work-up results; the count of brain metastases at diagnosis on the primary form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bmtrack.patients import services
from tests.web.test_entry import management

pytestmark = pytest.mark.django_db


def ago(now, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


def mm(label, diameter, **fields):
    return {"lesion": label, "longest_diameter_mm": Decimal(str(diameter)), **fields}


@pytest.fixture
def measured(patient, now):
    """A baseline MRI (L1, L2) and a follow-up MRI waiting for its measurements."""
    services.record_scan(patient, at=ago(now, 60), modality="mri", purpose="diagnosis",
                         measurements=[mm("L1", 18, role="target"), mm("L2", 12, role="target")])
    waiting = services.record_scan(patient, at=ago(now, 2), modality="mri", purpose="surveillance")
    return patient, waiting


def rows_with_new_lesion(**changes) -> dict:
    data = {**management("m", 3, 2),
            "m-0-carried": "True", "m-0-label": "L1", "m-0-longest_diameter_mm": "19", "m-0-enhancing": "on",
            "m-0-measurable": "on", "m-0-role": "target",
            "m-1-carried": "True", "m-1-label": "L2", "m-1-longest_diameter_mm": "12", "m-1-enhancing": "on",
            "m-1-measurable": "on", "m-1-role": "target",
            "m-2-label": "L3", "m-2-longest_diameter_mm": "7", "m-2-location": "left occipital",
            "m-2-enhancing": "on", "m-2-measurable": "on"}
    return {**data, **changes}


def test_enter_measurements_asks_for_the_call_and_refuses_a_new_lesion_without_it(client_for, alice, measured):
    patient, waiting = measured
    url = f"/patients/{patient.public_id}/scans/{waiting.pk}/measurements/"
    client = client_for(alice)
    form = client.get(url).content.decode()
    assert 'data-new-lesion-call data-has-baseline="1" data-baseline-labels="L1 L2"' in form
    assert '<option value="" selected>— not called yet —</option>' in form
    refused = client.post(url, rows_with_new_lesion()).content.decode()
    assert 'id="id_new_lesions_error"' in refused and "not on the baseline MRI" in refused
    assert "Nothing was saved." in refused
    waiting.refresh_from_db()
    assert waiting.measurement_status == "pending" and not patient.lesions.filter(label="L3").exists()
    done = client.post(url, rows_with_new_lesion(new_lesions="definite"))
    assert done.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.new_lesions, waiting.measurement_status) == ("definite", "complete")
    assert patient.responses.get(scan=waiting).category == "PD"


def test_the_scan_form_refuses_a_new_lesion_without_the_call_at_its_field(client_for, alice, measured, now):
    patient, _ = measured
    data = {"at": timezone.localtime(ago(now, 1)).strftime("%Y-%m-%dT%H:%M"), "modality": "mri",
            "purpose": "surveillance", "sequences": ["t1_pre_3d", "t1_post_3d", "t2", "flair"],
            "non_target": "none", **rows_with_new_lesion()}
    scans = patient.scans.count()
    html = client_for(alice).post(f"/patients/{patient.public_id}/scans/new/", data).content.decode()
    assert 'id="id_new_lesions_error"' in html and patient.scans.count() == scans
    response = client_for(alice).post(f"/patients/{patient.public_id}/scans/new/", {**data, "new_lesions": "none"})
    assert response.status_code == 302 and patient.scans.count() == scans + 1


@pytest.fixture
def uncalled(patient, now):
    """A follow-up whose new lesion nobody has called (as an import of another system leaves it)."""
    services.record_scan(patient, at=ago(now, 60), modality="mri", purpose="diagnosis",
                         measurements=[mm("L1", 18), mm("L2", 12)])
    scan = services.record_scan(patient, at=ago(now, 3), modality="mri", purpose="surveillance",
                                measurements=[mm("L1", 18), mm("L2", 12), mm("L3", 6)], call_required=False)
    return patient, scan


def section(html: str) -> str:
    return html.split('id="new-lesion-calls"')[1].split("</section>")[0]


def test_an_uncalled_new_lesion_is_on_the_worklist_until_called_on_the_scan_card(client_for, alice, bob, charlie,
                                                                                 coordinator, uncalled):
    patient, scan = uncalled
    listed = section(client_for(alice).get("/").content.decode())
    assert patient.family_name in listed
    assert f'href="/patients/{patient.public_id}/?scans=all#scan-{scan.pk}"' in listed
    assert patient.family_name not in section(client_for(charlie).get("/").content.decode())

    page = client_for(bob).get(f"/patients/{patient.public_id}/").content.decode()
    card = page.split(f'id="scan-{scan.pk}"')[1].split("</article>")[0]
    assert "New lesion awaiting the reader's call" in card and f'action="/patients/{patient.public_id}/scans/' \
        f'{scan.pk}/call/"' in card

    url = f"/patients/{patient.public_id}/scans/{scan.pk}/call/"
    assert client_for(coordinator).post(url, {"new_lesions": "definite"}).status_code == 403
    assert client_for(charlie).post(url, {"new_lesions": "definite"}).status_code == 404
    response = client_for(bob).post(url, {"new_lesions": "definite"}, follow=True)
    assert "New lesion call on the MRI of" in response.content.decode()
    scan.refresh_from_db()
    assert scan.new_lesions == "definite" and scan.history.first().history_user == bob
    assert patient.responses.get(scan=scan).category == "PD"
    assert patient.family_name not in section(client_for(alice).get("/").content.decode())

    blank = client_for(bob).post(url, {"new_lesions": ""}, follow=True).content.decode()
    assert "not on the baseline MRI" in blank
    scan.refresh_from_db()
    assert scan.new_lesions == "definite"


def test_a_workup_result_is_recorded_and_corrected_from_the_patient_page(client_for, alice, bob, charlie,
                                                                         coordinator, uncalled, now):
    patient, _ = uncalled
    new = f"/patients/{patient.public_id}/workups/new/"
    assert client_for(charlie).get(new).status_code == 404
    assert client_for(coordinator).get(new).status_code == 403
    client = client_for(alice)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    lesion = patient.lesions.get(label="L1")
    data = {"performed_on": future, "method": "perfusion_mri", "result": "treatment_effect", "lesion": lesion.pk,
            "note": "low rCBV"}
    refused = client.post(new, data).content.decode()
    assert 'id="id_performed_on_error"' in refused and not patient.workups.exists()
    data["performed_on"] = timezone.localdate().isoformat()
    assert client.post(new, data).status_code == 302
    workup = patient.workups.get()
    assert (workup.recorded_by, workup.lesion, workup.result) == (alice, lesion, "treatment_effect")
    page = client.get(f"/patients/{patient.public_id}/").content.decode()
    listed = page.split('id="workups"')[1].split("</section>")[0]
    assert "Perfusion MRI" in listed and "low rCBV" in listed and "Record a work-up result" in listed

    edit = f"/patients/{patient.public_id}/workups/{workup.pk}/"
    assert client_for(bob).post(edit, {**data, "result": "progression", "lesion": ""}).status_code == 302
    workup.refresh_from_db()
    assert (workup.result, workup.lesion, workup.recorded_by) == ("progression", None, alice)
    assert workup.history.first().history_user == bob


def test_the_primary_form_takes_the_count_of_brain_metastases_at_diagnosis(client_for, alice, patient):
    data = {"type": "melanoma", "diagnosed_on": "2025-03-01", "brain_metastases_diagnosed_on": "2025-09-01",
            "brain_metastases_count": "0", **management("markers", 4)}
    client = client_for(alice)
    refused = client.post(f"/patients/{patient.public_id}/primaries/new/", data).content.decode()
    assert 'id="id_brain_metastases_count_error"' in refused and not patient.primaries.exists()
    assert client.post(f"/patients/{patient.public_id}/primaries/new/",
                       {**data, "brain_metastases_count": "3"}).status_code == 302
    primary = patient.primaries.get()
    assert primary.brain_metastases_count == 3
    edit = f"/patients/{patient.public_id}/primaries/{primary.pk}/"
    assert 'name="brain_metastases_count" value="3"' in client.get(edit).content.decode()
    assert client.post(edit, {**data, "brain_metastases_count": "4"}).status_code == 302
    primary.refresh_from_db()
    assert primary.brain_metastases_count == 4
    assert "(4 at diagnosis)" in client.get(f"/patients/{patient.public_id}/").content.decode()
