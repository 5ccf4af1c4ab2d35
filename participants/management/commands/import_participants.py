"""python manage.py import_participants FILE --organisation "Name" [--language nl|en] —
the same all-or-none import as the web page, for the groups of one organisation; every
message in one language (the site's, or --language)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.importers import ImportFileError
from groups.management.importing import add_language_argument, language_of, nothing_imported, report
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
        add_language_argument(parser)

    def handle(self, *args, file: Path, organisation: str, language: str | None, **options):
        with translation.override(language_of(language)):
            if not file.is_file():
                raise CommandError(_("No such file: %(file)s") % {"file": file})
            try:
                org = Organisation.objects.get(name__iexact=organisation.strip())
            except Organisation.DoesNotExist:
                raise CommandError(
                    _("No organisation named “%(name)s”.") % {"name": organisation}
                ) from None
            try:
                result = import_participants(
                    data=file.read_bytes(),
                    filename=file.name,
                    groups=Group.objects.filter(organisation=org),
                )
            except ImportFileError as exc:
                raise nothing_imported(exc) from None
            report(
                self,
                result,
                imported=lambda n: (
                    ngettext(
                        "%(count)d participant imported.", "%(count)d participants imported.", n
                    )
                    % {"count": n}
                ),
            )
