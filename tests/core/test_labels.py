"""bmtrack.core.labels.choice_label gives what Django's get_FOO_display gives."""

import pytest

from bmtrack.core.labels import choice_label
from bmtrack.patients.models import Scan
from bmtrack.surveillance.models import DueItem


@pytest.mark.parametrize("model, field, values", [
    (DueItem, "kind", ["post_op_mri", "follow_up_mri", "not-a-kind", ""]),
    (DueItem, "state", ["due", "waived", "done"]),
    (Scan, "modality", ["mri", "ct", "pet"]),
    (Scan, "new_lesions", ["", "none", "definite"]),
])
def test_choice_label_is_get_display(model, field, values):
    for value in values:
        instance = model(**{field: value})
        assert choice_label(instance, field) == getattr(instance, f"get_{field}_display")()
