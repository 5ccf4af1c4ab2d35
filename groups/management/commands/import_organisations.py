"""python manage.py import_organisations FILE --programme "Name" [--language nl|en] — the
same all-or-none import as the web page; every message in one language."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.importers import ImportFileError, import_organisations
from groups.management.importing import add_language_argument, language_of, nothing_imported, report
from groups.models import Programme


class Command(BaseCommand):
    help = (
        "Import organisations into a programme from a CSV or XLSX file "
        "(format: docs/import-formats.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--programme", required=True, help="The programme's name as in stetapp."
        )
        add_language_argument(parser)

    def handle(self, *args, file: Path, programme: str, language: str | None, **options):
        with translation.override(language_of(language)):
            if not file.is_file():
                raise CommandError(_("No such file: %(file)s") % {"file": file})
            try:
                target = Programme.objects.get(name__iexact=programme.strip())
            except Programme.DoesNotExist:
                raise CommandError(
                    _("No programme named “%(name)s”.") % {"name": programme}
                ) from None
            try:
                result = import_organisations(
                    data=file.read_bytes(), filename=file.name, programme=target
                )
            except ImportFileError as exc:
                raise nothing_imported(exc) from None
            report(
                self,
                result,
                imported=lambda n: (
                    ngettext(
                        "%(count)d organisation imported.", "%(count)d organisations imported.", n
                    )
                    % {"count": n}
                ),
            )
