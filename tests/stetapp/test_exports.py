"""stetapp.exports.table_response: the one way to export a table (CSV and XLSX)."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from stetapp.exports import neutralise, safe_filename, table_response

HEADERS = ["name", "phone", "born", "joined on"]
ROWS = [
    ["Ayşe Demir", "06 1111 2222", 1950, dt.date(2025, 1, 15)],
    ['=HYPERLINK("http://evil.example","x")', "+31 6 1234 5678", None, None],
    ["-2+3", "@SUM(A1)", 1948, None],
    ["\tTab", "\rReturn", None, None],
]


def _csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.active


def test_csv_has_bom_comma_header_and_rows():
    response = table_response(filename_stem="Group A1", headers=HEADERS, rows=ROWS, fmt="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert rows[0] == HEADERS
    assert rows[1] == ["Ayşe Demir", "06 1111 2222", "1950", "2025-01-15"]
    assert len(rows) == 1 + len(ROWS)


def test_csv_neutralises_formulas():
    rows = _csv(table_response(filename_stem="x", headers=HEADERS, rows=ROWS, fmt="csv"))
    assert rows[2][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[2][1] == "'+31 6 1234 5678"
    assert rows[3][:2] == ["'-2+3", "'@SUM(A1)"]
    assert rows[4][:2] == ["'\tTab", "'\rReturn"]
    # Numbers are not text: a negative number stays a number.
    assert _csv(table_response(filename_stem="x", headers=["n"], rows=[[-3]], fmt="csv"))[1] == [
        "-3"
    ]


def test_xlsx_has_bold_header_widths_and_typed_cells():
    response = table_response(filename_stem="Group A1", headers=HEADERS, rows=ROWS, fmt="xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = _xlsx(response)
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert [c.value for c in sheet[2]][:3] == ["Ayşe Demir", "06 1111 2222", 1950]
    assert sheet["D2"].value.date() == dt.date(2025, 1, 15)
    assert sheet.column_dimensions["A"].width >= len("Ayşe Demir")
    assert sheet.column_dimensions["A"].width <= 50
    assert sheet.max_row == 1 + len(ROWS)


def test_xlsx_never_writes_a_formula():
    sheet = _xlsx(table_response(filename_stem="x", headers=HEADERS, rows=ROWS, fmt="xlsx"))
    assert sheet["A3"].data_type == "s"
    assert sheet["A3"].value == '\'=HYPERLINK("http://evil.example","x")'
    assert sheet["B3"].value == "'+31 6 1234 5678"
    assert sheet["A4"].value == "'-2+3"
    assert sheet["B4"].value == "'@SUM(A1)"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_formula_in_the_header_is_neutralised_too():
    rows = _csv(table_response(filename_stem="x", headers=["=1+1"], rows=[], fmt="csv"))
    assert rows == [["'=1+1"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_headers(fmt):
    response = table_response(filename_stem="Group A1 2025", headers=HEADERS, rows=[], fmt=fmt)
    assert response["Content-Disposition"] == f'attachment; filename="group-a1-2025.{fmt}"'
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ('evil"; filename=x.exe', "evil-filenamexexe.csv"),
        ("../../etc/passwd", "etcpasswd.csv"),
        ("Ümit\r\nSet-Cookie: a=b", "umit-set-cookie-ab.csv"),
        ("", "export.csv"),
        ("///", "export.csv"),
    ],
)
def test_filename_is_safe(stem, expected):
    assert safe_filename(stem, "csv") == expected


def test_filename_is_not_overlong():
    assert len(safe_filename("x" * 500, "xlsx")) <= 85


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        table_response(filename_stem="x", headers=HEADERS, rows=[], fmt="pdf")


def test_rows_may_be_a_generator():
    rows = (["Person", str(n)] for n in range(3))
    parsed = _csv(table_response(filename_stem="x", headers=["a", "b"], rows=rows, fmt="csv"))
    assert len(parsed) == 4


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\t1", "\r1"])
def test_neutralise(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Ayşe", "06 1111", "", 5, -5, None])
def test_neutralise_leaves_the_rest_alone(value):
    assert neutralise(value) == value
