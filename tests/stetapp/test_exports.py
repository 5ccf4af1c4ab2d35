"""stetapp.exports.table_response: the one way to export a table (CSV and XLSX)."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from stetapp.exports import (
    Sheet,
    Table,
    neutralise,
    safe_filename,
    sheet_title,
    table_response,
    workbook_bytes,
    workbook_response,
)
from stetapp.money import XLSX_EUROS_FORMAT, Euros

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


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_csv_writes_booleans_and_moments_as_plain_text():
    moment = dt.datetime(2025, 3, 1, 14, 30, tzinfo=dt.UTC)
    rows = _csv(
        table_response(filename_stem="x", headers=["a", "b", "c"], rows=[[True, False, moment]])
    )
    assert rows[1] == ["True", "False", "2025-03-01T14:30:00+00:00"]


def test_xlsx_writes_a_moment_without_its_time_zone():
    # Excel has no time zones: the clock time as given is kept.
    moment = dt.datetime(2025, 3, 1, 14, 30, tzinfo=dt.UTC)
    sheet = _xlsx(table_response(filename_stem="x", headers=["at"], rows=[[moment]], fmt="xlsx"))
    assert sheet["A2"].value == dt.datetime(2025, 3, 1, 14, 30)  # noqa: DTZ001


def test_xlsx_keeps_amounts_as_numbers_with_the_money_format():
    sheet = _xlsx(
        table_response(
            filename_stem="x", headers=["amount"], rows=[[Euros("12.50")], [3]], fmt="xlsx"
        )
    )
    assert sheet["A2"].value == 12.5
    assert sheet["A2"].number_format == XLSX_EUROS_FORMAT
    assert sheet["A3"].number_format == "General"


def test_xlsx_sizes_a_column_the_header_row_does_not_have():
    sheet = _xlsx(
        table_response(filename_stem="x", headers=["a"], rows=[["b", "y" * 30]], fmt="xlsx")
    )
    assert sheet["B2"].value == "y" * 30
    assert sheet.column_dimensions["B"].width == 32
    assert sheet.column_dimensions["A"].width == 8  # the minimum


def test_xlsx_caps_column_widths():
    sheet = _xlsx(table_response(filename_stem="x", headers=["a"], rows=[["z" * 80]], fmt="xlsx"))
    assert sheet.column_dimensions["A"].width == 50


def test_a_workbook_sheet_with_further_tables_below_its_first():
    data = workbook_bytes(
        [
            Sheet(
                "Costs",
                ["item", "n"],
                [["room", 2]],
                tables=[
                    Table("Hours", ["who", "hours"], [["=cmd", 3], ["Bea", 1]]),
                    Table("", ["untitled"], [["x"]]),
                ],
            ),
            Sheet("Plain", ["a"], [["b"]]),
        ]
    )
    workbook = _workbook(data)
    costs = workbook["Costs"]
    assert [[cell.value for cell in row] for row in costs.iter_rows()] == [
        ["item", "n"],
        ["room", 2],
        [None, None],
        ["Hours", None],
        ["who", "hours"],
        ["'=cmd", 3],
        ["Bea", 1],
        [None, None],
        ["untitled", None],  # no title row for a table without one
        ["x", None],
    ]
    assert costs["A4"].font.bold and costs["A5"].font.bold and costs["A9"].font.bold
    assert not costs["A6"].font.bold
    # The header row stays in view only on a sheet with one table.
    assert costs.freeze_panes is None
    assert workbook["Plain"].freeze_panes == "A2"


def test_a_workbook_without_sheets_still_has_one():
    workbook = _workbook(workbook_bytes([]))
    assert len(workbook.worksheets) == 1
    assert workbook.worksheets[0].max_row == 1


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("Costs", set(), "Costs"),
        ("Costs", {"costs"}, "Costs (2)"),
        ("Costs", {"Costs", "COSTS (2)"}, "Costs (3)"),
        ("x" * 31, {"x" * 31}, "x" * 27 + " (2)"),
        ("'Quoted'", set(), "Quoted"),
        ("a:b", set(), "a b"),
    ],
)
def test_sheet_titles_excel_accepts(title, taken, expected):
    shown = sheet_title(title, taken)
    assert shown == expected
    assert len(shown) <= 31


def test_workbook_response_is_a_download_never_cached():
    response = workbook_response(filename_stem="Fund report 2025", sheets=[Sheet("A", ["a"], [])])
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="fund-report-2025.xlsx"'
    assert response["Cache-Control"] == "no-store"
    assert _workbook(response.content).sheetnames == ["A"]
