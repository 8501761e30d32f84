"""Database triggers for the invariants a CheckConstraint cannot express (they span tables).

- a measurement's lesion and scan belong to the same patient;
- a scan is not dated before the patient's birth (one day of slack for time zones) nor more
  than 10 minutes in the future (clock skew of a modality).

The services check the same rules first with a clear message; these are the backstop for every
other path (bulk inserts, raw SQL, a bug). Raised as check violations, so Django sees an
IntegrityError. Plain SQL only: no app code is imported here.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION bmtrack_measurement_same_patient() RETURNS trigger AS $$
BEGIN
  IF (SELECT patient_id FROM patients_lesion WHERE id = NEW.lesion_id)
     IS DISTINCT FROM (SELECT patient_id FROM patients_scan WHERE id = NEW.scan_id) THEN
    RAISE EXCEPTION 'measurement_same_patient: lesion and scan belong to different patients'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER measurement_same_patient BEFORE INSERT OR UPDATE ON patients_measurement
  FOR EACH ROW EXECUTE FUNCTION bmtrack_measurement_same_patient();

CREATE OR REPLACE FUNCTION bmtrack_scan_dated_sanely() RETURNS trigger AS $$
BEGIN
  IF NEW.at > now() + interval '10 minutes' THEN
    RAISE EXCEPTION 'scan_not_in_future: a scan cannot be in the future' USING ERRCODE = 'check_violation';
  END IF;
  IF (NEW.at AT TIME ZONE 'UTC')::date < (SELECT birth_date FROM patients_patient WHERE id = NEW.patient_id) - 1 THEN
    RAISE EXCEPTION 'scan_after_birth: a scan cannot be before birth' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER scan_dated_sanely BEFORE INSERT OR UPDATE OF at, patient_id ON patients_scan
  FOR EACH ROW EXECUTE FUNCTION bmtrack_scan_dated_sanely();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS measurement_same_patient ON patients_measurement;
DROP FUNCTION IF EXISTS bmtrack_measurement_same_patient();
DROP TRIGGER IF EXISTS scan_dated_sanely ON patients_scan;
DROP FUNCTION IF EXISTS bmtrack_scan_dated_sanely();
"""

_SQLITE_SAME_PATIENT = """
CREATE TRIGGER measurement_same_patient_{event} BEFORE {event} ON patients_measurement
WHEN (SELECT patient_id FROM patients_lesion WHERE id = NEW.lesion_id)
     IS NOT (SELECT patient_id FROM patients_scan WHERE id = NEW.scan_id)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: measurement_same_patient'); END;
"""
_SQLITE_SCAN = """
CREATE TRIGGER scan_dated_sanely_{event} BEFORE {event} ON patients_scan
WHEN NEW.at > datetime('now', '+10 minutes')
  OR date(NEW.at) < date((SELECT birth_date FROM patients_patient WHERE id = NEW.patient_id), '-1 day')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: scan_dated_sanely'); END;
"""
SQLITE_UP = [tpl.format(event=event) for tpl in (_SQLITE_SAME_PATIENT, _SQLITE_SCAN) for event in ("INSERT", "UPDATE")]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {name}_{event}" for name in ("measurement_same_patient", "scan_dated_sanely")
               for event in ("INSERT", "UPDATE")]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
