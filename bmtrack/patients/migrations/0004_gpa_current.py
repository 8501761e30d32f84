from django.db import migrations, models


def mark_latest_current(apps, schema_editor):
    """Each patient's latest GPA is the current one (the next write re-checks it against the record)."""
    GPAAssessment = apps.get_model("patients", "GPAAssessment")
    latest: dict[int, int] = {}
    for pk, patient_id in GPAAssessment.objects.order_by("patient_id", "-computed_at", "-pk").values_list(
            "pk", "patient_id"):
        latest.setdefault(patient_id, pk)
    ids = list(latest.values())
    for start in range(0, len(ids), 5000):
        GPAAssessment.objects.filter(pk__in=ids[start:start + 5000]).update(current=True)


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_derived_fields_may_be_blank")]

    operations = [
        # Added false, then the latest row of each patient set: the one-current constraint holds throughout.
        migrations.AddField(model_name="gpaassessment", name="current", field=models.BooleanField(default=False)),
        migrations.RunPython(mark_latest_current, migrations.RunPython.noop),
        migrations.AlterField(model_name="gpaassessment", name="current", field=models.BooleanField(default=True)),
        migrations.AddConstraint(
            model_name="gpaassessment",
            constraint=models.UniqueConstraint(condition=models.Q(current=True), fields=("patient",),
                                               name="gpa_one_current_per_patient"),
        ),
    ]
