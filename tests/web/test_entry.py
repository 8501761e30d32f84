"""Fast data entry: each form calls one service; errors land next to their field; nothing half-saved."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.support import histories as h
from tests.web.conftest import HTMX

pytestmark = pytest.mark.django_db

WARD = {
    "postop": h.postop_mri_overdue,
    "planned": h.planned_srs_without_planning_mri,
    "measuring": h.scan_awaiting_measurements,
}


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


# --- new patient ---------------------------------------------------------------------------

def new_patient_data(teams, alice, **changes):
    data = {"mrn": "MRN900001", "given_name": "Eva", "family_name": "Visser", "birth_date": "1961-03-04",
            "sex": "female", "care_team": teams[0].pk, "responsible_nurse": alice.pk}
    return {**data, **changes}


def test_a_new_patient_is_added_and_the_primary_comes_next(client_for, alice, teams):
    from bmtrack.patients.models import Patient

    response = client_for(alice).post("/patients/new/", new_patient_data(teams, alice))
    patient = Patient.objects.get(mrn="MRN900001")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.public_id}/primaries/new/"
    assert patient.care_team == teams[0] and patient.responsible_nurse == alice


def test_a_duplicate_mrn_is_refused_next_to_the_field(client_for, alice, teams, patient):
    response = client_for(alice).post("/patients/new/", new_patient_data(teams, alice, mrn=patient.mrn))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_mrn_error"' in html and "This MRN is already registered in bmtrack, perhaps in another" in html
    assert 'aria-describedby="id_mrn_help id_mrn_error"' in html and 'aria-invalid="true"' in html


def test_only_ones_own_teams_can_be_chosen(client_for, alice, teams):
    from bmtrack.patients.models import Patient

    html = client_for(alice).post("/patients/new/", new_patient_data(teams, alice, care_team=teams[1].pk))
    assert "Select a valid choice" in html.content.decode()
    assert not Patient.objects.filter(mrn="MRN900001").exists()


def test_a_future_birth_date_is_refused_by_the_service(client_for, alice, teams):
    html = client_for(alice).post("/patients/new/", new_patient_data(teams, alice, birth_date="2999-01-01"))
    assert 'id="id_birth_date_error"' in html.content.decode()


# --- primary tumour with markers -----------------------------------------------------------

def primary_data(**changes):
    data = {"type": "nsclc_adeno", "diagnosed_on": "2026-01-10", "stage": "iv", "seer_stage": "metastatic",
            **management("markers", 4),
            "markers-0-marker": "egfr", "markers-0-result": "positive", "markers-0-detail": "L858R",
            "markers-0-tested_on": "2026-01-20"}
    return {**data, **changes}


def test_a_primary_with_markers_is_recorded_with_its_screening_advice(client_for, alice, patient):
    response = client_for(alice).post(f"/patients/{patient.public_id}/primaries/new/", primary_data(), follow=True)
    primary = patient.primaries.get()
    assert primary.stage == "IV" and primary.markers.get().detail == "L858R"
    assert "Screening advice: Screen" in response.content.decode()


def test_a_marker_error_lands_on_its_row_and_nothing_is_saved(client_for, alice, patient):
    data = primary_data(**{"markers-0-marker": "", "markers-0-result": "", "markers-0-detail": "",
                           "markers-0-tested_on": "",
                           "markers-1-marker": "alk", "markers-1-result": "negative",
                           "markers-2-marker": "egfr", "markers-2-result": "positive", "markers-2-value_pct": "40"})
    html = client_for(alice).post(f"/patients/{patient.public_id}/primaries/new/", data).content.decode()
    assert 'id="id_markers-2-value_pct_error"' in html and "A percentage applies to PD-L1, ER or PR only." in html
    assert "Nothing was saved." in html
    assert not patient.primaries.exists()


def test_screening_advice_follows_the_form_as_it_is_filled(client_for, alice, patient):
    client = client_for(alice)
    url = f"/patients/{patient.public_id}/primaries/advice/"
    sclc = client.post(url, {"type": "sclc", "stage": "I"}, **HTMX).content.decode()
    assert "Screen: MRI of the brain" in sclc and "reference 35" in sclc
    stage_i = client.post(url, {"type": "nsclc_adeno", "stage": "IA"}, **HTMX).content.decode()
    assert "Guidelines differ" in stage_i and "ESMO" in stage_i and "NCCN" in stage_i
    symptoms = client.post(url, {"type": "breast", "neuro_symptoms": "on"}, **HTMX).content.decode()
    assert "Image now" in symptoms
    bad = client.post(url, {"type": "melanoma", "stage": "III"}, **HTMX).content.decode()
    assert "sub-stage" in bad


# --- treatment, status ----------------------------------------------------------------------

def test_a_treatment_is_recorded_with_its_lesions(client_for, alice, ward_patient, now):
    patient = ward_patient("planned")
    l1 = patient.lesions.get(label="L1")
    data = {"kind": "wbrt", "status": "given", "start": local(now - dt.timedelta(days=3)),
            "end": local(now - dt.timedelta(days=1)), "dose_gy": "20", "fractions": "5", "lesions": [l1.pk]}
    response = client_for(alice).post(f"/patients/{patient.public_id}/treatments/new/", data)
    assert response.status_code == 302
    treatment = patient.treatments.get(kind="wbrt")
    assert list(treatment.lesions.all()) == [l1]


def test_a_treatment_ending_before_it_starts_is_refused_at_the_end_field(client_for, alice, patient, now):
    data = {"kind": "surgery", "status": "given", "start": local(now - dt.timedelta(days=1)),
            "end": local(now - dt.timedelta(days=2))}
    html = client_for(alice).post(f"/patients/{patient.public_id}/treatments/new/", data).content.decode()
    assert 'id="id_end_error"' in html and "cannot end before it starts" in html
    assert not patient.treatments.exists()


def test_a_line_of_therapy_on_radiotherapy_is_refused_at_its_field(client_for, alice, patient, now):
    data = {"kind": "srs", "status": "given", "start": local(now - dt.timedelta(days=1)), "line": "2"}
    html = client_for(alice).post(f"/patients/{patient.public_id}/treatments/new/", data).content.decode()
    assert 'id="id_line_error"' in html and not patient.treatments.exists()


def test_kps_and_steroids_are_recorded(client_for, alice, patient, now):
    from bmtrack.core.clock import today

    data = {"observed_on": today(now).isoformat(), "kps": "70", "dexamethasone_mg": "4",
            "extracranial_metastases": "true"}
    assert client_for(alice).post(f"/patients/{patient.public_id}/status/new/", data).status_code == 302
    observation = patient.observations.get()
    assert observation.kps == 70 and observation.extracranial_metastases is True


def test_an_empty_status_says_so_and_saves_nothing(client_for, alice, patient, now):
    from bmtrack.core.clock import today

    html = client_for(alice).post(f"/patients/{patient.public_id}/status/new/",
                                  {"observed_on": today(now).isoformat(), "extracranial_metastases": "unknown"})
    assert "Record at least one status fact." in html.content.decode()
    assert not patient.observations.exists()


def test_a_status_entry_is_corrected_from_the_list_of_earlier_entries(client_for, alice, bob, patient, now):
    from bmtrack.core.clock import today
    from bmtrack.patients import services

    day = today(now) - dt.timedelta(days=3)
    observation = services.record_observation(patient, observed_on=day, kps=80, dexamethasone_mg=4, user=alice)
    client = client_for(bob)
    listing = client.get(f"/patients/{patient.public_id}/status/new/").content.decode()
    url = f"/patients/{patient.public_id}/status/{observation.pk}/"
    assert "Latest status entries" in listing and f'href="{url}"' in listing
    form = client.get(url).content.decode()
    assert "Correct the status entry of" in form and 'value="4.0"' in form and "Save correction" in form
    data = {"observed_on": day.isoformat(), "kps": "60", "dexamethasone_mg": "4", "extracranial_metastases": "unknown"}
    refused = client.post(url, {**data, "observed_on": (today(now) + dt.timedelta(days=2)).isoformat()})
    assert "cannot be in the future" in refused.content.decode()
    observation.refresh_from_db()
    assert observation.kps == 80  # a refused correction changes nothing
    assert client.post(url, data).status_code == 302
    observation.refresh_from_db()
    assert observation.kps == 60 and observation.recorded_by == alice
    assert observation.history.first().history_user == bob


def test_a_status_entry_of_another_patient_or_team_cannot_be_corrected(client_for, alice, charlie, coordinator,
                                                                         make_patient, patient):
    from bmtrack.patients import services

    other = make_patient()
    observation = services.record_observation(other, observed_on=dt.date(2026, 1, 5), kps=90)
    assert client_for(alice).get(f"/patients/{patient.public_id}/status/{observation.pk}/").status_code == 404
    assert client_for(charlie).get(f"/patients/{other.public_id}/status/{observation.pk}/").status_code == 404
    assert client_for(coordinator).post(f"/patients/{other.public_id}/status/{observation.pk}/",
                                        {"observed_on": "2026-01-05", "kps": "10"}).status_code == 403
    observation.refresh_from_db()
    assert observation.kps == 90


def test_a_primary_is_corrected_and_a_gpa_it_no_longer_yields_is_not_shown(client_for, bob, coordinator,
                                                                            ward_patient):
    patient = ward_patient("postop")
    primary = patient.primaries.get()
    url = f"/patients/{patient.public_id}/primaries/{primary.pk}/"
    client = client_for(bob)
    page = client.get(f"/patients/{patient.public_id}/").content.decode()
    assert f'href="{url}"' in page and "Estimated median survival" in page
    form = client.get(url).content.decode()
    assert "Correct the primary tumour" in form and 'name="neuro_symptoms"' not in form
    data = {"type": "breast", "diagnosed_on": primary.diagnosed_on.isoformat(), "stage": "iv",
            "seer_stage": primary.seer_stage, "histology": "ductal",
            "brain_metastases_diagnosed_on": primary.brain_metastases_diagnosed_on.isoformat()}
    refused = client.post(url, {**data, "diagnosed_on": "1900-01-01"}).content.decode()
    assert "cannot be before birth" in refused
    primary.refresh_from_db()
    assert primary.type != "breast"
    assert client.post(url, data).status_code == 302
    primary.refresh_from_db()
    assert (primary.type, primary.stage, primary.histology) == ("breast", "IV", "ductal")
    page = client.get(f"/patients/{patient.public_id}/").content.decode()
    assert "Estimated median survival" not in page
    assert "Not scorable: breast subtype (ER, PR and HER2) not recorded" in page
    assert client_for(coordinator).post(url, data).status_code == 403


# --- scans and measurements -----------------------------------------------------------------

def scan_data(now, **changes):
    data = {"at": local(now - dt.timedelta(minutes=30)), "modality": "mri", "purpose": "post_operative",
            "field_strength_t": "3.0", "scanner": "Siemens Prisma 3T (MR2)",
            "sequences": ["t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi"], "new_lesions": "none",
            "non_target": "none", **management("m", 4, 2),
            "m-0-carried": "True", "m-0-label": "L1", "m-0-location": "right frontal", "m-0-disappeared": "on",
            "m-0-enhancing": "on",
            "m-1-carried": "True", "m-1-label": "L2", "m-1-location": "left parietal", "m-1-longest_diameter_mm": "8",
            "m-1-enhancing": "on", "m-1-measurable": "on"}
    return {**data, **changes}


def test_the_scan_form_carries_forward_the_previous_lesions(client_for, alice, ward_patient):
    patient = ward_patient("postop")
    item = patient.due_items.get(kind="postop_mri")
    html = client_for(alice).get(f"/patients/{patient.public_id}/scans/new/?item={item.pk}&next=/").content.decode()
    assert 'name="m-0-label" value="L1"' in html and 'name="m-1-label" value="L2"' in html
    assert "34 mm" in html and "8 mm" in html
    assert '<option value="post_operative" selected>' in html
    assert 'name="m-INITIAL_FORMS" value="2"' in html and 'id="m-row-template"' in html
    assert "For the <strong>Post-operative MRI</strong>" in html


def test_recording_the_scan_with_measurements_clears_the_item(client_for, alice, ward_patient, now):
    patient = ward_patient("postop")
    item = patient.due_items.get(kind="postop_mri")
    client = client_for(alice)
    response = client.post(f"/patients/{patient.public_id}/scans/new/",
                           scan_data(now, item=item.pk, next="/"), follow=True)
    assert response.redirect_chain[-1][0] == "/"
    html = response.content.decode()
    assert re.search(r"Done: [^.]*Post-operative MRI", html)
    # Surgery ended four days ago: past the 72 h limit, the item is done late, with the delay.
    assert re.search(r"Post-operative MRI — done late \(\d+ h after the limit\)", html)
    item.refresh_from_db()
    scan = patient.scans.latest("at")
    assert item.state == "done" and item.fulfilled_by == scan
    assert {m.lesion.label: (m.disappeared, m.longest_diameter_mm) for m in scan.measurements.all()} == {
        "L1": (True, None), "L2": (False, 8)}
    assert scan.measurement_status == "complete"
    overdue = html.split('id="today"')[1].split("</section>")[0]
    assert patient.family_name not in overdue


def test_a_carried_lesion_left_blank_is_flagged_and_nothing_is_saved(client_for, alice, ward_patient, now):
    patient = ward_patient("postop")
    scans = patient.scans.count()
    data = scan_data(now, **{"m-0-disappeared": ""})
    html = client_for(alice).post(f"/patients/{patient.public_id}/scans/new/", data).content.decode()
    assert "Measure L1 again, or mark it gone" in html and 'id="id_m-0-longest_diameter_mm_error"' in html
    assert patient.scans.count() == scans


def test_a_service_error_on_a_lesion_row_lands_on_that_row(client_for, alice, ward_patient, now):
    patient = ward_patient("postop")
    scans = patient.scans.count()
    data = scan_data(now, **{"m-1-perpendicular_mm": "9"})
    html = client_for(alice).post(f"/patients/{patient.public_id}/scans/new/", data).content.decode()
    assert "must be above 0 and not exceed the longest" in html and "row-error" in html
    assert patient.scans.count() == scans


def test_a_scan_in_the_future_is_refused_at_its_date(client_for, alice, ward_patient, now):
    patient = ward_patient("postop")
    data = scan_data(now, at=local(now + dt.timedelta(days=1)))
    html = client_for(alice).post(f"/patients/{patient.public_id}/scans/new/", data).content.decode()
    assert 'id="id_at_error"' in html and "cannot be in the future" in html


def test_new_lesions_get_their_label_and_a_scan_without_measurements_waits(client_for, alice, patient, now):
    client = client_for(alice)
    data = {"at": local(now - dt.timedelta(days=2)), "modality": "mri", "purpose": "diagnosis",
            "sequences": ["t1_pre_3d", "t1_post_3d", "t2"], "new_lesions": "none", "non_target": "none",
            **management("m", 2), "m-0-label": "L1", "m-0-longest_diameter_mm": "21", "m-0-location": "cerebellar",
            "m-0-enhancing": "on", "m-0-measurable": "on", "m-1-label": "L2"}
    refused = client.post(f"/patients/{patient.public_id}/scans/new/", data).content.decode()
    assert "Give the longest diameter, or mark the lesion gone." in refused
    data["m-1-label"] = ""
    assert client.post(f"/patients/{patient.public_id}/scans/new/", data).status_code == 302
    assert patient.lesions.get().location == "cerebellar"
    later = {**data, "at": local(now - dt.timedelta(days=1)), **management("m", 0)}
    assert client.post(f"/patients/{patient.public_id}/scans/new/", later).status_code == 302
    assert patient.scans.latest("at").measurement_status == "pending"


def test_a_waiting_scan_gets_its_measurements(client_for, alice, ward_patient):
    patient = ward_patient("measuring")
    scan = patient.scans.get(measurement_status="pending")
    url = f"/patients/{patient.public_id}/scans/{scan.pk}/measurements/"
    client = client_for(alice)
    form = client.get(url).content.decode()
    assert 'name="m-0-label" value="L1"' in form and ">gone<" in form
    empty = client.post(url, {**management("m", 1, 1), "m-0-carried": "True", "m-0-label": "L1"}).content.decode()
    assert "Enter at least one lesion measurement." in empty
    done = client.post(url, {**management("m", 1, 1), "m-0-carried": "True", "m-0-label": "L1",
                             "m-0-disappeared": "on", "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    scan.refresh_from_db()
    assert scan.measurement_status == "complete"


def test_saving_an_older_scan_comes_back_to_its_card_even_past_the_latest_ones(client_for, alice, ward_patient,
                                                                              monkeypatch):
    from bmtrack.web.views import patients

    patient = ward_patient("measuring")
    scan = patient.scans.get(measurement_status="pending")
    url = f"/patients/{patient.public_id}/scans/{scan.pk}/measurements/"
    rows = {**management("m", 1, 1), "m-0-carried": "True", "m-0-label": "L1", "m-0-disappeared": "on"}
    later = patient.scans.filter(at__gt=scan.at).count()
    monkeypatch.setattr(patients, "RECENT_SCANS", later + 1)
    assert client_for(alice).post(url, rows)["Location"] == f"/patients/{patient.public_id}/#scan-{scan.pk}"
    monkeypatch.setattr(patients, "RECENT_SCANS", later)
    back = client_for(alice).post(url, rows)["Location"]
    assert back == f"/patients/{patient.public_id}/?scans=all#scan-{scan.pk}"
    assert f'id="scan-{scan.pk}"' in client_for(alice).get(back).content.decode()


def test_the_protocol_check_follows_the_scan_form(client_for, alice, ward_patient):
    patient = ward_patient("postop")
    client = client_for(alice)
    url = f"/patients/{patient.public_id}/scans/protocol/"
    gap = client.post(url, {"modality": "mri", "purpose": "surveillance", "sequences": ["t2"]}, **HTMX).content
    assert b"Missing required:" in gap and b"3D T1 post-contrast" in gap
    other = client.post(url, {"modality": "mri", "purpose": "response", "field_strength_t": "1.5",
                              "scanner": "Philips Ingenia 1.5T (MR1)",
                              "sequences": ["t1_pre_3d", "t1_post_3d", "t2", "flair", "dwi", "swi"]}, **HTMX)
    text = other.content.decode()
    assert "All required sequences are there." in text
    assert "differs from the baseline" in text and "Compared with the baseline MRI" in text
    assert b"Applies to MRI" in client.post(url, {"modality": "ct"}, **HTMX).content


def test_forms_of_another_teams_patient_are_404_and_change_nothing(client_for, charlie, ward_patient, now):
    patient = ward_patient("postop")
    scans = patient.scans.count()
    client = client_for(charlie)
    assert client.post(f"/patients/{patient.public_id}/scans/new/", scan_data(now)).status_code == 404
    assert client.post(f"/patients/{patient.public_id}/scans/protocol/", {"modality": "mri"}).status_code == 404
    assert client.post(f"/patients/{patient.public_id}/primaries/advice/", {"type": "sclc"}).status_code == 404
    assert patient.scans.count() == scans


def test_a_board_coordinator_cannot_enter_data(client_for, coordinator, ward_patient):
    patient = ward_patient("postop")
    client = client_for(coordinator)
    assert client.get(f"/patients/{patient.public_id}/").status_code == 200
    for sub in ("scans/new/", "treatments/new/", "status/new/", "primaries/new/"):
        assert client.get(f"/patients/{patient.public_id}/{sub}").status_code == 403
    assert client.get("/patients/new/").status_code == 403
    assert b"Record scan" not in client.get(f"/patients/{patient.public_id}/").content
