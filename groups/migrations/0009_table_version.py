"""A version of the tables a programme's group list depends on, raised by PostgreSQL
itself on every statement that writes one of them (docs/decisions.md, decision 81)."""

from django.db import migrations, models

# The name the version is kept under (groups.selectors.GROUP_LIST_VERSION).
NAME = "group-list"

# What a programme's group list keeps depends on: which groups, in what order (their
# city's name), with what filter choices (cities, organisations and their names,
# communities coded by an organisation's own list).
TABLES = [
    "groups_group",
    "groups_city",
    "groups_organisation",
    "groups_organisationcommunity",
    "groups_programme_organisations",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION groups_raise_table_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO groups_tableversion (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = groups_tableversion.version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        # Once per statement, not per row: an import of a thousand groups raises it once.
        schema_editor.execute(
            f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION groups_raise_table_version('{NAME}')"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS groups_raise_table_version()")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_privacy_officer_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "table version",
                "verbose_name_plural": "table versions",
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
