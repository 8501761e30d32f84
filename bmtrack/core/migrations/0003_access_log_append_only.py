"""On PostgreSQL the access log refuses UPDATE and DELETE: an audit trail is append-only.

(Test databases are emptied with TRUNCATE, which row triggers do not see.) Plain SQL only.
"""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION bmtrack_accesslog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'access log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER accesslog_append_only BEFORE UPDATE OR DELETE ON core_accesslog
  FOR EACH ROW EXECUTE FUNCTION bmtrack_accesslog_append_only();
"""
DOWN = """
DROP TRIGGER IF EXISTS accesslog_append_only ON core_accesslog;
DROP FUNCTION IF EXISTS bmtrack_accesslog_append_only();
"""


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_access_log")]
    operations = [migrations.RunPython(up, down)]
