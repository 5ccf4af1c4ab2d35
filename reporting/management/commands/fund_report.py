"""python manage.py fund_report GRANT_ID [--period START END] -o FILE.pdf|FILE.xlsx

Writes the accountability report of one grant (reporting/report.py) to a file: a PDF or
an Excel workbook, chosen by the file's extension. Without --period, the grant's own
period. The report is written in --language (default: the site's language).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from funding.models import Grant
from reporting import report as reports

WRITERS = {".pdf": reports.report_pdf, ".xlsx": reports.report_xlsx}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date: {text!r}. Use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Write the accountability report of a grant as a PDF or an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("grant_id", help="The number (id) of the grant.")
        parser.add_argument(
            "--period",
            nargs=2,
            metavar=("START", "END"),
            help="The period, both days included (YYYY-MM-DD). Default: the grant's period.",
        )
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            help="The file to write: .pdf for a PDF, .xlsx for an Excel workbook.",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language of the report (default: %(default)s).",
        )

    def handle(self, *args, grant_id, period, output, language, **options):
        path = Path(output)
        writer = WRITERS.get(path.suffix.lower())
        if writer is None:
            raise CommandError(
                f"Unknown file type {path.suffix or '(none)'!r}: the output file must end "
                "in .pdf or .xlsx."
            )
        try:
            grant = Grant.objects.get(pk=int(grant_id))
        except (ValueError, Grant.DoesNotExist):
            raise CommandError(f"There is no grant {grant_id!r}.") from None
        start = end = None
        if period:
            start, end = _date(period[0]), _date(period[1])
            if end < start:
                raise CommandError(f"The period ends ({end}) before it starts ({start}).")
        with translation.override(language):
            report = reports.build_grant_report(grant, start=start, end=end)
            content = writer(report)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from None
        self.stdout.write(
            f"Wrote the report of grant {grant.pk} ({report.start} to {report.end}) to {path}."
        )
