"""Correcting the record (primary, status observation, lesion): the service checks the record as it
will be saved, refuses bad input without changing anything, and what is derived follows — in
particular no GPA stays on show for a record that no longer yields it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bmtrack.patients import services
from bmtrack.patients.models import GPAAssessment
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def lung(patient, alice):
    """An NSCLC adenocarcinoma with its markers, KPS and an MRI with two lesions: a scored GPA."""
    primary = services.record_primary(
        patient, type="nsclc_adeno", diagnosed_on=dt.date(2025, 11, 1),
        brain_metastases_diagnosed_on=dt.date(2026, 2, 1),
        markers=[{"marker": "egfr", "result": "negative", "tested_on": dt.date(2025, 11, 10)},
                 {"marker": "alk", "result": "negative", "tested_on": dt.date(2025, 11, 10)}])
    observation = services.record_observation(patient, observed_on=dt.date(2026, 2, 1), kps=90,
                                              extracranial_metastases=False, user=alice)
    services.record_scan(patient, at=at(2026, 2, 1), modality="mri", purpose="diagnosis",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("14")},
                                       {"lesion": "L2", "longest_diameter_mm": Decimal("8")}])
    return patient, primary, observation


def current(patient, moment="current"):
    """The GPA of one moment as the record stands (record.md: at diagnosis, and current)."""
    return list(patient.gpa_assessments.filter(current=True, moment=moment))


def rows(patient, moment="current"):
    return patient.gpa_assessments.filter(moment=moment).count()


def refused(call, field):
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert field in excinfo.value.message_dict, excinfo.value.message_dict


def test_a_corrected_kps_gives_a_new_current_gpa_and_keeps_the_old_one(lung, bob):
    patient, _, observation = lung
    (before,) = current(patient)
    kept = rows(patient), rows(patient, "diagnosis")
    services.update_observation(observation, kps=60, user=bob)
    (after,) = current(patient)
    assert after.pk != before.pk and after.inputs["factors"]["kps"] == 60 and after.score < before.score
    # The KPS was taken on the day of the diagnosis of brain metastases: that GPA follows too.
    (at_diagnosis,) = current(patient, "diagnosis")
    assert at_diagnosis.inputs["factors"]["kps"] == 60
    assert (rows(patient), rows(patient, "diagnosis")) == (kept[0] + 1, kept[1] + 1)
    observation.refresh_from_db()
    assert observation.recorded_by.username == "alice" and observation.history.first().history_user == bob


def test_a_primary_corrected_to_a_type_without_its_markers_leaves_no_current_gpa(lung):
    patient, primary, _ = lung
    (lung_gpa,) = current(patient)
    kept = rows(patient)
    services.update_primary(primary, type="breast")
    (why,) = current(patient)
    assert why.status == "not_scorable" and why.score is None and rows(patient) == kept + 1
    assert why.message == "not scorable: breast subtype (ER, PR and HER2) not recorded"
    for marker in ("er", "pr", "her2"):
        services.record_marker(primary, marker=marker, result="negative", tested_on=dt.date(2025, 11, 10))
    (breast,) = current(patient)
    assert breast.variant.startswith("breast") and breast.pk != lung_gpa.pk and breast.status == "scored"


def test_undoing_a_correction_gives_the_earlier_gpa_again(lung):
    patient, primary, _ = lung
    (lung_gpa,) = current(patient)
    kept = rows(patient)
    services.update_primary(primary, type="breast")
    services.update_primary(primary, type="nsclc_adeno")
    (again,) = current(patient)
    assert (again.variant, again.score, again.inputs) == (lung_gpa.variant, lung_gpa.score, lung_gpa.inputs)
    assert rows(patient) == kept + 2  # not scorable as breast, then lung again: the correction's history


def test_the_database_holds_one_current_gpa_per_patient(lung):
    patient, _, _ = lung
    (gpa,) = current(patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        GPAAssessment.objects.filter(pk=gpa.pk).update(current=True)
        gpa.pk = None
        gpa.save()


def test_bad_corrections_are_refused_and_change_nothing(lung):
    patient, primary, observation = lung
    kept = rows(patient)
    future = (timezone.now() + dt.timedelta(days=3)).date()
    refused(lambda: services.update_primary(primary, diagnosed_on=future), "diagnosed_on")
    refused(lambda: services.update_primary(primary, brain_metastases_diagnosed_on=dt.date(1950, 1, 1)),
            "brain_metastases_diagnosed_on")
    refused(lambda: services.update_primary(primary, type="glioma"), "type")
    refused(lambda: services.update_primary(primary, patient=None), "patient")
    refused(lambda: services.update_observation(observation, kps=75), "kps")
    refused(lambda: services.update_observation(observation, observed_on=future), "observed_on")
    with pytest.raises(ValidationError, match="at least one status fact"):
        services.update_observation(observation, kps=None, extracranial_metastases=None)
    lesion = patient.lesions.get(label="L2")
    refused(lambda: services.update_lesion(lesion, label="L1"), "label")
    refused(lambda: services.update_lesion(lesion, label=" "), "label")
    refused(lambda: services.update_lesion(lesion, first_seen_on=future), "first_seen_on")
    primary.refresh_from_db()
    observation.refresh_from_db()
    lesion.refresh_from_db()
    assert (primary.type, primary.diagnosed_on) == ("nsclc_adeno", dt.date(2025, 11, 1))
    assert (observation.kps, observation.extracranial_metastases) == (90, False)
    assert lesion.label == "L2" and lesion.first_seen_on == dt.date(2026, 2, 1)
    assert len(current(patient)) == 1 and rows(patient) == kept


def test_a_relabelled_lesion_keeps_its_measurements_and_the_response_series(lung):
    patient, _, _ = lung
    services.record_scan(patient, at=at(2026, 5, 1), modality="mri", purpose="surveillance",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": Decimal("10")},
                                       {"lesion": "L2", "longest_diameter_mm": Decimal("8")}])
    categories = list(patient.responses.order_by("scan__at").values_list("category", flat=True))
    lesion = services.update_lesion(patient.lesions.get(label="L2"), label="L7", location="right occipital")
    assert lesion.measurements.count() == 2
    assert list(patient.responses.order_by("scan__at").values_list("category", flat=True)) == categories
