"""Patient phone numbers (issue 16): a plain column added in place.

On SQLite, Django's AddField of a NOT NULL column with a default rebuilds the table, which breaks
the cross-table triggers of 0002; ``ALTER TABLE ... ADD COLUMN ... DEFAULT ''`` is valid on both
PostgreSQL and SQLite and adds it in place (the empty-string default fills existing rows).
"""

import bmtrack.patients.validators
from django.db import migrations, models

FIELD = dict(blank=True, default="", max_length=100, validators=[bmtrack.patients.validators.validate_phones],
             verbose_name="phone numbers",
             help_text="One or more numbers to call, separated by ; (e.g. 07700 900123; 020 7946 0321).")


def add_column(table):
    return migrations.RunSQL(
        sql=f"ALTER TABLE {table} ADD COLUMN phones varchar(100) NOT NULL DEFAULT ''",
        reverse_sql=f"ALTER TABLE {table} DROP COLUMN phones",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("patients", "0007_merge_20261204_1845"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="historicalpatient", name="phones", field=models.CharField(**FIELD)),
                migrations.AddField(model_name="patient", name="phones", field=models.CharField(**FIELD)),
            ],
            database_operations=[add_column("patients_historicalpatient"), add_column("patients_patient")],
        ),
    ]
