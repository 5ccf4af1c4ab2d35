"""Erase again, after a backup is restored, everyone the erasure ledger names
(docs/privacy.md, "Erasure"; decision 63)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from privacy.erasure import ledger_lines, replay_ledger


class Command(BaseCommand):
    help = (
        "Erase again everyone in the erasure ledger (after restoring a backup). "
        "--export FILE writes the ledger (numbers and dates only) to keep outside the "
        "database; --ledger FILE reads such a copy first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ledger", help="a copy of the ledger made with --export")
        parser.add_argument("--export", help="write the ledger to this file and stop")

    def handle(self, *args, ledger: str | None, export: str | None, **options) -> None:
        if export:
            lines = ledger_lines()
            Path(export).write_text("".join(json.dumps(line) + "\n" for line in lines))
            self.stdout.write(f"{export}: {len(lines)} erasures")
            return
        lines = []
        if ledger:
            text = Path(ledger).read_text()
            lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        report = replay_ledger(lines=lines)
        self.stdout.write(
            f"ledger rows put back: {report.restored_entries}; "
            f"erased again: {len(report.erased_again)}; "
            f"already erased: {len(report.already_erased)}; "
            f"not in the database: {len(report.missing)}"
        )
        for pid in report.erased_again:
            self.stdout.write(f"erased again: participant {pid}")
