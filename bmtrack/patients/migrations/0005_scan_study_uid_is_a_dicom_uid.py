
import django.core.validators
from django.db import migrations, models


STUDY_UID_IS_A_DICOM_UID = models.CheckConstraint(
    condition=models.Q(("study_uid", ""), ("study_uid__regex", "^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$"), _connector="OR"),
    name="scan_study_uid_is_a_dicom_uid",
    violation_error_message="A DICOM UID is numbers separated by dots, none starting with 0 unless it is 0, "
                            "e.g. 1.2.826.0.1.3680043.8.498.1",
)


def add_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_constraint(apps.get_model("patients", "Scan"), STUDY_UID_IS_A_DICOM_UID)


def remove_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_constraint(apps.get_model("patients", "Scan"), STUDY_UID_IS_A_DICOM_UID)


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0004_gpa_current'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalscan',
            name='study_uid',
            field=models.CharField(blank=True, max_length=64, validators=[django.core.validators.RegexValidator('^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$', 'A DICOM UID is numbers separated by dots, none starting with 0 unless it is 0, e.g. 1.2.826.0.1.3680043.8.498.1', code='dicom_uid')], verbose_name='DICOM Study Instance UID'),
        ),
        migrations.AlterField(
            model_name='scan',
            name='study_uid',
            field=models.CharField(blank=True, max_length=64, validators=[django.core.validators.RegexValidator('^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$', 'A DICOM UID is numbers separated by dots, none starting with 0 unless it is 0, e.g. 1.2.826.0.1.3680043.8.498.1', code='dicom_uid')], verbose_name='DICOM Study Instance UID'),
        ),
        # On PostgreSQL the constraint is added in place. SQLite (the embedded run) would rebuild the
        # scan table, which breaks the cross-table triggers of 0002 that name it; there the model
        # validator and the services hold the rule.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="scan", constraint=STUDY_UID_IS_A_DICOM_UID)],
            database_operations=[migrations.RunPython(add_on_postgresql, remove_on_postgresql)],
        ),
    ]
