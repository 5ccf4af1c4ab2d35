"""Write the register of processing (AVG art. 30) as an XLSX workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from privacy.register_export import register_sheets
from stetapp.exports import workbook_bytes


class Command(BaseCommand):
    help = "Write the register of processing, generated from the models, as an XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--language", default=None, help="nl (default) or en")

    def handle(self, *args, output: str, language: str | None, **options) -> None:
        with translation.override(language or translation.get_language() or "nl"):
            sheets = register_sheets()
            content = workbook_bytes(sheets)
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {len(list(sheets[0].rows))} personal-data fields")
