"""The one way stetapp exports a table: `table_response` turns headers and rows into a
CSV or XLSX download.

CSV is UTF-8 with a byte-order mark and commas, so that Excel (also the Dutch one) opens it
with the right characters. Both formats neutralise spreadsheet formula injection: a text
cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe and,
in XLSX, is written as a string, never as a formula. The response is an attachment that
is never cached (exports hold personal data).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Literal

from django.http import HttpResponse
from django.utils.text import slugify

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Column widths in XLSX, in characters.
MIN_WIDTH = 8
MAX_WIDTH = 50


def neutralise(value):
    """A text value that a spreadsheet would read as a formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(neutralise(value) if isinstance(value, str) else value)


def safe_filename(stem: str, fmt: str) -> str:
    """ASCII letters, digits and hyphens only: nothing a header or a file system trips on."""
    return f"{slugify(stem)[:80].strip('-') or 'export'}.{fmt}"


def _csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    widths = [len(str(h)) for h in headers]
    bold = Font(bold=True)

    def write(row_number: int, values: Sequence, font=None) -> None:
        for column, value in enumerate(values, start=1):
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones
            text = isinstance(value, str)
            cell = sheet.cell(row=row_number, column=column, value=neutralise(value))
            if text:
                # openpyxl reads a string starting with "=" as a formula: force text.
                cell.data_type = "s"
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
            if font is not None:
                cell.font = font
            length = len(str(cell.value)) if cell.value is not None else 0
            if column > len(widths):
                widths.append(length)
            else:
                widths[column - 1] = max(widths[column - 1], length)

    write(1, list(headers), font=bold)
    for number, row in enumerate(rows, start=2):
        write(number, list(row))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    *,
    filename_stem: str,
    headers: list[str],
    rows: Iterable[Sequence],
    fmt: Literal["csv", "xlsx"] = "csv",
) -> HttpResponse:
    """A download of the table as CSV or XLSX. Raises ValueError for another format;
    views decide what an unknown format means (usually: CSV)."""
    if fmt == "csv":
        content = _csv_bytes(headers, rows)
    elif fmt == "xlsx":
        content = _xlsx_bytes(headers, rows)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename_stem, fmt)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = ["neutralise", "safe_filename", "table_response"]
