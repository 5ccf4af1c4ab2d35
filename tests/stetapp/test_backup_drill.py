"""The backup drill (issue 15, item 9): `manage.py backup_drill` dumps the database and
the private files, restores both into an empty database and directory, and reports every
difference; a clean copy passes, a damaged one fails with the damage named.

The drill runs pg_dump and pg_restore, so apart from the refusal on SQLite these tests run
on PostgreSQL only (CI). pg_dump sees committed data only: the tests that drill commit
their world (transaction=True) and put back what the migrations loaded afterwards.
"""

import functools
import io
import shutil
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from participants.models import Participant
from stetapp import backup_drill
from stetapp.backup_drill import DRILL_SUFFIX, DrillError, run_drill
from stetapp.management.commands import backup_drill as command_module
from tests.factories import UserFactory
from tests.helpers import put_back_migration_data

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the drill runs pg_dump and pg_restore (PostgreSQL; CI)",
)


def test_the_drill_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="the drill needs PostgreSQL"):
        call_command("backup_drill", stdout=io.StringIO())


def test_the_connection_string_leaves_out_what_django_and_psycopg_read_themselves():
    # Prepared statements are psycopg's, not libpq's: pg_dump would refuse the option.
    settings_dict = {
        "HOST": "db.example.invalid",
        "PORT": 5433,
        "USER": "stet",
        "PASSWORD": "not-in-the-string",
        "OPTIONS": {
            "server_side_binding": True,
            "prepare_threshold": 2,
            "isolation_level": 1,
            "sslmode": "require",
        },
    }

    conninfo = psycopg.conninfo.conninfo_to_dict(backup_drill._conninfo(settings_dict, "stetapp"))

    assert conninfo == {
        "dbname": "stetapp",
        "host": "db.example.invalid",
        "port": "5433",
        "user": "stet",
        "sslmode": "require",
    }


@pytest.fixture(scope="module")
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After this module, put back what the migrations loaded (the transactional tests
    flush the database), as tests/reporting/test_batches.py does."""
    yield
    put_back_migration_data(django_db_blocker)


def _drill_database_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s",
            [connection.settings_dict["NAME"] + DRILL_SUFFIX],
        )
        return cursor.fetchone() is not None


def _drop_drill_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"] + DRILL_SUFFIX}"'
        )


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clean_backup_restores_with_no_mismatch(_restore_migration_data, world):
    UserFactory(email="site.admin@example.org", is_superuser=True, is_staff=True)
    receipt = Path(world.expense_a1.receipt.path)
    assert receipt.is_file()

    report = run_drill(keep=True)
    try:
        # --keep leaves the copy to look at: the database and the work folder.
        assert _drill_database_exists()
        assert (report.kept / "private-files" / world.expense_a1.receipt.name).is_file()
        assert (report.kept / "database.dump").is_file()
    finally:
        _drop_drill_database()
        shutil.rmtree(report.kept)

    assert report.mismatches == []
    assert report.clean
    assert report.tables > 50
    assert report.rows > 100
    assert report.dump_bytes > 0
    # The world's receipt and report ZIP at least (other tests of this process add more).
    assert report.files >= 2
    assert report.file_bytes >= receipt.stat().st_size
    smoke = report.smoke
    assert smoke["pending_migrations"] == 0
    assert smoke["counts"]["participants"] == Participant.objects.count() == 2
    assert smoke["counts"]["groups"] == 3
    assert smoke["counts"]["meetings of the busiest group"] == 1
    assert smoke["pages"] == {"home": 200, "participants": 200, "group": 200, "meetings": 200}
    assert smoke["referenced_files"] >= 2
    assert smoke["missing_files"] == []
    assert smoke["receipt"].startswith(f"opened ({receipt.stat().st_size} bytes")
    text = backup_drill.format_report(report)
    assert "result    OK: 0 mismatches" in text
    assert f"  kept      database {report.restored}, files in {report.kept}" in text


def _damage(receipt_name: str, restored: psycopg.Connection, files: Path) -> None:
    """One row gone, one value changed, a sequence set back, a receipt overwritten."""
    restored.execute("DELETE FROM reporting_continuationstep")
    # Damage, not a write: no trigger raises the group list's version (decision 81).
    restored.execute("SET session_replication_role = replica")
    restored.execute("UPDATE groups_group SET name = name || ' (changed)' WHERE name = 'Group A2'")
    restored.execute("SELECT setval(pg_get_serial_sequence('groups_venue', 'id'), 1, false)")
    (files / receipt_name).write_bytes(b"%PDF-1.4 not the receipt that was uploaded")


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_damaged_restore_is_reported_and_fails_the_command(
    _restore_migration_data, world, monkeypatch
):
    receipt_name = world.expense_a1.receipt.name
    damage = functools.partial(_damage, receipt_name)
    monkeypatch.setattr(
        command_module, "run_drill", functools.partial(run_drill, after_restore=damage)
    )
    out = io.StringIO()

    with pytest.raises(CommandError, match="backup drill failed: 4 mismatches"):
        call_command("backup_drill", "--no-smoke", stdout=out)

    text = out.getvalue()
    assert "result    FAILED: 4 mismatches" in text
    assert "table public.reporting_continuationstep: 1 rows, restored 0" in text
    assert "table public.groups_group: same row count, different contents" in text
    assert "sequence of public.groups_venue.id is behind its column" in text
    assert f"file {receipt_name}: different contents (sha256)" in text
    assert not _drill_database_exists()


@postgresql_only
@pytest.mark.django_db
def test_the_drill_will_not_overwrite_a_database_left_by_an_earlier_one():
    name = connection.settings_dict["NAME"] + DRILL_SUFFIX
    with psycopg.connect(
        backup_drill._conninfo(connection.settings_dict, connection.settings_dict["NAME"]),
        autocommit=True,
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with pytest.raises(DrillError, match=f"database {name} exists"):
                run_drill()
        finally:
            admin.execute(f'DROP DATABASE "{name}"')
