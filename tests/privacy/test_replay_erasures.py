"""After a backup is restored, `replay_erasures` erases again everyone in the ledger
(issue 11, item 5; decision 63)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from privacy.erasure import erase_participants
from privacy.models import Erasure
from tests.privacy.canary import scan_models, scan_tables, seed_canary

pytestmark = pytest.mark.django_db

BACKED_UP = ["participants", "meetings", "reporting", "privacy", "admin.logentry"]


def _restore(dump: Path) -> None:
    """Put the backed-up rows back, as a restore into the live database would (on
    PostgreSQL the logs' rows are rewritten, which only a restore may do)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('stetapp.erasure', 'on', true)")
    call_command("loaddata", str(dump), verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('stetapp.erasure', 'off', true)")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("replay_erasures", *args, stdout=out)
    return out.getvalue()


def test_a_restored_backup_is_erased_again_from_a_copy_of_the_ledger(world, tmp_path):
    person = seed_canary(world)
    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKED_UP, format="json", output=str(backup), verbosity=0)
    erase_participants(
        participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=False
    )
    reference = Erasure.objects.get().reference
    ledger = tmp_path / "erasures.jsonl"
    assert "1 erasures" in _run("--export", str(ledger))
    line = json.loads(ledger.read_text())
    assert set(line) == {
        "id", "participant_id", "erased_at", "actor_id", "request_id", "reason", "keep_scores"
    }  # fmt: skip

    # the backup was made before the erasure: it lacks the ledger row, holds the canary
    Erasure.objects.all().delete()
    _restore(backup)
    assert scan_models()

    out = _run("--ledger", str(ledger))
    assert "ledger rows put back: 1; erased again: 1; already erased: 0" in out
    assert scan_models() == []
    assert scan_tables() == []
    assert Erasure.objects.get().reference == reference

    again = _run()
    assert "ledger rows put back: 0; erased again: 0; already erased: 1" in again


def test_a_participant_the_backup_does_not_hold_is_reported(world):
    Erasure.objects.create(participant_id=987_654, reason="request")
    assert "not in the database: 1" in _run()


def test_ledger_lines_of_rows_the_database_has_are_not_put_back_twice(world):
    person = seed_canary(world)
    erase_participants(
        participant_ids=[person.pk], reason="retention", actor_id=None, keep_scores=True
    )
    from privacy.erasure import ledger_lines, replay_ledger

    report = replay_ledger(lines=ledger_lines())
    assert (report.restored_entries, report.already_erased) == (0, [person.pk])
