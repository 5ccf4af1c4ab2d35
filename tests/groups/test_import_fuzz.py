"""Fuzzing the importers (Hypothesis): random bytes, random CSV text, random cell values
and damaged workbooks go through the group and participant import. Each ends in an
import, row errors or ImportFileError — never another exception (which would be a 500 on
the upload page), and a file with row errors creates nothing.

CI runs a few hundred examples per test; `make fuzz` runs 10,000 (HYPOTHESIS_PROFILE=fuzz).
"""

import csv
import datetime as dt
import functools
import io
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from groups.importers import ImportFileError, ImportResult, import_groups, import_organisations
from groups.models import Group, Programme
from participants.importers import import_participants

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

GROUP_HEADER = ["organisation", "city", "group name", "community", "composition", "status"]
PEOPLE_HEADER = ["name", "group", "phone", "birth year", "gender", "status", "languages"]
FILENAMES = st.sampled_from(["import.csv", "import.xlsx", "import.txt", "import", "import.pdf"])

# Values the importers know, mixed with anything: some rows are valid, most are not.
KNOWN = st.sampled_from(
    [
        "Organisation A",
        "Rotterdam",
        "GM0599",
        "Den Haag",
        "Group A1",
        "group a2",
        "women",
        "gemengd",
        "running",
        "joined",
        "contacted",
        "woman",
        "1952",
        "06 1234 5678",
        "tr, nl",
        "2025-03-14",
        "14/03/2025",
        "",
    ]
)
ANY_TEXT = st.text(max_size=40)
CELL_TEXT = st.one_of(KNOWN, ANY_TEXT, st.text(alphabet=";,\"'\r\n\t =+-@", max_size=8))
CELL_VALUE = st.one_of(
    CELL_TEXT,
    st.none(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 2)),
)


def _rows(header, values=CELL_TEXT):
    row = st.lists(values, max_size=len(header) + 2)
    return st.tuples(
        st.permutations(header).flatmap(lambda h: st.lists(st.just(h), max_size=1)),
        st.lists(row, max_size=8),
    ).map(lambda parts: [*parts[0], *parts[1]])


def _run(world, data: bytes, filename: str) -> None:
    """Both importers, each either importing, reporting rows or refusing the file."""
    before = Group.objects.count()
    for importer in (
        lambda: import_groups(data=data, filename=filename),
        lambda: import_participants(
            data=data, filename=filename, groups=Group.objects.filter(organisation=world.org_a)
        ),
    ):
        try:
            result = importer()
        except ImportFileError as exc:
            assert str(exc)
            continue
        assert isinstance(result, ImportResult)
        if result.errors:
            assert result.created == []
            assert all(str(error) for error in result.errors)
    assert Group.objects.count() >= before


def _csv(rows, delimiter, encoding) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def template_xlsx() -> bytes:
    return _xlsx([GROUP_HEADER, ["Organisation A", "Rotterdam", "G", "Turks", "men", "running"]])


@PROFILE
@given(data=st.binary(max_size=2000), filename=FILENAMES)
def test_random_bytes(world, data, filename):
    _run(world, data, filename)


@PROFILE
@given(
    rows=st.one_of(_rows(GROUP_HEADER), _rows(PEOPLE_HEADER)),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    filename=st.sampled_from(["import.csv", "import.txt", "import"]),
)
def test_random_csv(world, rows, delimiter, encoding, filename):
    _run(world, _csv(rows, delimiter, encoding), filename)


@PROFILE
@given(text=st.text(max_size=600))
def test_random_csv_text(world, text):
    _run(world, ",".join(GROUP_HEADER).encode() + b"\n" + text.encode("utf-8", "replace"), "x.csv")


@PROFILE
@given(rows=st.one_of(_rows(GROUP_HEADER, CELL_VALUE), _rows(PEOPLE_HEADER, CELL_VALUE)))
def test_random_cells_in_xlsx(world, rows):
    _run(world, _xlsx(rows), "import.xlsx")


@PROFILE
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=8)), max_size=6
    ),
    cut=st.none() | st.integers(min_value=0),
)
def test_damaged_xlsx(world, edits, cut):
    data = bytearray(template_xlsx())
    for position, replacement in edits:
        at = position % len(data)
        data[at : at + len(replacement)] = replacement
    if cut is not None:
        del data[cut % len(data) :]
    _run(world, bytes(data), "import.xlsx")


XML_PARTS = st.sampled_from(
    [
        "<row>",
        "</row>",
        '<row r="2">',
        '<row r="1048577">',
        '<row r="-1">',
        "<c>",
        "</c>",
        '<c r="A1" t="s">',
        '<c r="B2" t="inlineStr"><is><t>x</t></is>',
        '<c r="XFD2" t="n">',
        '<c t="d">',
        '<c t="b">',
        '<c t="e">',
        "<v>",
        "</v>",
        "1",
        "1e308",
        "2025-03-14T00:00:00",
        "NaN",
        "&amp;",
        "&lol;",
        "<!DOCTYPE x>",
        '<dimension ref="A1:XFD1048576"/>',
        "<f>SUM(A1)</f>",
        "]]>",
        "<![CDATA[",
    ]
)


@PROFILE
@given(parts=st.lists(st.one_of(XML_PARTS, ANY_TEXT), max_size=30))
def test_random_sheet_xml(world, parts):
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(parts)}</sheetData></worksheet>"
    ).encode("utf-8", "replace")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template_xlsx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet
            target.writestr(info.filename, content)
    _run(world, out.getvalue(), "import.xlsx")


@PROFILE
@given(rows=_rows(["name", "city", "kvk number", "school region"]))
def test_random_organisation_csv(world, rows):
    programme = Programme.objects.first()
    try:
        result = import_organisations(
            data=_csv(rows, ",", "utf-8"), filename="o.csv", programme=programme
        )
    except ImportFileError:
        return
    if result.errors:
        assert result.created == []
