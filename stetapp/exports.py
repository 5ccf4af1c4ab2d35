"""The one way stetapp exports a table: `table_response` turns headers and rows into a
CSV or XLSX download; `workbook_bytes` / `workbook_response` write several tables as the
sheets of one XLSX workbook (a fund report), with the same cell rules.

CSV is UTF-8 with a byte-order mark and commas, so that Excel (also the Dutch one) opens it
with the right characters. Both formats neutralise spreadsheet formula injection: a text
cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe and,
in XLSX, is written as a string, never as a formula. Both drop the control characters
that text stored before stetapp.text's rule may still hold (without_controls): openpyxl
refuses them, and one of them in a name made every export fail. Amounts wrapped in
stetapp.money.Euros stay numbers in XLSX, with the one money number format. The response
is an attachment that is never cached (exports hold personal data).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import pgettext

from .money import XLSX_EUROS_FORMAT, Euros
from .text import clean_text, without_controls

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Column widths in XLSX, in characters.
MIN_WIDTH = 8
MAX_WIDTH = 50


def neutralise(value):
    """A text value made safe for a spreadsheet: without control characters (an XLSX
    file cannot hold them; stetapp.text.without_controls) and inert when a spreadsheet
    would read it as a formula."""
    if not isinstance(value, str):
        return value
    value = without_controls(value)
    if value.startswith(FORMULA_PREFIXES):
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


def _write_sheet(
    sheet, headers: Sequence[str], rows: Iterable[Sequence], tables: Sequence = ()
) -> None:
    """Write a bold header row and the rows into an openpyxl worksheet, then each further
    Table below it (after an empty row: its title and its header row in bold). Text that
    looks like a formula is neutralised and stored as text, dates get a date format,
    columns a width that fits their content; with one table, its header row stays in
    view."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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
            if isinstance(value, Euros):
                cell.number_format = XLSX_EUROS_FORMAT
            if font is not None:
                cell.font = font
            length = len(str(cell.value)) if cell.value is not None else 0
            if column > len(widths):
                widths.append(length)
            else:
                widths[column - 1] = max(widths[column - 1], length)

    write(1, list(headers), font=bold)
    number = 1
    for number, row in enumerate(rows, start=2):
        write(number, list(row))
    for table in tables:
        number += 2
        if table.title:
            write(number, [table.title], font=bold)
            number += 1
        write(number, list(table.headers), font=bold)
        for row in table.rows:
            number += 1
            write(number, list(row))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    if not tables:
        sheet.freeze_panes = "A2"


def default_sheet_title() -> str:
    """The title of a sheet nobody named, in the active language (not Excel's "Sheet")."""
    return pgettext("spreadsheet", "Sheet")


def _xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str | None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.create_sheet(title=sheet_title(title or default_sheet_title()), index=0)
    workbook.remove(workbook.worksheets[1])  # the unnamed sheet a new workbook has
    _write_sheet(sheet, headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Table:
    """A further table on a sheet, below the first: a title, a header row and rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


@dataclass
class Sheet:
    """One sheet of a workbook: its title, the header row and rows of its first table,
    and any further tables below that one."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    tables: Sequence[Table] = ()


# Excel refuses these characters in a sheet title and titles longer than 31 characters.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_TITLE_MAX = 31


def sheet_title(title: str, taken: set[str] | None = None) -> str:
    """A title Excel accepts: no \\ / * ? : [ ], at most 31 characters, not empty, not
    starting or ending with an apostrophe, and (case-insensitively) unlike `taken`."""
    clean = _SHEET_TITLE_FORBIDDEN.sub(" ", clean_text(str(title), multiline=False))
    clean = clean.strip().strip("'").strip()
    clean = clean[:SHEET_TITLE_MAX].strip() or default_sheet_title()
    taken_lower = {t.lower() for t in taken or ()}
    candidate, number = clean, 2
    while candidate.lower() in taken_lower:
        suffix = f" ({number})"
        candidate = clean[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook with one worksheet per Sheet, in order, written with the same
    rules as table_response (formula-safe text, dates, widths, a frozen header row)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook has
    taken: set[str] = set()
    for sheet in sheets:
        title = sheet_title(sheet.title, taken)
        taken.add(title)
        _write_sheet(workbook.create_sheet(title=title), sheet.headers, sheet.rows, sheet.tables)
    if not workbook.worksheets:
        workbook.create_sheet(title=default_sheet_title())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(content: bytes, *, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def workbook_response(*, filename_stem: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """A download of the workbook (an attachment, never cached)."""
    return _attachment(
        workbook_bytes(sheets), fmt="xlsx", filename=safe_filename(filename_stem, "xlsx")
    )


def table_response(
    *,
    filename_stem: str,
    headers: list[str],
    rows: Iterable[Sequence],
    fmt: Literal["csv", "xlsx"] = "csv",
    sheet: str | None = None,
) -> HttpResponse:
    """A download of the table as CSV or XLSX; `sheet` names the XLSX sheet (translated
    by the caller; made safe by sheet_title). Raises ValueError for another format;
    views decide what an unknown format means (usually: CSV)."""
    if fmt == "csv":
        content = _csv_bytes(headers, rows)
    elif fmt == "xlsx":
        content = _xlsx_bytes(headers, rows, sheet)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return _attachment(content, fmt=fmt, filename=safe_filename(filename_stem, fmt))


__all__ = [
    "Sheet",
    "Table",
    "neutralise",
    "safe_filename",
    "sheet_title",
    "table_response",
    "workbook_bytes",
    "workbook_response",
]
