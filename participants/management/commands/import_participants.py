"""python manage.py import_participants FILE --organisation "Name" — the same all-or-none
import as the web page, for the groups of one organisation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groups.importers import ImportFileError
from groups.models import Group, Organisation
from participants.importers import import_participants


class Command(BaseCommand):
    help = (
        "Import participants of one organisation's groups from a CSV or XLSX file "
        "(format: docs/import-formats.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation",
            required=True,
            help="The organisation's name as in stetapp; the file's groups must be its groups.",
        )

    def handle(self, *args, file: Path, organisation: str, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            org = Organisation.objects.get(name__iexact=organisation.strip())
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation named “{organisation}”.") from None
        try:
            result = import_participants(
                data=file.read_bytes(),
                filename=file.name,
                groups=Group.objects.filter(organisation=org),
            )
        except ImportFileError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from None
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} row(s) with errors; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"{len(result.created)} participants imported."))
