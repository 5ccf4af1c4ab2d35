"""Every migration passes django-migration-linter, except the ones exempted below.

The linter flags migrations that lock or break a running application during a deploy:
a NOT NULL column added without a database default, a unique constraint added to a full
table, a column dropped or renamed under running code. A new migration that trips it is
rewritten (a nullable column first, a backfill, then NOT NULL) or, when the table is
known to be small or empty at that point, added to EXEMPT with that reason.

It lints on PostgreSQL (CI, production): the linter's SQLite analyser flags every added
NOT NULL column, defaults included, because SQLite rebuilds the table, so on SQLite the
test is skipped.
"""

import pytest
from django.db import connection
from django_migration_linter import MigrationLinter

APPS = ["stetapp", "pages", "groups", "funding", "participants", "meetings", "reporting"]

# (app, migration) -> why it may break the linter's rules
EXEMPT = {
    ("groups", "0002_memberships_and_relations"): (
        "part of the first release: the tables it constrains were created empty one "
        "migration earlier, before any deploy with data"
    ),
    ("groups", "0004_group_is_diverse"): (
        "boolean with default False on the group table (tens of rows per organisation); "
        "Django fills it in the same ALTER TABLE, so the lock is brief"
    ),
    ("groups", "0005_organisation_school_region"): (
        "short text with a default on the organisation table (a handful of rows); the "
        "ALTER TABLE fills it at once"
    ),
    ("groups", "0006_organisation_logo"): (
        "blank file field (empty string) on the organisation table (a handful of rows); "
        "the ALTER TABLE fills it at once"
    ),
}


def _linter(**options):
    return MigrationLinter(no_cache=True, no_output=True, include_apps=APPS, **options)


pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="django-migration-linter lints PostgreSQL SQL (CI); SQLite rebuilds tables",
)


def _names(linter):
    return {key for key in linter.migration_loader.disk_migrations if key[0] in APPS}


@pytest.mark.django_db
def test_every_migration_passes_the_linter_or_is_exempted_with_a_reason():
    linter = _linter(ignore_name=[name for _, name in EXEMPT])
    # ignore_name matches a name in any app: keep the exempted names unique, so that a
    # new migration of the same name in another app is still linted.
    exempt_names = {name for _, name in EXEMPT}
    same_name = {key for key in _names(linter) if key[1] in exempt_names}
    assert same_name == set(EXEMPT), f"exempted names also used in another app: {same_name}"
    linter.lint_all_migrations()
    assert linter.nb_erroneous == 0, "a migration fails django-migration-linter (see above)"


@pytest.mark.django_db
def test_the_exemptions_are_needed_and_exist():
    """An exemption names a migration on disk that the linter really rejects."""
    linter = _linter()
    assert set(EXEMPT) <= _names(linter)
    for app, name in EXEMPT:
        one = _linter()
        one.lint_all_migrations(app_label=app, migration_name=name)
        assert one.nb_erroneous == 1, f"{app}.{name} passes the linter: drop its exemption"
