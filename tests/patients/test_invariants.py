"""Every invariant of the record is held twice: the service rejects bad input with a message
naming the field and saves nothing, and the database rejects the same row written around it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bmtrack.patients import services
from bmtrack.patients.models import Lesion, MarkerResult, Measurement, Patient, Scan, StatusObservation, Treatment
from tests.conftest import at

pytestmark = pytest.mark.django_db


def assert_rejected(call, field):
    with pytest.raises(ValidationError) as excinfo, transaction.atomic():
        call()
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    return excinfo.value.message_dict[field]


def assert_db_rejects(call):
    with pytest.raises(IntegrityError), transaction.atomic():
        call()


# --- treatments --------------------------------------------------------------------------

def test_a_treatment_ending_before_it_starts_is_rejected_and_not_saved(patient):
    messages = assert_rejected(
        lambda: services.record_treatment(patient, kind="srs", status="given", start=at(2026, 3, 2),
                                          end=at(2026, 3, 1)),
        "end",
    )
    assert "before it starts" in messages[0]
    assert Treatment.objects.count() == 0


def test_the_database_refuses_a_treatment_ending_before_it_starts(patient):
    assert_db_rejects(lambda: Treatment.objects.create(patient=patient, kind="srs", start=at(2026, 3, 2),
                                                       end=at(2026, 3, 1)))


def test_a_given_treatment_cannot_start_in_the_future(patient):
    assert_rejected(
        lambda: services.record_treatment(patient, kind="ici", status="given",
                                          start=timezone.now() + dt.timedelta(days=3)),
        "status",
    )


def test_a_naive_datetime_is_refused(patient):
    assert_rejected(
        lambda: services.record_treatment(patient, kind="surgery", status="given",
                                          start=dt.datetime(2026, 3, 1, 9, 0)),  # noqa: DTZ001
        "start",
    )


# --- status facts ------------------------------------------------------------------------

@pytest.mark.parametrize("kps", [-10, 75, 110, 5])
def test_kps_outside_steps_of_ten_from_0_to_100_is_rejected(patient, kps):
    assert_rejected(lambda: services.record_observation(patient, observed_on=dt.date(2026, 3, 1), kps=kps), "kps")
    assert StatusObservation.objects.count() == 0


@pytest.mark.parametrize("kps", [0, 70, 80, 100])
def test_kps_in_steps_of_ten_is_accepted(patient, kps):
    services.record_observation(patient, observed_on=dt.date(2026, 3, 1), kps=kps)
    assert StatusObservation.objects.get().kps == kps


def test_the_database_refuses_kps_75(patient):
    assert_db_rejects(lambda: StatusObservation.objects.create(patient=patient, observed_on=dt.date(2026, 3, 1),
                                                               kps=75))


def test_an_empty_observation_is_rejected(patient):
    assert_db_rejects(lambda: StatusObservation.objects.create(patient=patient, observed_on=dt.date(2026, 3, 1)))


# --- markers -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [Decimal("-1"), Decimal("100.1"), Decimal("250")])
def test_pd_l1_outside_0_to_100_is_rejected(patient, value):
    assert_rejected(
        lambda: services.record_primary(
            patient, type="nsclc_adeno", diagnosed_on=dt.date(2025, 11, 1), stage="IV",
            markers=[{"marker": "pd_l1", "result": "positive", "value_pct": value, "tested_on": dt.date(2025, 11, 5)}],
        ),
        "markers[0].value_pct",
    )
    assert not patient.primaries.exists(), "the primary must not be half-saved without its marker"


def test_the_database_refuses_pd_l1_above_100(patient):
    primary = services.record_primary(patient, type="nsclc_adeno", diagnosed_on=dt.date(2025, 11, 1), stage="IV")
    assert_db_rejects(lambda: MarkerResult.objects.create(primary=primary, marker="pd_l1", result="positive",
                                                          value_pct=Decimal("101"), tested_on=dt.date(2025, 11, 5)))


# --- scans -------------------------------------------------------------------------------

def test_a_scan_before_birth_is_rejected(patient):
    messages = assert_rejected(lambda: services.record_scan(patient, at=at(1950, 1, 1), modality="mri"), "at")
    assert "birth" in messages[0]
    assert Scan.objects.count() == 0


def test_a_scan_in_the_future_is_rejected(patient):
    messages = assert_rejected(
        lambda: services.record_scan(patient, at=timezone.now() + dt.timedelta(days=1), modality="mri"), "at"
    )
    assert "future" in messages[0]


def test_the_database_refuses_a_scan_in_the_future_or_before_birth(patient):
    assert_db_rejects(lambda: Scan.objects.create(patient=patient, at=timezone.now() + dt.timedelta(days=2)))
    assert_db_rejects(lambda: Scan.objects.create(patient=patient, at=at(1940, 1, 1)))


def test_unknown_sequences_are_rejected(patient):
    assert_rejected(
        lambda: services.record_scan(patient, at=at(2026, 3, 1), modality="mri", sequences=["t1_post_3d", "bold"]),
        "sequences",
    )


# --- measurements ------------------------------------------------------------------------

@pytest.mark.parametrize("diameter", [0, -3, "151", 1000])
def test_a_diameter_of_zero_or_less_or_absurdly_large_is_rejected(patient, diameter):
    messages = assert_rejected(
        lambda: services.record_scan(patient, at=at(2026, 3, 1), modality="mri",
                                     measurements=[{"lesion": "L1", "longest_diameter_mm": diameter}]),
        "measurements[0].longest_diameter_mm",
    )
    assert "150" in messages[0]
    assert Scan.objects.count() == 0 and Lesion.objects.count() == 0


def test_a_disappeared_lesion_is_recorded_without_a_diameter(patient):
    scan = services.record_scan(patient, at=at(2026, 3, 1), modality="mri",
                                measurements=[{"lesion": "L1", "longest_diameter_mm": 12}])
    later = services.record_scan(patient, at=at(2026, 5, 1), modality="mri",
                                 measurements=[{"lesion": scan.measurements.get().lesion, "disappeared": True}])
    measurement = later.measurements.get()
    assert measurement.longest_diameter_mm is None and measurement.diameter_mm == 0


def test_the_database_refuses_a_diameter_above_150_mm(patient):
    scan = services.record_scan(patient, at=at(2026, 3, 1), modality="mri")
    lesion = services.add_lesion(patient, "L1")
    assert_db_rejects(lambda: Measurement.objects.create(lesion=lesion, scan=scan, longest_diameter_mm=Decimal("151")))
    assert_db_rejects(lambda: Measurement.objects.create(lesion=lesion, scan=scan, longest_diameter_mm=Decimal("0")))


def test_a_measurement_on_a_scan_of_another_patient_is_rejected(make_patient):
    first, second = make_patient(), make_patient()
    lesion = services.add_lesion(first, "L1")
    scan = services.record_scan(second, at=at(2026, 3, 1), modality="mri")
    assert_rejected(lambda: services.record_measurements(scan, [{"lesion": lesion, "longest_diameter_mm": 14}]),
                    "measurements[0].lesion")
    assert Measurement.objects.count() == 0


def test_the_database_refuses_a_measurement_linking_two_patients(make_patient):
    first, second = make_patient(), make_patient()
    lesion = services.add_lesion(first, "L1")
    scan = services.record_scan(second, at=at(2026, 3, 1), modality="mri")
    assert_db_rejects(lambda: Measurement.objects.create(lesion=lesion, scan=scan, longest_diameter_mm=Decimal("14")))


def test_measurements_reuse_the_lesion_identity_across_scans(patient):
    services.record_scan(patient, at=at(2026, 1, 10), modality="mri",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": 20, "location": "left frontal"}])
    services.record_scan(patient, at=at(2026, 3, 10), modality="mri",
                         measurements=[{"lesion": "L1", "longest_diameter_mm": 15}])
    lesion = Lesion.objects.get()
    assert [m.longest_diameter_mm for m in lesion.measurements.order_by("scan__at")] == [Decimal("20.0"),
                                                                                          Decimal("15.0")]


# --- patients ----------------------------------------------------------------------------

def test_a_duplicate_mrn_is_rejected_naming_the_field(make_patient):
    make_patient(mrn="MRN-1")
    assert_rejected(lambda: make_patient(mrn="MRN-1"), "mrn")
    assert Patient.objects.count() == 1


def test_a_deceased_patient_needs_a_date_of_death(patient):
    assert_rejected(lambda: services.set_patient_status(patient, "deceased"), "deceased_on")


def test_a_birth_date_in_the_future_is_rejected(make_patient):
    assert_rejected(lambda: make_patient(birth_date=dt.date.today() + dt.timedelta(days=2)), "birth_date")  # noqa: DTZ011


def test_each_clinical_change_is_kept_in_history_with_its_user(patient, alice):
    services.update_patient(patient, given_name="Anne", user=alice)
    assert patient.history.count() == 2
    latest = patient.history.first()
    assert latest.given_name == "Anne" and latest.history_user == alice


def test_a_perpendicular_diameter_longer_than_the_longest_is_rejected(patient):
    assert_rejected(
        lambda: services.record_scan(patient, at=at(2026, 3, 1), modality="mri",
                                     measurements=[{"lesion": "L1", "longest_diameter_mm": 12,
                                                    "perpendicular_mm": 14}]),
        "measurements[0].perpendicular_mm",
    )
    assert Scan.objects.count() == 0
