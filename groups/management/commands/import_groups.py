"""python manage.py import_groups FILE [--language nl|en] — the same all-or-none import as
the web page; every message in one language (the site's, or --language)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.importers import ImportFileError, import_groups
from groups.management.importing import add_language_argument, language_of, nothing_imported, report


class Command(BaseCommand):
    help = "Import groups from a CSV or XLSX file (format: docs/import-formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        add_language_argument(parser)

    def handle(self, *args, file: Path, language: str | None, **options):
        with translation.override(language_of(language)):
            if not file.is_file():
                raise CommandError(_("No such file: %(file)s") % {"file": file})
            try:
                result = import_groups(data=file.read_bytes(), filename=file.name)
            except ImportFileError as exc:
                raise nothing_imported(exc) from None
            report(
                self,
                result,
                imported=lambda n: (
                    ngettext("%(count)d group imported.", "%(count)d groups imported.", n)
                    % {"count": n}
                ),
            )
