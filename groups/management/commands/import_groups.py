"""python manage.py import_groups FILE — the same all-or-none import as the web page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groups.importers import ImportFileError, import_groups


class Command(BaseCommand):
    help = "Import groups from a CSV or XLSX file (format: docs/import-formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = import_groups(data=file.read_bytes(), filename=file.name)
        except ImportFileError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} row(s) with errors; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"{len(result.created)} groups imported."))
