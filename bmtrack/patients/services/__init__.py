"""The only writers of the clinical record (zulip's ``do_*`` actions).

Each public function validates its input, writes in one transaction, refreshes the derived
assessments (GPA, RANO-BM) and re-plans the patient's surveillance before committing. Forms, the
API, the admin, imports and tasks all call these. Bad input raises ``ValidationError`` naming the
field, and nothing is saved.
"""

from bmtrack.patients.services.imaging import (
    add_lesion,
    record_measurements,
    record_scan,
    update_lesion,
    update_scan,
)
from bmtrack.patients.services.observations import record_observation, update_observation
from bmtrack.patients.services.patients import (
    check_patient_status,
    create_patient,
    set_patient_status,
    update_patient,
)
from bmtrack.patients.services.removal import delete_record
from bmtrack.patients.services.treatments import record_treatment, update_treatment
from bmtrack.patients.services.tumours import record_marker, record_primary, update_primary
from bmtrack.patients.services.workups import record_workup, update_workup

__all__ = [
    "add_lesion",
    "check_patient_status",
    "create_patient",
    "delete_record",
    "record_marker",
    "record_measurements",
    "record_observation",
    "record_primary",
    "record_scan",
    "record_treatment",
    "record_workup",
    "set_patient_status",
    "update_lesion",
    "update_observation",
    "update_patient",
    "update_primary",
    "update_scan",
    "update_treatment",
    "update_workup",
]
