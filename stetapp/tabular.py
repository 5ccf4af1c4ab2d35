"""Read an uploaded CSV or XLSX file into rows: the one way every import reads a file.

An upload comes from anyone with an import page, so the file is hostile until read: every
step has a budget that is checked before the work it bounds (docs/import-formats.md,
"Limits"), and every way a file can fail ends in ImportFileError with a message for the
user — never another exception.

- Bytes: at most STETAPP_IMPORT_MAX_BYTES (the views read one byte more, never all).
- XLSX (a zip of XML files): the zip's own directory is checked first — at most
  MAX_MEMBERS files, each and all together at most STETAPP_IMPORT_MAX_UNPACKED_BYTES once
  unpacked, none packed tighter than MAX_RATIO — then every XML member is unpacked as a
  stream and refused when it declares a DOCTYPE or ENTITY (no entity is ever expanded:
  "billion laughs"). openpyxl then reads it in read-only mode through defusedxml
  (checked in tests), and reading stops at the first row over the budget.
- CSV: UTF-8 (with or without BOM), else Windows-1252; comma or semicolon; no NUL bytes.
- Both: at most STETAPP_IMPORT_MAX_ROWS filled rows, STETAPP_IMPORT_MAX_COLUMNS columns
  and MAX_CELL_CHARS characters in a cell; reading stops at the first one over.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# A cell longer than this is no name, phone or place: the file is refused (far below
# csv's own field limit of 128 KB, so that limit is never what the user sees).
MAX_CELL_CHARS = 2000
# An .xlsx from Excel or LibreOffice holds 10–30 files; a few hundred is generous.
MAX_MEMBERS = 500
# Spreadsheet XML packs 5–30 times; more than this is a zip bomb, not a spreadsheet.
MAX_RATIO = 200
# Members smaller than this are not checked for their ratio (tiny files pack oddly).
RATIO_FLOOR = 1024 * 1024
# Tags ("<", closing ones included) outside the worksheets: openpyxl reads styles, shared
# strings and the workbook in full when it opens a file. A shared string costs about
# 17 µs and four tags; 5,000 rows of 11 distinct texts need 55,000 (220,000 tags). Other
# parts (styles above all, about 35 µs a tag) have a few thousand in a real file. Both
# caps keep the cost under about 2 s.
MAX_SHARED_STRING_TAGS = 400_000
MAX_OTHER_TAGS = 50_000
# Markup that declares entities; a spreadsheet never needs it.
FORBIDDEN_MARKUP = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 64 * 1024
# Excel's last row; a sheet that numbers a row beyond it is refused as too long.
MAX_LINE = 1_048_576

Rows = list[tuple[int, list[str]]]


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too large, no header…)."""


def read_table(
    data: bytes,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> tuple[list[str], Rows]:
    """Return (header, [(line_number, cells)]) from CSV or XLSX bytes.

    Raises ImportFileError with a message for the user when the file cannot be read.
    Empty lines are skipped but keep their line numbers (the header's line is 1 when
    it is the first). The header is in lower case. The limits default to the settings.
    """
    max_bytes = settings.STETAPP_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    max_rows = settings.STETAPP_IMPORT_MAX_ROWS if max_rows is None else max_rows
    max_columns = settings.STETAPP_IMPORT_MAX_COLUMNS if max_columns is None else max_columns
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": max_bytes // (1024 * 1024)}
        )
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        numbered = _read_xlsx(data, max_rows=max_rows, max_columns=max_columns)
    elif name.endswith((".csv", ".txt")) or not name:
        numbered = _read_csv(data, max_rows=max_rows, max_columns=max_columns)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    (_line, header), body = numbered[0], numbered[1:]
    return [h.strip().lower() for h in header], body


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value).strip()


def _collect(lines: Iterable[tuple[int, Sequence]], *, max_rows: int, max_columns: int) -> Rows:
    """The filled lines as text, the header included; stops at the first line over a
    budget, so that nothing after it is read."""
    numbered: Rows = []
    # Cells looked at, blank ones included: a sheet can give each row one empty cell far
    # to the right, or number its rows beyond Excel's last; both end here, not in minutes.
    cell_budget = 4 * (max_rows + 1) * max_columns
    for line, values in lines:
        if not values and line <= MAX_LINE:  # a blank line between rows: the fast way
            continue
        cell_budget -= len(values)
        if cell_budget < 0 or line > MAX_LINE:
            raise ImportFileError(
                _("The file has too many rows (at most %(n)d).") % {"n": max_rows}
            )
        cells = [_cell(v) for v in values[:max_columns]]
        while cells and not cells[-1]:
            cells.pop()
        extra = values[max_columns:]
        if extra and extra.count(None) + extra.count("") != len(extra):
            raise ImportFileError(
                _("Line %(line)d has more than %(n)d columns.") % {"line": line, "n": max_columns}
            )
        if not cells:
            continue
        if any(len(c) > MAX_CELL_CHARS for c in cells):
            raise ImportFileError(
                _("Line %(line)d has a cell longer than %(n)d characters.")
                % {"line": line, "n": MAX_CELL_CHARS}
            )
        numbered.append((line, cells))
        if len(numbered) > max_rows + 1:  # the header and one row too many
            raise ImportFileError(
                _("The file has too many rows (at most %(n)d).") % {"n": max_rows}
            )
    return numbered


# --- CSV -----------------------------------------------------------------------------


def _read_csv(data: bytes, *, max_rows: int, max_columns: int) -> Rows:
    if b"\x00" in data:
        raise ImportFileError(_("This is not a CSV or Excel file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 leaves five bytes undefined
        raise ImportFileError(_("The file's characters could not be read; save it as UTF-8."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    done = 0  # records read; one record per line as a spreadsheet shows them, also when a
    # quoted cell holds a line break (docs/import-formats.md, "Line numbers")

    def numbered():
        nonlocal done
        for row in reader:
            done += 1
            yield done, row

    try:
        return _collect(numbered(), max_rows=max_rows, max_columns=max_columns)
    except csv.Error:
        # In practice only "field larger than field limit": a quote never closed.
        raise ImportFileError(
            _("Line %(line)d could not be read: a cell is too long or a quote is not closed.")
            % {"line": done + 1}
        ) from None


# --- XLSX ----------------------------------------------------------------------------


def _not_xlsx() -> ImportFileError:
    return ImportFileError(_("This is not a readable Excel (.xlsx) file."))


def _too_large_unpacked() -> ImportFileError:
    return ImportFileError(
        _("The Excel file unpacks to too much data (at most %(mb)d MB); save it anew.")
        % {"mb": settings.STETAPP_IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024)}
    )


def check_xlsx_archive(data: bytes) -> set[str]:
    """Refuse a zip that is not a plain spreadsheet, before anything is parsed: too many
    files, too much data once unpacked, packed like a bomb, or XML that declares
    entities. Raises ImportFileError. Returns the worksheets that state no dimension
    before their rows (see _with_dimensions)."""
    budget = settings.STETAPP_IMPORT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _not_xlsx()
            # The sizes the zip's directory states are what reading can produce at most:
            # zipfile stops at the stated size and checks the CRC.
            if sum(m.file_size for m in members) > budget:
                raise _too_large_unpacked()
            for member in members:
                if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
                    member.compress_size, 1
                ):
                    raise _too_large_unpacked()
            undimensioned = set()
            # What is not a worksheet is read in full when the file is opened.
            tags = {"strings": 0, "other": 0}
            for member in members:
                if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                seen = _check_xml_member(archive, member)
                if seen.root == b"sst":
                    tags["strings"] += seen.tags
                elif seen.root != b"worksheet" or seen.foreign:
                    # A "worksheet" holding styles or strings may be read as those.
                    tags["other"] += seen.tags
                if seen.root == b"worksheet" and seen.rows_first:
                    undimensioned.add(member.filename)
            if tags["strings"] > MAX_SHARED_STRING_TAGS or tags["other"] > MAX_OTHER_TAGS:
                raise _too_large_unpacked()
            return undimensioned
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError):
        raise _not_xlsx() from None
    except (EOFError, ValueError, RuntimeError, zlib.error):  # a damaged or encrypted member
        raise _not_xlsx() from None


_DIMENSION_OR_ROWS = re.compile(rb"<(?:[\w.-]+:)?(dimension|sheetData)\b")
_ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
# Tags of styles and shared strings, which a worksheet never holds.
_FOREIGN = re.compile(rb"<(?:[\w.-]+:)?(?:si|xf|font|fill|border|numFmt|dxf|cellStyle)[\s/>]")


@dataclass
class _Seen:
    root: bytes | None = None  # the root element's name, without prefix
    rows_first: bool = False  # sheetData comes before any dimension
    foreign: bool = False  # holds tags of styles or shared strings
    tags: int = 0


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> _Seen:
    """Read a member as a stream; refuse entity declarations; note what it is."""
    keep = 64
    tail = b""
    seen = _Seen()
    placed = None
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(markup in window for markup in FORBIDDEN_MARKUP):
                raise ImportFileError(
                    _(
                        "The Excel file contains XML declarations that a spreadsheet does "
                        "not need (DOCTYPE or ENTITY); it is not read."
                    )
                )
            if seen.tags == 0 and (root := _ROOT.search(_COMMENT.sub(b"", window))):
                seen.root = root.group(1)
            if placed is None and (found := _DIMENSION_OR_ROWS.search(window)):
                placed = found.group(1)
            seen.foreign = seen.foreign or bool(_FOREIGN.search(window))
            seen.tags += chunk.count(b"<")
            tail = window[-keep:]
    seen.rows_first = placed == b"sheetData"
    return seen


def _with_dimensions(data: bytes, worksheets: set[str]) -> bytes:
    """The archive with a dimension put before the rows of each of `worksheets`.

    openpyxl's read-only mode looks for a sheet's dimension first, and parses the whole
    sheet when there is none: an upload could make the server parse its budget twice.
    The value is never used (rows are as wide as their cells), only its place."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for member in source.infolist():
            content = source.read(member)
            if member.filename in worksheets:
                content = re.sub(
                    rb"<([\w.-]+:)?sheetData\b",
                    rb'<\1dimension ref="A1"/><\1sheetData',
                    content,
                    count=1,
                )
            target.writestr(member.filename, content)
    return out.getvalue()


def _read_xlsx(data: bytes, *, max_rows: int, max_columns: int) -> Rows:
    undimensioned = check_xlsx_archive(data)
    if undimensioned:
        data = _with_dimensions(data, undimensioned)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of a hostile file means "unreadable"
        raise _not_xlsx() from None
    try:
        sheet = workbook.worksheets[0]
        # Rows are as wide as their own cells, not as the stated size of the sheet (a
        # sheet can claim to be 16,384 columns wide).
        sheet.reset_dimensions()
        lines = enumerate(sheet.iter_rows(values_only=True), 1)
        return _collect(lines, max_rows=max_rows, max_columns=max_columns)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - malformed XML, bad cell types, defused entities…
        raise _not_xlsx() from None
    finally:
        workbook.close()
