"""On PostgreSQL the database itself refuses UPDATE and DELETE on the change history and
the access log (decision 52). The one exception is the erasure of a person (AVG art. 17),
which sets `stetapp.erasure` for its own transaction only."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('stetapp.erasure', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TABLES = ["privacy_change", "privacy_access"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION privacy_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS privacy_append_only()")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_access_log")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
