"""Hostile spreadsheets (stetapp/tabular.py): XML entity bombs, zip bombs, endless rows,
wide rows, huge cells, files that are not what their name says. Each is refused with a
message on the upload page (200, never 500), before the work it would cause, and imports
nothing — through the group and the participant import alike."""

import contextlib
import io
import tracemalloc
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet import _reader as _sheet_reader

from groups.importers import ImportFileError, read_table
from groups.models import Group
from participants.models import Participant
from stetapp import tabular

_sheet_iterparse = _sheet_reader.iterparse

HEADER = ["organisation", "city", "group name", "community", "composition", "status"]
ROW = ["Organisation A", "Rotterdam", "Nieuwe groep", "Turks", "women", "running"]
SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook `data` with one member's content replaced (or added)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def sheet_xml(rows_xml: str, *, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f"<worksheet {NS}><sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


def inline_row(line: int, values) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{line}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{line}">{cells}</row>'


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def billion_laughs_in_sheet() -> bytes:
    rows = inline_row(1, HEADER) + inline_row(2, [*ROW[:3], "&lol9;", *ROW[4:]])
    return replace_member(xlsx_bytes([HEADER]), SHEET, sheet_xml(rows, prolog=LAUGHS))


def billion_laughs_in_shared_strings() -> bytes:
    # openpyxl writes inline strings; Excel writes a table of shared strings, listed in
    # [Content_Types].xml and referred to by number from the sheet.
    data = xlsx_bytes([HEADER])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    strings = f'<?xml version="1.0"?>{LAUGHS}<sst {NS}><si><t>&lol9;</t></si></sst>'
    rows = inline_row(1, HEADER) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    data = replace_member(data, "[Content_Types].xml", types)
    data = replace_member(data, SHEET, sheet_xml(rows))
    return replace_member(data, SHARED, strings.encode())


def zip_bomb() -> bytes:
    """A small .xlsx whose sheet unpacks to 20 MB (the default budget is 16 MB)."""
    padding = b" " * (20 * 1024 * 1024)
    content = sheet_xml(inline_row(1, HEADER)).replace(b"<sheetData>", b"<sheetData>" + padding)
    return replace_member(xlsx_bytes([HEADER]), SHEET, content)


def not_a_zip() -> bytes:
    return b"PK\x03\x04 this only starts like a zip" + bytes(range(256)) * 4


# name, bytes, file name, the message
HOSTILE = {
    "billion laughs in the sheet": (
        billion_laughs_in_sheet,
        "groups.xlsx",
        "The Excel file contains XML declarations that a spreadsheet does not need "
        "(DOCTYPE or ENTITY); it is not read.",
    ),
    "billion laughs in the shared strings": (
        billion_laughs_in_shared_strings,
        "groups.xlsx",
        "The Excel file contains XML declarations that a spreadsheet does not need "
        "(DOCTYPE or ENTITY); it is not read.",
    ),
    "zip bomb": (
        zip_bomb,
        "groups.xlsx",
        "The Excel file unpacks to too much data (at most 16 MB); save it anew.",
    ),
    "text named .xlsx": (
        lambda: b"organisation,city\nA,B\n",
        "groups.xlsx",
        "This is not a readable Excel (.xlsx) file.",
    ),
    "not a zip, starting like one": (
        not_a_zip,
        "groups.csv",
        "This is not a readable Excel (.xlsx) file.",
    ),
    "CSV with NUL bytes": (
        lambda: b"organisation,city\nA\x00,B\n",
        "groups.csv",
        "This is not a CSV or Excel file.",
    ),
    "CSV with a field over csv's limit": (
        lambda: b'organisation,city\n"' + b"x" * 200_000 + b'",B\n',
        "groups.csv",
        "Line 2 could not be read: a cell is too long or a quote is not closed.",
    ),
    "CSV with a long cell": (
        lambda: b"organisation,city\n" + b"x" * 2001 + b",B\n",
        "groups.csv",
        "Line 2 has a cell longer than 2000 characters.",
    ),
    "CSV with too many columns": (
        lambda: b"organisation,city\n" + b"x," * 101 + b"\n",
        "groups.csv",
        "Line 2 has more than 100 columns.",
    ),
    "CSV undecodable": (
        lambda: b"organisation,city\n\xc3\x28\x81,B\n",
        "groups.csv",
        "The file's characters could not be read; save it as UTF-8.",
    ),
}


@pytest.fixture(scope="module")
def hostile_files():
    return {
        name: (build(), filename, message) for name, (build, filename, message) in HOSTILE.items()
    }


def test_openpyxl_parses_through_defusedxml():
    # openpyxl picks defusedxml when it is installed; the archive check comes first anyway.
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("name", list(HOSTILE))
def test_read_table_refuses(name, hostile_files):
    data, filename, message = hostile_files[name]
    with pytest.raises(ImportFileError) as exc:
        read_table(data, filename)
    assert str(exc.value) == message


# --- how much work a refusal took: counted, not timed ----------------------------------


@contextlib.contextmanager
def _unpacked():
    """The bytes read out of zip members while the block runs (in `counted[0]`)."""
    counted = [0]
    read = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        data = read(self, n)
        counted[0] += len(data)
        return data

    with mock.patch.object(zipfile.ZipExtFile, "read", counting):
        yield counted


@contextlib.contextmanager
def _peak_memory():
    """The most memory Python held at once while the block ran, in bytes (`peak[0]`)."""
    peak = [0]
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


@contextlib.contextmanager
def _lines_read():
    """The sheet's lines and cells the reader looked at (`seen["lines"]`, `seen["cells"]`)."""
    seen = {"lines": 0, "cells": 0}
    collect = tabular._collect

    def counting(lines, **kwargs):
        def counted():
            for line, values in lines:
                seen["lines"] += 1
                seen["cells"] += len(values)
                yield line, values

        return collect(counted(), **kwargs)

    with mock.patch.object(tabular, "_collect", counting):
        yield seen


@pytest.mark.parametrize(
    "name", ["billion laughs in the sheet", "billion laughs in the shared strings", "zip bomb"]
)
def test_bombs_are_refused_before_parsing(name, hostile_files):
    data, filename, _message = hostile_files[name]
    with (
        _unpacked() as unpacked,
        mock.patch("openpyxl.load_workbook") as load,
        pytest.raises(ImportFileError),
    ):
        read_table(data, filename)
    assert not load.called
    # Refused from the zip's directory, or at the chunk that declares entities: the
    # hostile files unpack to gigabytes; here about 17 KB were read.
    assert unpacked[0] <= 1024 * 1024


@pytest.mark.parametrize(
    "name", ["billion laughs in the sheet", "billion laughs in the shared strings"]
)
def test_without_the_archive_check_openpyxl_still_refuses_entities(name, hostile_files):
    # The second line of defence: defusedxml under openpyxl. No entity is expanded and the
    # error is the user's message, not a ParseError (a 500).
    data, filename, _message = hostile_files[name]
    with (
        _peak_memory() as peak,
        mock.patch.object(tabular, "check_xlsx_archive", return_value=set()),
        pytest.raises(ImportFileError) as exc,
    ):
        read_table(data, filename)
    assert str(exc.value) == "This is not a readable Excel (.xlsx) file."
    # Expanded, the entities would take gigabytes; refused, about 0.2 MB.
    assert peak[0] < 8 * 1024 * 1024


def test_a_member_packed_like_a_bomb_is_refused_under_the_size_budget():
    content = sheet_xml(inline_row(1, HEADER)).replace(
        b"<sheetData>", b"<sheetData>" + b" " * 2**21
    )
    data = replace_member(xlsx_bytes([HEADER]), SHEET, content)
    with pytest.raises(ImportFileError, match="unpacks to too much data"):
        read_table(data, "groups.xlsx")


def test_too_many_members():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, ROW]))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for n in range(tabular.MAX_MEMBERS):
            target.writestr(f"xl/media/m{n}.bin", b"")
    with pytest.raises(ImportFileError, match="not a readable Excel"):
        read_table(out.getvalue(), "groups.xlsx")


@override_settings(STETAPP_IMPORT_MAX_ROWS=3)
def test_reading_stops_at_the_first_row_over_the_budget():
    rows = inline_row(1, HEADER) + "".join(inline_row(n, ROW) for n in range(2, 10_002))
    data = replace_member(xlsx_bytes([HEADER]), SHEET, sheet_xml(rows))
    with (
        mock.patch.object(tabular, "_cell", wraps=tabular._cell) as cell,
        pytest.raises(ImportFileError, match=r"too many rows \(at most 3\)"),
    ):
        read_table(data, "groups.xlsx")
    # The header and four rows of six cells were looked at, not 60,000 cells.
    assert cell.call_count == 5 * len(HEADER)


def test_a_row_numbered_past_excel_is_refused_fast():
    rows = inline_row(1, HEADER) + inline_row(2_000_000_000, ROW)
    data = replace_member(xlsx_bytes([HEADER]), SHEET, sheet_xml(rows))
    with _lines_read() as seen, pytest.raises(ImportFileError, match="too many rows"):
        read_table(data, "groups.xlsx")
    # Refused at Excel's last line, not two billion lines on.
    assert seen["lines"] == tabular.MAX_LINE + 1


def test_a_sheet_claiming_16384_columns_is_read_by_its_cells():
    rows = inline_row(1, HEADER) + inline_row(2, ROW)
    content = sheet_xml(rows).replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'
    )
    data = replace_member(xlsx_bytes([HEADER]), SHEET, content)
    header, body = read_table(data, "groups.xlsx")
    assert header == HEADER
    assert body == [(2, ROW)]


def test_empty_cells_far_to_the_right_are_refused_fast():
    # Each row one empty cell in the last column: 16,384 blanks per row.
    far = "".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, 5000))
    data = replace_member(xlsx_bytes([HEADER]), SHEET, sheet_xml(inline_row(1, HEADER) + far))
    with _lines_read() as seen, pytest.raises(ImportFileError, match="too many rows"):
        read_table(data, "groups.xlsx")
    # Refused once the cells looked at pass the budget, not after all 5,000 wide lines.
    budget = 4 * (settings.STETAPP_IMPORT_MAX_ROWS + 1) * settings.STETAPP_IMPORT_MAX_COLUMNS
    assert seen["cells"] <= budget + 16_384
    assert seen["lines"] < 4999


def test_a_value_past_the_column_budget_is_refused():
    rows = inline_row(1, HEADER) + inline_row(2, ROW)[:-6] + '<c r="ZZ2"><v>1</v></c></row>'
    data = replace_member(xlsx_bytes([HEADER]), SHEET, sheet_xml(rows))
    with pytest.raises(ImportFileError, match="Line 2 has more than 100 columns"):
        read_table(data, "groups.xlsx")


def test_trailing_empty_columns_are_no_columns():
    header, body = read_table(b"organisation,city" + b"," * 300 + b"\nA,B" + b"," * 300, "x.csv")
    assert header == ["organisation", "city"]
    assert body == [(2, ["A", "B"])]


def test_csv_line_numbers_are_records_as_a_spreadsheet_shows_them():
    data = b'organisation,city\n"A\nstill A",B\n\nC,D\n'
    _header, body = read_table(data, "x.csv")
    assert body == [(2, ["A\nstill A", "B"]), (4, ["C", "D"])]


# --- on the upload pages ------------------------------------------------------------------

PAGES = {
    "groups": (reverse("group_import"), lambda: Group.objects.count()),
    "participants": (reverse("participant_import"), lambda: Participant.objects.count()),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("name", list(HOSTILE))
def test_upload_page_shows_the_message(world, hostile_files, page, name):
    url, count = PAGES[page]
    data, filename, message = hostile_files[name]
    before = count()
    upload = SimpleUploadedFile(filename, data, content_type="application/octet-stream")
    response = world.client_for("lead_a").post(url, {"file": upload})
    assert response.status_code == 200
    assert response.context["file_error"] == message
    assert message.split(";")[0].split("(")[0] in response.text.replace("&#x27;", "'")
    assert count() == before


def _without_dimension_sheet(rows_xml: str, *, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = NS.replace("xmlns=", f"xmlns:{prefix}=") if prefix else NS
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>'
        + rows_xml.replace("<", f"<{p}").replace(f"<{p}/", f"</{p}")
        + f"</{p}sheetData></{p}worksheet>"
    ).encode()


class _count_sheet_elements:
    """Counts the XML elements openpyxl parses from worksheets while it is entered."""

    def __init__(self) -> None:
        self.count = 0
        self._patch = mock.patch.object(_sheet_reader, "iterparse", self._iterparse)

    def _iterparse(self, *args, **kwargs):
        for event in _sheet_iterparse(*args, **kwargs):
            self.count += 1
            yield event

    def __enter__(self):
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()
        return False


@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_sheet_without_dimension_is_read_without_parsing_it_twice(prefix):
    # openpyxl parses a whole sheet looking for its dimension when it has none; the
    # archive gets one put in first, so a large sheet is parsed once, up to the budget.
    rows = inline_row(1, HEADER) + "".join(inline_row(n, ROW) for n in range(3, 10_003))
    data = replace_member(
        xlsx_bytes([HEADER]), SHEET, _without_dimension_sheet(rows, prefix=prefix)
    )
    parsed = _count_sheet_elements()
    with (
        override_settings(STETAPP_IMPORT_MAX_ROWS=3),
        parsed,
        pytest.raises(ImportFileError, match="too many rows"),
    ):
        read_table(data, "groups.xlsx")
    # Counted, not timed: the 10,000 rows hold about 80,000 elements. Looking for the
    # dimension stops at the one put in, and the rows stop at the fifth.
    assert 0 < parsed.count < 100
    rows = inline_row(1, HEADER) + "".join(inline_row(n, ROW) for n in range(3, 103))
    sheet = _without_dimension_sheet(rows, prefix=prefix)
    header, body = read_table(replace_member(xlsx_bytes([HEADER]), SHEET, sheet), "groups.xlsx")
    assert header == HEADER
    assert body[0] == (3, ROW)
    assert len(body) == 100


def test_a_damaged_deflate_stream_is_unreadable():
    # Found by the fuzz tests: zlib.error while the archive was checked.
    data = bytearray(xlsx_bytes([HEADER, ROW]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8
    with pytest.raises(ImportFileError, match="not a readable Excel"):
        read_table(bytes(data), "groups.xlsx")


def _bloated_styles(count: int) -> bytes:
    data = xlsx_bytes([HEADER, ROW])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml")
    xfs = "".join(f'<xf numFmtId="{n % 997}" fontId="0" xfId="{n}"/>' for n in range(count))
    at = styles.index(b"<cellXfs")
    at = styles.index(b">", at) + 1
    return replace_member(data, "xl/styles.xml", styles[:at] + xfs.encode() + styles[at:])


@pytest.mark.parametrize("where", ["xl/styles.xml", "xl/worksheets/sheet2.xml"])
def test_bloated_styles_are_refused_before_openpyxl_reads_them(where):
    # openpyxl reads styles in full on opening (about 35 µs a tag); a "worksheet" that
    # holds styles is counted as styles.
    data = _bloated_styles(tabular.MAX_OTHER_TAGS)
    if where != "xl/styles.xml":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            styles = archive.read("xl/styles.xml")
        data = replace_member(data, where, styles.replace(b"<styleSheet", b"<worksheet", 1))
    with (
        _unpacked() as unpacked,
        mock.patch("openpyxl.load_workbook") as load,
        pytest.raises(ImportFileError),
    ):
        read_table(data, "groups.xlsx")
    assert not load.called
    # Counted in one streamed pass: no member was read twice.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert unpacked[0] <= sum(member.file_size for member in archive.infolist())


def test_ordinary_styles_are_read():
    assert read_table(_bloated_styles(200), "groups.xlsx")[1] == [(2, ROW)]
