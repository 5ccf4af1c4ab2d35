"""Importing groups from CSV/XLSX: the importer, the upload page /groups/import/ and the
`import_groups` management command. All rows or none; errors name the spreadsheet line
(the header is line 1)."""

import base64
import csv
import datetime as dt
import io
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from groups.importers import ImportFileError, RowError, import_groups, read_table
from groups.models import Group, Organisation, Role
from tests.factories import grant_role

HEADER = ["organisation", "city", "group name", "community", "composition", "status", "start date"]
ROW_A = [
    "Organisation A",
    "Rotterdam",
    "Turkse vrouwen Feijenoord",
    "Turks",
    "women",
    "running",
    "2025-03-14",
]
ROW_B = [
    "Organisation A",
    "GM0599",
    "Marokkaanse mannen Charlois",
    "Marokkaans",
    "men",
    "preparing",
    "",
]
# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def csv_bytes(rows, *, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(data, filename="groups.csv", organisations=None):
    return import_groups(data=data, filename=filename, organisations=organisations)


def _errors(result):
    return [str(error) for error in result.errors]


def _new_groups():
    return sorted(
        Group.objects.exclude(
            name__in=["Group A1", "Group A2", "Group B1", "Group C1"]
        ).values_list("name", flat=True)
    )


# --- formats ---------------------------------------------------------------------------


def test_comma_csv(world):
    result = _import(csv_bytes([HEADER, ROW_A, ROW_B]))
    assert result.ok
    assert [g.name for g in result.created] == [
        "Turkse vrouwen Feijenoord",
        "Marokkaanse mannen Charlois",
    ]
    first = Group.objects.get(name="Turkse vrouwen Feijenoord")
    assert (first.organisation, first.city.name, first.community) == (
        world.org_a,
        "Rotterdam",
        "Turks",
    )
    assert (first.composition, first.status, first.start_date) == (
        "women",
        "running",
        dt.date(2025, 3, 14),
    )
    second = Group.objects.get(name="Marokkaanse mannen Charlois")
    assert (second.city.cbs_code, second.composition, second.status, second.start_date) == (
        "GM0599",
        "men",
        "preparing",
        None,
    )


def test_semicolon_csv_with_bom_and_dutch_headers_and_values(world):
    rows = [
        [
            "Organisatie",
            "Gemeente",
            "Groepsnaam",
            "Achtergrond",
            "Samenstelling",
            "Status",
            "Startdatum",
        ],
        [
            "organisation b",
            "'s-Gravenhage",
            "Hindostaanse vrouwen",
            "Surinaams-Hindostaans",
            "vrouwen",
            "actief",
            "14-03-2025",
        ],
        [
            "Organisation B",
            "GM0518",
            "Molukse ouderen",
            "Moluks",
            "Gemengd",
            "in voorbereiding",
            "01/09/2024",
        ],
        ["Organisation B", "gm0518", "Chinese ouderen", "Chinees", "MANNEN", "beëindigd", ""],
    ]
    data = csv_bytes(rows, delimiter=";", bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    result = _import(data)
    assert _errors(result) == []
    groups = {g.name: g for g in Group.objects.filter(organisation=world.org_b)}
    assert (groups["Hindostaanse vrouwen"].composition, groups["Hindostaanse vrouwen"].status) == (
        "women",
        "running",
    )
    assert groups["Hindostaanse vrouwen"].start_date == dt.date(2025, 3, 14)
    assert groups["Hindostaanse vrouwen"].city.name == "'s-Gravenhage"
    assert (groups["Molukse ouderen"].composition, groups["Molukse ouderen"].status) == (
        "mixed",
        "preparing",
    )
    assert groups["Molukse ouderen"].start_date == dt.date(2024, 9, 1)
    assert (groups["Chinese ouderen"].composition, groups["Chinese ouderen"].status) == (
        "men",
        "ended",
    )


def test_windows_1252_csv(world):
    rows = [
        HEADER,
        ["Organisation A", "Rotterdam", "Café-groep", "Indonesië", "gemengd", "werving", ""],
    ]
    result = _import(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    assert result.ok
    group = Group.objects.get(name="Café-groep")
    assert (group.community, group.status) == ("Indonesië", "recruiting")


def test_headers_and_cells_are_trimmed_and_case_insensitive(world):
    rows = [
        ["  ORGANISATION ", "City", "Group Name", "COMMUNITY", "Composition", "Status"],
        ["  Organisation A ", " rotterdam ", "  Spaced out  ", "  Turks ", " Women ", " RUNNING "],
    ]
    result = _import(csv_bytes(rows))
    assert result.ok
    group = Group.objects.get(name="Spaced out")
    assert (group.city.name, group.community, group.composition, group.status) == (
        "Rotterdam",
        "Turks",
        "women",
        "running",
    )


def test_xlsx_with_a_real_date_cell(world):
    rows = [
        HEADER,
        [
            "Organisation A",
            "Rotterdam",
            "Excel groep",
            "Turks",
            "vrouwen",
            "actief",
            dt.date(2025, 3, 14),
        ],
        [
            "Organisation A",
            "Rotterdam",
            "Excel datetime",
            "Turks",
            "men",
            "running",
            dt.datetime(2024, 1, 2, 10, 30),  # noqa: DTZ001 (Excel cells have no time zone)
        ],
        ["Organisation A", "Rotterdam", "Excel text date", "Turks", "men", "running", "15-04-2025"],
    ]
    result = _import(xlsx_bytes(rows), filename="groepen.xlsx")
    assert _errors(result) == []
    dates = dict(Group.objects.filter(name__startswith="Excel").values_list("name", "start_date"))
    assert dates == {
        "Excel groep": dt.date(2025, 3, 14),
        "Excel datetime": dt.date(2024, 1, 2),
        "Excel text date": dt.date(2025, 4, 15),
    }


def test_xlsx_recognised_by_content_whatever_the_name(world):
    rows = [
        HEADER,
        ["Organisation A", "Rotterdam", "Zip named csv", "Turks", "men", "running", None],
    ]
    result = _import(xlsx_bytes(rows), filename="export.csv")
    assert result.ok
    assert _new_groups() == ["Zip named csv"]


def test_xlsx_numbers_become_text(world):
    rows = [HEADER, ["Organisation A", "Rotterdam", 2025, "Turks", "men", "running", None]]
    result = _import(xlsx_bytes(rows), filename="groups.xlsx")
    assert result.ok
    assert _new_groups() == ["2025"]


def test_read_table_skips_empty_lines_but_keeps_numbers(db):
    data = b"organisation,city\r\n\r\nOrganisation A,Rotterdam\r\n,\r\nOrganisation B,GM0518\r\n"
    header, body = read_table(data, "x.csv")
    assert header == ["organisation", "city"]
    assert body == [(3, ["Organisation A", "Rotterdam"]), (5, ["Organisation B", "GM0518"])]


# --- all or none, and what the errors say ----------------------------------------------


def test_one_bad_row_imports_nothing_and_names_the_line(world):
    rows = [
        HEADER,
        ROW_A,
        ["Organisation A", "Atlantis", "Lost group", "Turks", "women", "running", ""],
        ROW_B,
    ]
    result = _import(csv_bytes(rows))
    assert not result.ok
    assert result.created == []
    assert result.errors == [RowError(3, ["unknown city “Atlantis”"])]
    assert _errors(result) == ["line 3: unknown city “Atlantis”"]
    assert _new_groups() == []


def test_several_bad_rows_are_all_reported(world):
    rows = [
        HEADER,
        ["Organisation X", "Atlantis", "Bad one", "Turks", "both", "busy", "2025-02-30"],
        ROW_A,
        ["", "", "", "", "", "", ""],  # empty: skipped, not an error
        ["Organisation A", "Rotterdam", "", "", "women", "running", "yesterday"],
    ]
    result = _import(csv_bytes(rows))
    assert _errors(result) == [
        "line 2: unknown organisation “Organisation X”; unknown city “Atlantis”; "
        "composition “both” is not women, men or mixed; "
        "status “busy” is not one of: preparing, recruiting, running, continuing, ended; "
        "start date “2025-02-30” is not a date like 2025-03-14",
        "line 5: group name is empty; community is empty; "
        "start date “yesterday” is not a date like 2025-03-14",
    ]
    assert _new_groups() == []


def test_empty_required_cells(world):
    rows = [HEADER, ["", "", "X", "Turks", "", "", ""]]
    result = _import(csv_bytes(rows))
    assert _errors(result) == [
        "line 2: organisation is empty; city is empty; "
        "composition “” is not women, men or mixed; "
        "status “” is not one of: preparing, recruiting, running, continuing, ended"
    ]


def test_short_row_is_reported_not_crashed(world):
    rows = [HEADER, ["Organisation A", "Rotterdam", "Short"]]
    result = _import(csv_bytes(rows))
    assert _errors(result) == [
        "line 2: community is empty; composition “” is not women, men or mixed; "
        "status “” is not one of: preparing, recruiting, running, continuing, ended"
    ]


def test_too_long_values(world):
    rows = [HEADER, ["Organisation A", "Rotterdam", "n" * 201, "c" * 101, "men", "running", ""]]
    result = _import(csv_bytes(rows))
    assert _errors(result) == [
        "line 2: group name is longer than 200 characters; community is longer than 100 characters"
    ]


def test_unknown_organisation(world):
    rows = [HEADER, ["Stichting Onbekend", "Rotterdam", "X", "Turks", "men", "running", ""]]
    assert _errors(_import(csv_bytes(rows))) == [
        "line 2: unknown organisation “Stichting Onbekend”"
    ]


def test_organisation_outside_scope_is_reported_as_unknown(world):
    rows = [HEADER, ROW_A, ["Organisation B", "GM0518", "Not yours", "Turks", "men", "running", ""]]
    result = _import(csv_bytes(rows), organisations=Organisation.objects.filter(pk=world.org_a.pk))
    assert _errors(result) == ["line 3: unknown organisation “Organisation B”"]
    assert _new_groups() == []


def test_duplicate_within_the_file(world):
    rows = [
        HEADER,
        ROW_A,
        ROW_B,
        [
            "organisation a",
            "Rotterdam",
            "turkse VROUWEN feijenoord",
            "Turks",
            "women",
            "running",
            "",
        ],
    ]
    result = _import(csv_bytes(rows))
    assert _errors(result) == ["line 4: the same group is on line 2 too"]
    assert _new_groups() == []


def test_same_name_for_two_organisations_in_one_file_is_fine(world):
    rows = [HEADER, ROW_A, ["Organisation B", "GM0518", ROW_A[2], "Turks", "women", "running", ""]]
    result = _import(csv_bytes(rows))
    assert result.ok
    assert Group.objects.filter(name=ROW_A[2]).count() == 2


def test_duplicate_against_the_database(world):
    rows = [
        HEADER,
        ROW_A,
        ["Organisation A", "Rotterdam", "group a1", "Turks", "women", "running", ""],
    ]
    result = _import(csv_bytes(rows))
    assert _errors(result) == ["line 3: the organisation already has a group “group a1”"]
    assert _new_groups() == []


@pytest.mark.parametrize(
    "value", ["2025-13-01", "31-02-2025", "14.03.2025", "March 14", "20250314"]
)
def test_bad_date(world, value):
    rows = [HEADER, ["Organisation A", "Rotterdam", "X", "Turks", "men", "running", value]]
    assert _errors(_import(csv_bytes(rows))) == [
        f"line 2: start date “{value}” is not a date like 2025-03-14"
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [("composition", "vrouw"), ("composition", "both"), ("status", "actief!"), ("status", "done")],
)
def test_bad_composition_or_status(world, column, value):
    row = dict(
        zip(
            HEADER, ["Organisation A", "Rotterdam", "X", "Turks", "men", "running", ""], strict=True
        )
    )
    row[column] = value
    errors = _errors(_import(csv_bytes([HEADER, list(row.values())])))
    assert len(errors) == 1
    assert errors[0].startswith(f"line 2: {column} “{value}” is not ")


# --- files that cannot be read ---------------------------------------------------------


def _file_error(data, filename="groups.csv", **kwargs):
    with pytest.raises(ImportFileError) as exc:
        _import(data, filename, **kwargs)
    return str(exc.value)


def test_missing_columns(world):
    data = csv_bytes(
        [["organisation", "city", "group name", "community", "colour"], ["A", "B", "C", "D", "E"]]
    )
    assert _file_error(data) == (
        "Missing columns: composition, status. "
        "Found: organisation, city, group name, community, colour."
    )


def test_missing_everything_on_a_one_column_header(world):
    assert _file_error(b"hello\r\nworld\r\n") == (
        "Missing columns: organisation, city, group name, community, composition, status. "
        "Found: hello."
    )


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b",,,\r\n, ,\r\n", b";;;\n"])
def test_empty_file(world, data):
    assert _file_error(data) == "The file is empty."


def test_empty_xlsx(world):
    assert _file_error(xlsx_bytes([]), "empty.xlsx") == "The file is empty."


def test_header_only(world):
    assert _file_error(csv_bytes([HEADER])) == "The file has a header but no rows."
    assert _file_error(xlsx_bytes([HEADER]), "h.xlsx") == "The file has a header but no rows."


def test_random_bytes_named_xlsx(world):
    assert (
        _file_error(bytes(range(256)) * 8, "groups.xlsx")
        == "This is not a readable Excel (.xlsx) file."
    )


def test_zip_that_is_not_a_workbook(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert (
        _file_error(buffer.getvalue(), "groups.xlsx")
        == "This is not a readable Excel (.xlsx) file."
    )


def test_png_named_csv(world):
    assert _file_error(PNG, "groups.csv") == "This is not a CSV or Excel file."


def test_pdf_name(world):
    assert _file_error(b"%PDF-1.4\n%...", "groups.pdf") == "Upload a .csv or .xlsx file."


@override_settings(STETAPP_IMPORT_MAX_BYTES=1024 * 1024)
def test_too_large_file(world):
    data = csv_bytes([HEADER, ROW_A])
    too_large = data + b" " * (1024 * 1024 + 1 - len(data))
    assert len(too_large) == 1024 * 1024 + 1
    assert _file_error(too_large) == "The file is too large (at most 1 MB)."
    assert _new_groups() == []


@override_settings(STETAPP_IMPORT_MAX_BYTES=1024 * 1024)
def test_file_at_the_size_limit_is_read(world):
    data = csv_bytes([HEADER, ROW_A])
    at_limit = data + b"\r\n" * ((1024 * 1024 - len(data)) // 2)
    assert len(at_limit) <= 1024 * 1024
    assert _import(at_limit).ok


def _numbered_rows(count):
    return [
        ["Organisation A", "Rotterdam", f"Row {n}", "Turks", "men", "running", ""]
        for n in range(count)
    ]


@override_settings(STETAPP_IMPORT_MAX_ROWS=3)
def test_too_many_rows_csv(world):
    assert (
        _file_error(csv_bytes([HEADER, *_numbered_rows(4)]))
        == "The file has too many rows (at most 3)."
    )
    assert _import(csv_bytes([HEADER, *_numbered_rows(3)])).ok
    assert _new_groups() == ["Row 0", "Row 1", "Row 2"]


@override_settings(STETAPP_IMPORT_MAX_ROWS=3)
def test_too_many_rows_xlsx(world):
    data = xlsx_bytes([HEADER, *_numbered_rows(4)])
    assert _file_error(data, "big.xlsx") == "The file has too many rows (at most 3)."
    assert _new_groups() == []


@override_settings(STETAPP_IMPORT_MAX_ROWS=3)
def test_xlsx_blank_rows_do_not_hide_rows_over_the_limit(world):
    # Regression: blank rows used to count towards the limit, so rows 4 and 5 were
    # silently dropped and the first three imported.
    empty = [None] * len(HEADER)
    data = xlsx_bytes([HEADER, empty, empty, *_numbered_rows(4)])
    assert _file_error(data, "gaps.xlsx") == "The file has too many rows (at most 3)."
    assert _new_groups() == []


@override_settings(STETAPP_IMPORT_MAX_ROWS=3)
def test_xlsx_blank_rows_within_the_limit_lose_nothing(world):
    empty = [None] * len(HEADER)
    rows = _numbered_rows(3)
    data = xlsx_bytes([HEADER, empty, rows[0], empty, empty, rows[1], rows[2], empty])
    result = _import(data, "gaps.xlsx")
    assert result.ok
    assert _new_groups() == ["Row 0", "Row 1", "Row 2"]


@override_settings(STETAPP_IMPORT_MAX_ROWS=3)
def test_xlsx_error_line_numbers_count_blank_rows(world):
    empty = [None] * len(HEADER)
    bad = ["Organisation A", "Atlantis", "Bad", "Turks", "men", "running", ""]
    result = _import(xlsx_bytes([HEADER, empty, _numbered_rows(1)[0], empty, bad]), "gaps.xlsx")
    assert _errors(result) == ["line 5: unknown city “Atlantis”"]


# --- the upload page -------------------------------------------------------------------

URL = reverse("group_import")


def _upload(client, data, name="groups.csv", content_type="text/csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type=content_type)})


def test_page_shows_the_form(world):
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    assert "Import groups" in response.text


def test_lead_uploads_csv(world):
    client = world.client_for("lead_a")
    response = _upload(client, csv_bytes([HEADER, ROW_A, ROW_B]))
    assert response.status_code == 302
    assert response.url == reverse("group_list")
    assert "2 groups imported." in client.get(response.url).text
    assert sorted(
        Group.objects.filter(organisation=world.org_a).values_list("name", flat=True)
    ) == [
        "Group A1",
        "Group A2",
        "Marokkaanse mannen Charlois",
        "Turkse vrouwen Feijenoord",
    ]


def test_lead_uploads_xlsx(world):
    data = xlsx_bytes(
        [
            HEADER,
            [
                "Organisation A",
                "Rotterdam",
                "Uit Excel",
                "Turks",
                "vrouwen",
                "actief",
                dt.date(2025, 1, 6),
            ],
        ]
    )
    response = _upload(
        world.client_for("lead_a"),
        data,
        name="groepen.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 302
    assert Group.objects.get(name="Uit Excel").start_date == dt.date(2025, 1, 6)


def test_lead_cannot_import_into_another_organisation(world):
    rows = [HEADER, ROW_A, ["Organisation B", "GM0518", "Sneaky", "Turks", "men", "running", ""]]
    response = _upload(world.client_for("lead_a"), csv_bytes(rows))
    assert response.status_code == 200
    assert [str(e) for e in response.context["result"].errors] == [
        "line 3: unknown organisation “Organisation B”"
    ]
    assert "line 3: unknown organisation “Organisation B”" in response.text
    assert "1 row has an error. Nothing was imported" in response.text
    assert _new_groups() == []


def test_coordinator_imports_into_programme_organisations(world):
    rows = [
        HEADER,
        ROW_A,
        ["Organisation B", "GM0518", "Haagse groep", "Moluks", "gemengd", "werving", ""],
    ]
    response = _upload(world.client_for("coordinator"), csv_bytes(rows))
    assert response.status_code == 302
    assert _new_groups() == ["Haagse groep", "Turkse vrouwen Feijenoord"]
    assert Group.objects.get(name="Haagse groep").organisation == world.org_b


def test_coordinator_cannot_import_outside_the_programme(world, org_c):
    rows = [
        HEADER,
        ROW_A,
        ["Organisation C", "Utrecht", "Utrechtse groep", "Turks", "men", "running", ""],
    ]
    response = _upload(world.client_for("coordinator"), csv_bytes(rows))
    assert response.status_code == 200
    assert [str(e) for e in response.context["result"].errors] == [
        "line 3: unknown organisation “Organisation C”"
    ]
    assert _new_groups() == []


def test_coordinator_who_also_leads_an_outside_organisation(world, org_c):
    grant_role(world.users["coordinator"], Role.PROJECT_LEAD, org_c)
    rows = [
        HEADER,
        ROW_A,
        ["Organisation C", "Utrecht", "Utrechtse groep", "Turks", "men", "running", ""],
    ]
    response = _upload(world.client_for("coordinator"), csv_bytes(rows))
    assert response.status_code == 302
    assert _new_groups() == ["Turkse vrouwen Feijenoord", "Utrechtse groep"]


def test_several_errors_on_the_page(world):
    rows = [
        HEADER,
        ["Organisation A", "Atlantis", "X", "Turks", "men", "running", ""],
        ["Organisation A", "Rotterdam", "Y", "Turks", "men", "busy", ""],
    ]
    response = _upload(world.client_for("lead_a"), csv_bytes(rows))
    assert response.status_code == 200
    assert "2 rows have errors. Nothing was imported" in response.text
    assert "line 2: unknown city “Atlantis”" in response.text
    assert "line 3: status “busy” is not one of" in response.text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4", "groups.pdf", "Upload a .csv or .xlsx file."),
        (PNG, "groups.csv", "This is not a CSV or Excel file."),
        (bytes(range(256)), "groups.xlsx", "This is not a readable Excel (.xlsx) file."),
        (csv_bytes([HEADER]), "groups.csv", "The file has a header but no rows."),
    ],
)
def test_unreadable_file_on_the_page(world, data, name, message):
    response = _upload(
        world.client_for("lead_a"), data, name=name, content_type="application/octet-stream"
    )
    assert response.status_code == 200
    assert response.context["file_error"] == message
    assert f"{message} Nothing was imported." in response.text
    assert _new_groups() == []


def test_empty_upload_is_a_form_error(world):
    response = _upload(world.client_for("lead_a"), b"")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The submitted file is empty."]


def test_no_file_is_a_form_error(world):
    # (An empty POST is an unbound form; a browser always sends the CSRF token.)
    response = world.client_for("lead_a").post(URL, {"other": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]


@override_settings(STETAPP_IMPORT_MAX_BYTES=1024 * 1024)
def test_too_large_upload_on_the_page(world):
    data = csv_bytes([HEADER, ROW_A])
    with mock.patch("groups.views.import_groups", wraps=import_groups) as spy:
        response = _upload(world.client_for("lead_a"), data + b" " * (2 * 1024 * 1024))
    assert response.status_code == 200
    assert response.context["file_error"] == "The file is too large (at most 1 MB)."
    assert _new_groups() == []
    # The view reads one byte past the limit, never the whole upload.
    assert len(spy.call_args.kwargs["data"]) == 1024 * 1024 + 1


@override_settings(STETAPP_IMPORT_MAX_ROWS=2)
def test_too_many_rows_on_the_page(world):
    response = _upload(world.client_for("lead_a"), csv_bytes([HEADER, *_numbered_rows(3)]))
    assert response.context["file_error"] == "The file has too many rows (at most 2)."
    assert _new_groups() == []


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "funder"]
)
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(URL).status_code == 403
    assert _upload(client, csv_bytes([HEADER, ROW_A])).status_code == 403
    assert _new_groups() == []


def test_anonymous_is_sent_to_sign_in(world):
    response = _upload(world.client_for("anonymous"), csv_bytes([HEADER, ROW_A]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _new_groups() == []


def test_wrong_method(world):
    assert world.client_for("lead_a").put(URL).status_code == 405


# --- the management command ------------------------------------------------------------


def test_command_imports(world, org_c, tmp_path, capsys):
    path = tmp_path / "groups.csv"
    path.write_bytes(
        csv_bytes(
            [
                HEADER,
                ROW_A,
                ["Organisation C", "Utrecht", "Utrechtse groep", "Turks", "men", "running", ""],
            ]
        )
    )
    out = io.StringIO()
    call_command("import_groups", str(path), stdout=out)
    assert out.getvalue().strip() == "2 groups imported."
    # The command may import into any organisation, even one outside every programme.
    assert Group.objects.get(name="Utrechtse groep").organisation == org_c


def test_command_imports_xlsx(world, tmp_path):
    path = tmp_path / "groups.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ROW_A]))
    out = io.StringIO()
    call_command("import_groups", str(path), stdout=out)
    assert out.getvalue().strip() == "1 group imported."


def test_command_bad_rows_import_nothing(world, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_bytes(
        csv_bytes(
            [
                HEADER,
                ROW_A,
                ["Organisation A", "Atlantis", "X", "Turks", "men", "running", ""],
                ["Nope", "Rotterdam", "Y", "Turks", "men", "running", ""],
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_groups", str(path), stderr=err)
    assert str(exc.value) == "2 rows have errors; nothing was imported."
    assert err.getvalue().splitlines() == [
        "line 3: unknown city “Atlantis”",
        "line 4: unknown organisation “Nope”",
    ]
    assert _new_groups() == []


def test_command_unreadable_file(world, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as exc:
        call_command("import_groups", str(path))
    assert str(exc.value) == "The file is empty. Nothing was imported."


def test_command_missing_file(world, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("import_groups", str(tmp_path / "nope.csv"))
    assert str(exc.value) == f"No such file: {tmp_path / 'nope.csv'}"
