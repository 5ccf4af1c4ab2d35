"""A programme's groups counted by city, status, composition and typed community, and
by organisation, recounted by PostgreSQL itself after every statement that writes the
tables the count depends on (docs/decisions.md, decision 85)."""

import django.db.models.deletion
from django.db import migrations, models


# The tables the count depends on: which groups a programme has (its organisations'),
# their columns counted, and which organisations code their communities by a list of
# their own. Not the cities' or organisations' own rows: the tally holds their ids, and
# a city or an organisation with groups cannot be deleted.
TABLES = [
    "groups_group",
    "groups_organisationcommunity",
    "groups_programme_organisations",
]

# The whole tally made again, once per statement, in the writer's transaction.
# - The lock makes concurrent writers recount one after the other. Each statement of a
#   PL/pgSQL function sees what was committed before it started, so the second recount
#   counts the first writer's change too and neither leaves rows of its own behind.
# - The version's function of migration 0009 takes the same lock first, so every writer
#   of these tables takes the lock and then the version's row, in that order: two of
#   them never wait for each other.
# - A group counts once per programme its organisation takes part in; the coding
#   organisation is the group's organisation when it keeps a list of its own
#   (groups/communities.py).
FUNCTION = """
CREATE OR REPLACE FUNCTION groups_count_programme_tally() RETURNS void AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('groups_programmetally'));
    DELETE FROM groups_programmetally;
    INSERT INTO groups_programmetally
        (programme_id, city_id, status, composition, coding_organisation, community, groups)
    SELECT po.programme_id, g.city_id, g.status, g.composition,
           CASE WHEN EXISTS (
               SELECT 1 FROM groups_organisationcommunity oc
               WHERE oc.organisation_id = g.organisation_id
           ) THEN g.organisation_id END,
           g.community, count(*)
    FROM groups_group g
    JOIN groups_programme_organisations po ON po.organisation_id = g.organisation_id
    GROUP BY 1, 2, 3, 4, 5, 6;
    DELETE FROM groups_programmeorganisationtally;
    INSERT INTO groups_programmeorganisationtally (programme_id, organisation_id, groups)
    SELECT po.programme_id, g.organisation_id, count(*)
    FROM groups_group g
    JOIN groups_programme_organisations po ON po.organisation_id = g.organisation_id
    GROUP BY 1, 2;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION groups_raise_table_version() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('groups_programmetally'));
    INSERT INTO groups_tableversion (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = groups_tableversion.version + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION groups_recount_programme_tally() RETURNS trigger AS $$
BEGIN
    PERFORM groups_count_programme_tally();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


VERSION_0009 = """
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
        schema_editor.execute(
            f"CREATE TRIGGER {table}_tally AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION groups_recount_programme_tally()"
        )
    # Counted once now, for the groups written before the triggers were made.
    schema_editor.execute("SELECT groups_count_programme_tally()")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_tally ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS groups_recount_programme_tally()")
    schema_editor.execute("DROP FUNCTION IF EXISTS groups_count_programme_tally()")
    # The version's function as migration 0009 made it.
    schema_editor.execute(VERSION_0009, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0009_table_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgrammeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=12)),
                ("composition", models.CharField(max_length=10)),
                ("coding_organisation", models.BigIntegerField(null=True)),
                ("community", models.CharField(max_length=100)),
                ("groups", models.IntegerField()),
                (
                    "city",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="groups.city",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="groups.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "programme tally",
                "verbose_name_plural": "programme tallies",
            },
        ),
        migrations.CreateModel(
            name="ProgrammeOrganisationTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("groups", models.IntegerField()),
                (
                    "organisation",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="groups.organisation",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="groups.programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "programme organisation tally",
                "verbose_name_plural": "programme organisation tallies",
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
