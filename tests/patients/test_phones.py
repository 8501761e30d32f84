"""Patient phone numbers: one or more, separated by ";", each something a nurse can dial."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bmtrack.patients import services
from bmtrack.patients.validators import split_phones, tel_href, validate_phones


@pytest.mark.parametrize("value", ["", "07700 900123", "+31 (0)20-555 1234; 020 7946 0321", "112", "0612.345.678;"])
def test_it_accepts_numbers_with_the_usual_separators(value):
    validate_phones(value)


@pytest.mark.parametrize("value", ["call her daughter", "07700 900123; ask for Jan", "12", "+1 234 567 890 123 456 7",
                                   "0612345678 ext", "javascript:alert(1)", "+ 31 20"])
def test_it_refuses_words_too_few_or_too_many_digits(value):
    with pytest.raises(ValidationError) as error:
        validate_phones(value)
    assert "is not a phone number" in error.value.messages[0]


def test_a_tel_link_keeps_the_digits_and_a_leading_plus():
    assert split_phones(" 07700 900123 ;; +31 (0)20-555 ") == ["07700 900123", "+31 (0)20-555"]
    assert tel_href("+31 (0)20-555 1234") == "tel:+310205551234"
    assert tel_href("07700 900123") == "tel:07700900123"


@pytest.mark.django_db
def test_the_service_saves_the_numbers_tidied_and_refuses_a_bad_one_unchanged(patient, alice):
    services.update_patient(patient, phones=" 07700 900123 ;020 7946 0321; ", user=alice)
    patient.refresh_from_db()
    assert patient.phones == "07700 900123; 020 7946 0321"
    assert patient.phone_links == [("07700 900123", "tel:07700900123"), ("020 7946 0321", "tel:02079460321")]
    with pytest.raises(ValidationError) as error:
        services.update_patient(patient, phones="ring the ward", user=alice)
    assert "phones" in error.value.message_dict
    patient.refresh_from_db()
    assert patient.phones == "07700 900123; 020 7946 0321"


@pytest.mark.django_db
def test_the_demo_patients_have_phone_numbers(demo):
    from bmtrack.patients.models import Patient

    assert Patient.objects.exclude(phones="").count() == Patient.objects.count() > 0
