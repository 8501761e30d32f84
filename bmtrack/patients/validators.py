"""Field validators of the clinical record, shared by the model (admin, services, API, FHIR import)
and the database constraint that backs them.

DICOM Study Instance UID (DICOM PS3.5, section 9.1 "UID Encoding Rules"): components of digits
separated by dots, a component never starting with 0 unless it is 0, at most 64 characters.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

DICOM_UID_PATTERN = r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"
DICOM_UID_MESSAGE = ("A DICOM UID is numbers separated by dots, none starting with 0 unless it is 0, "
                     "e.g. 1.2.826.0.1.3680043.8.498.1")

validate_dicom_uid = RegexValidator(DICOM_UID_PATTERN, DICOM_UID_MESSAGE, code="dicom_uid")


# Telephone numbers: one or more, separated by ";" (a mobile and a landline, a relative's). Each is
# what a nurse dials: digits with the usual separators, an optional leading "+" (E.164: at most 15
# digits; at least 3 for a hospital extension). Stored as typed, so the page shows what was entered.
PHONES_MAX = 100
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()./-]*$")
PHONE_DIGITS = (3, 15)


def split_phones(value: str) -> list[str]:
    """The numbers of a ``phones`` value, in order, blanks dropped."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def tel_href(number: str) -> str:
    """The ``tel:`` URI of a number (RFC 3966: digits and a leading "+", separators dropped)."""
    return "tel:" + ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)


def validate_phones(value: str) -> None:
    for number in split_phones(value):
        digits = len(re.sub(r"\D", "", number))
        if not PHONE_PATTERN.match(number) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            raise ValidationError(
                f"“{number[:30]}” is not a phone number: use digits, spaces, ( ) - . and a leading +, "
                f"{PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits; separate numbers with ;",
                code="phone")


def normalise_phones(value: str) -> str:
    """``"0171 ;; +44 20"`` → ``"0171; +44 20"``."""
    return "; ".join(split_phones(value))
