"""The patient page: header, GPA, response, timeline, response chart, lesions, viewer links, log."""

import re
import uuid

import pytest

from tests.support import histories as h

pytestmark = pytest.mark.django_db

WARD = {
    "postop": h.postop_mri_overdue,
    "serial": h.srs_serial_response,  # on Alice's team
    "followup": h.srs_followup_overdue,
    "ici": (h.ici_unconfirmed_progression, "charlie"),  # team B
}


def page(client, patient) -> str:
    response = client.get(f"/patients/{patient.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_shows_primary_markers_kps_gpa_with_its_lung_companion(client_for, alice, ward_patient):
    patient = ward_patient("postop")
    html = page(client_for(alice), patient)
    assert f"{patient.family_name}, {patient.given_name}" in html and patient.mrn in html
    assert "NSCLC, adenocarcinoma" in html and "stage IVA" in html
    assert "EGFR +" in html and "exon 19 deletion" in html and "PD-L1 + 30 %" in html
    assert re.search(r'<span class="big">80</span>', html)  # latest KPS
    gpa = patient.gpa_assessments.first()
    assert "Updated Lung GPA 2022: NSCLC adenocarcinoma" in html and gpa.variant not in html  # no internal id
    assert "Estimated median survival" in html and "Sperduto et al., Int J Radiat Oncol Biol Phys 2022" in html
    assert "Single secondary source" in html  # the note beside the 2022 result
    assert "Beside it: Lung-molGPA 2017: NSCLC adenocarcinoma" in html


def test_the_current_response_and_the_chart_of_target_sums(client_for, alice, ward_patient):
    patient = ward_patient("serial")
    html = page(client_for(alice), patient)
    latest = patient.responses.order_by("-scan__at").first()
    assert '<span class="cat cat-lg' in html and latest.category in html
    chart = html[html.index('<svg class="rc"'):html.index("</svg>", html.index('<svg class="rc"'))]
    for line in ("rc-baseline", "rc-pr", "rc-nadir", "rc-pd"):
        assert f'class="{line}' in chart
    assert "Baseline 49 mm" in chart and "−30 % (PR) 34.3 mm" in chart
    assert chart.count('<g class="rc-point">') == patient.responses.count() == 5
    assert ">PR</text>" in chart and ">baseline</text>" in chart
    assert "+20 % (PD)" in chart


def test_the_timeline_draws_treatments_scans_windows_and_due_items(client_for, alice, ward_patient):
    patient = ward_patient("followup")
    html = page(client_for(alice), patient)
    svg = html[html.index('<svg class="tl"'):html.index("</svg>", html.index('<svg class="tl"'))]
    assert svg.count('class="tl-treat ') == patient.treatments.count() == 1
    assert svg.count('class="tl-scan ') == patient.scans.count() == 3
    assert 'class="tl-window tl-window-radiation_necrosis"' in svg and "tl-shade-radiation_necrosis" in svg
    assert 'class="tl-due tl-due-overdue"' in svg and "Follow-up MRI" in svg
    assert 'class="tl-today"' in svg
    assert 'role="img"' in svg and "<title" in svg


def test_each_scan_has_its_lesion_table_and_a_viewer_link(client_for, alice, ward_patient, settings):
    settings.DICOM_VIEWER_URL_TEMPLATE = "https://pacs.example/viewer?StudyInstanceUIDs={study_uid}"
    patient = ward_patient("serial")
    html = page(client_for(alice), patient)
    for scan in patient.scans.filter(modality="mri"):
        assert f'id="scan-{scan.pk}"' in html
        assert f"https://pacs.example/viewer?StudyInstanceUIDs={scan.study_uid}" in html
    assert html.count('<table class="table compact lesions">') == 5
    assert "left frontal" in html and "gone" in html
    assert '<span class="tag tag-target" title="RANO-BM target">T</span>' in html


def test_without_a_viewer_configured_the_study_uid_is_shown(client_for, alice, ward_patient, settings):
    settings.DICOM_VIEWER_URL_TEMPLATE = ""
    patient = ward_patient("followup")
    html = page(client_for(alice), patient)
    assert "Open in viewer" not in html and patient.scans.first().study_uid in html


def test_an_mri_missing_required_sequences_shows_the_protocol_gap(client_for, alice, patient, now):
    import datetime as dt

    from bmtrack.patients import services

    services.record_scan(patient, at=now - dt.timedelta(days=1), modality="mri", purpose="surveillance",
                         sequences=["t2", "flair"], field_strength_t=None, now=now)
    html = page(client_for(alice), patient)
    assert "Protocol gap:" in html and "3D T1 post-contrast" in html and "3D T1 pre-contrast" in html


def test_a_treated_lesion_enlarging_inside_a_watch_window_shows_the_work_up_hint(client_for, charlie, ward_patient):
    patient = ward_patient("ici")
    html = page(client_for(charlie), patient)
    assert "Work-up hint: L1" in html and "inside the pseudoprogression window" in html
    assert "Perfusion MRI" in html and "Amino-acid PET" in html and "Repeat MRI" in html
    assert 'Derks et al., Br J Radiol 2022, &quot;Treatment-related effects&quot;' in html  # a human citation
    assert "unconfirmed PD" in html and "Confirm with an MRI around" in html


def test_no_work_up_hint_without_an_enlargement(client_for, alice, ward_patient):
    patient = ward_patient("serial")
    assert "Work-up hint" not in page(client_for(alice), patient)


def test_the_notification_log_and_contact_attempts_are_shown(client_for, alice, ward_patient):
    from bmtrack.surveillance import actions

    patient = ward_patient("postop")
    item = patient.due_items.get(kind="postop_mri")
    actions.record_contact(item, outcome="no_answer", note="left a voicemail", user=alice)
    html = page(client_for(alice), patient)
    log = html[html.index('id="notifications"'):]
    assert "Urgent alert" in log
    assert "left a voicemail" in html and "No answer" in html


def test_open_items_on_the_patient_page_have_the_same_actions(client_for, alice, ward_patient):
    patient = ward_patient("postop")
    html = page(client_for(alice), patient)
    item = patient.due_items.get(kind="postop_mri")
    # The action panels load on first open (htmx), in the patient page's context.
    panel = f"/patients/{patient.public_id}/items/{item.pk}/actions/?panel=book&amp;context=patient"
    assert f'hx-get="{panel}"' in html
    assert f"/patients/{patient.public_id}/scans/new/?item={item.pk}" in html
    form = client_for(alice).get(panel.replace("&amp;", "&"), HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-post="/patients/{patient.public_id}/items/{item.pk}/book/"' in form
    assert 'name="context" value="patient"' in form


def test_a_patient_without_a_primary_says_why_there_is_no_gpa(client_for, alice, patient):
    html = page(client_for(alice), patient)
    assert "No primary tumour recorded" in html


def test_a_gpa_the_corrected_record_no_longer_yields_is_not_shown_as_current(client_for, alice, ward_patient):
    from bmtrack.patients import services

    patient = ward_patient("postop")
    primary = patient.primaries.get()
    services.update_primary(primary, type="breast")
    html = page(client_for(alice), patient)
    assert "Estimated median survival" not in html
    assert "Not scorable: breast subtype (ER, PR and HER2) not recorded" in html


def test_a_nurse_of_another_care_team_gets_404(client_for, charlie, ward_patient):
    patient = ward_patient("postop")
    client = client_for(charlie)
    assert client.get(f"/patients/{patient.public_id}/").status_code == 404
    for sub in ("scans/new/", "treatments/new/", "status/new/", "primaries/new/"):
        assert client.get(f"/patients/{patient.public_id}/{sub}").status_code == 404


def test_an_unknown_patient_id_is_404(client_for, alice):
    assert client_for(alice).get(f"/patients/{uuid.uuid4()}/").status_code == 404
    assert client_for(alice).get("/patients/7000000/").status_code == 404


def test_setting_a_care_status_takes_the_patient_off_the_lists(client_for, alice, ward_patient):
    patient = ward_patient("postop")
    client = client_for(alice)
    refused = client.post(f"/patients/{patient.public_id}/care-status/", {"status": "deceased"}, follow=True)
    assert "A deceased patient needs a date of death." in refused.content.decode()
    asked = client.post(f"/patients/{patient.public_id}/care-status/", {"status": "supportive_care"})
    assert "Yes, set to supportive care only" in asked.content.decode()
    patient.refresh_from_db()
    assert patient.status == "active"  # nothing changes before the confirmation
    client.post(f"/patients/{patient.public_id}/care-status/", {"status": "supportive_care", "confirm": "1"})
    patient.refresh_from_db()
    assert patient.status == "supportive_care"
    assert patient.family_name not in client.get("/").content.decode()
    assert "Supportive care only" in page(client, patient)


def test_deceased_is_confirmed_listing_the_urgent_items_it_cancels_and_can_be_undone(client_for, alice, ward_patient):
    from bmtrack.core.clock import today

    patient = ward_patient("postop")
    client = client_for(alice)
    url = f"/patients/{patient.public_id}/care-status/"
    died = today().isoformat()
    asked = client.post(url, {"status": "deceased", "deceased_on": died}).content.decode()
    assert "cancelled" in asked and "Urgent" in asked and "Post-operative MRI" in asked
    patient.refresh_from_db()
    assert patient.status == "active" and patient.due_items.open().exists()
    client.post(url, {"status": "deceased", "deceased_on": died, "confirm": "1"})
    patient.refresh_from_db()
    assert patient.status == "deceased" and not patient.due_items.open().exists()
    assert "Undo: return to active care" in page(client, patient)
    done = client.post(url, {"status": "active", "confirm": "1"}, follow=True).content.decode()
    assert "Surveillance is planned again" in done
    patient.refresh_from_db()
    assert patient.status == "active" and patient.deceased_on is None
    assert patient.due_items.open().filter(kind="postop_mri").exists()


def test_finding_a_patient_includes_inactive_ones_only_when_asked(client_for, alice, ward_patient):
    from bmtrack.patients import services

    patient = ward_patient("postop")
    services.set_patient_status(patient, "discharged")
    client = client_for(alice)
    assert client.get("/patients/").status_code == 200
    assert patient.family_name not in client.post("/patients/", {"q": patient.mrn}).content.decode()
    found = client.post("/patients/", {"q": patient.mrn, "include_inactive": "on"}).content.decode()
    assert f"/patients/{patient.public_id}/" in found and "Discharged" in found


def test_my_notifications_page(client_for, alice, ward_patient):
    ward_patient("postop")
    html = client_for(alice).get("/notifications/").content.decode()
    assert "My notifications" in html and "Urgent alert" in html


def test_older_scan_cards_load_on_request(client_for, alice, ward_patient, monkeypatch):
    from bmtrack.web.views import patients

    monkeypatch.setattr(patients, "RECENT_SCANS", 1)
    patient = ward_patient("serial")
    scans = list(patient.scans.order_by("-at"))
    assert len(scans) >= 2
    client = client_for(alice)
    html = page(client, patient)
    assert f'id="scan-{scans[0].pk}"' in html and f'id="scan-{scans[1].pk}"' not in html
    assert f'hx-get="/patients/{patient.public_id}/scans/older/"' in html
    assert f"Show {len(scans) - 1} older scan" in html
    older = client.get(f"/patients/{patient.public_id}/scans/older/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in older and all(f'id="scan-{s.pk}"' in older for s in scans[1:])
    assert f'id="scan-{scans[0].pk}"' not in older
    every = client.get(f"/patients/{patient.public_id}/?scans=all").content.decode()
    assert all(f'id="scan-{s.pk}"' in every for s in scans) and "older scan" not in every
    response = client.get(f"/patients/{patient.public_id}/scans/older/")
    assert response.status_code == 302 and response["Location"].endswith("?scans=all#scans")


def test_older_scans_of_another_team_are_404(client_for, charlie, ward_patient):
    patient = ward_patient("postop")
    response = client_for(charlie).get(f"/patients/{patient.public_id}/scans/older/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_the_phone_numbers_are_tel_links_and_editable_on_the_patient_page(client_for, alice, patient):
    web = client_for(alice)
    response = web.post(f"/patients/{patient.public_id}/phones/", {"phones": "07700 900123; +31 20 555 1234"},
                        follow=True)
    html = response.content.decode()
    assert "Phone numbers saved." in html
    assert '<a class="tel" href="tel:07700900123">07700 900123</a>' in html
    assert 'href="tel:+31205551234"' in html
    response = web.post(f"/patients/{patient.public_id}/phones/", {"phones": "ask the GP"}, follow=True)
    assert "is not a phone number" in response.content.decode()
    patient.refresh_from_db()
    assert patient.phones == "07700 900123; +31 20 555 1234"
