"""Field validators of the clinical record, shared by the model (admin, services, API, FHIR import)
and the database constraint that backs them.

DICOM Study Instance UID (DICOM PS3.5, section 9.1 "UID Encoding Rules"): components of digits
separated by dots, a component never starting with 0 unless it is 0, at most 64 characters.
"""

from __future__ import annotations

from django.core.validators import RegexValidator

DICOM_UID_PATTERN = r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"
DICOM_UID_MESSAGE = ("A DICOM UID is numbers separated by dots, none starting with 0 unless it is 0, "
                     "e.g. 1.2.826.0.1.3680043.8.498.1")

validate_dicom_uid = RegexValidator(DICOM_UID_PATTERN, DICOM_UID_MESSAGE, code="dicom_uid")
