"""Importing participants from CSV/XLSX: the importer, the upload page
/participants/import/ (project leads) and the `import_participants` management command.
All rows or none; errors name the spreadsheet line (the header is line 1)."""

import base64
import csv
import datetime as dt
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from groups.importers import ImportFileError
from groups.models import Group
from participants.importers import import_participants
from participants.models import Enrolment, Participant
from tests.factories import GroupFactory

HEADER = [
    "name",
    "group",
    "phone",
    "postcode",
    "birth year",
    "gender",
    "community",
    "preferred language",
    "languages",
    "channel",
    "status",
]
ROW_1 = [
    "Fatma Kaya",
    "Group A1",
    "06 1234 5678",
    "3072ab",
    "1952",
    "woman",
    "Turkish",
    "tr",
    "tr, nl",
    "mosque",
    "contacted",
]
ROW_2 = ["Hassan Amrani", "group a2", "", "", "", "", "", "", "", "", "joined"]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
BEFORE = {"Ayse Demir", "Ruth Kromo"}


def csv_bytes(rows, *, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _groups(world):
    """The groups lead_a may import into: those of organisation A."""
    return Group.objects.filter(organisation=world.org_a)


def _import(world, data, filename="people.csv", **kwargs):
    return import_participants(data=data, filename=filename, groups=_groups(world), **kwargs)


def _errors(result):
    return [str(error) for error in result.errors]


def _new_people():
    return sorted(
        Participant.objects.exclude(full_name__in=BEFORE).values_list("full_name", flat=True)
    )


# --- happy paths -------------------------------------------------------------------------


def test_comma_csv(world):
    result = _import(world, csv_bytes([HEADER, ROW_1, ROW_2]), created_by=world.users["lead_a"])
    assert result.ok, _errors(result)
    assert len(result.created) == 2
    fatma = Participant.objects.get(full_name="Fatma Kaya")
    assert fatma.group == world.group_a1
    assert fatma.phone == "06 1234 5678"
    assert fatma.postcode == "3072 AB"
    assert fatma.birth_year == 1952
    assert fatma.gender == "woman"
    assert fatma.community == "Turkish"
    assert fatma.preferred_language == "tr"
    assert fatma.languages == ["tr", "nl"]
    assert fatma.channel == "mosque"
    assert fatma.status == "contacted"
    assert fatma.created_by == world.users["lead_a"]
    assert not fatma.enrolments.exists()
    hassan = Participant.objects.get(full_name="Hassan Amrani")
    assert hassan.group == world.group_a2
    assert hassan.gender == "unknown"
    assert hassan.channel == "other"
    assert hassan.birth_year is None
    # Enrolling raised the version: the importer is who saved last (decision 46).
    assert (hassan.version, hassan.updated_by) == (2, world.users["lead_a"])


def test_joined_people_are_enrolled_today(world):
    _import(world, csv_bytes([HEADER, ROW_2]))
    hassan = Participant.objects.get(full_name="Hassan Amrani")
    assert hassan.status == "joined"
    enrolment = Enrolment.objects.get(participant=hassan)
    assert enrolment.group == world.group_a2
    assert enrolment.joined_on == dt.date.today()  # noqa: DTZ011 (the test's local day)
    assert enrolment.left_on is None


def test_other_statuses_are_set_without_enrolment(world):
    rows = [["name", "group", "status"]]
    statuses = ["intake_planned", "intake done", "waiting_list", "declined", "referred"]
    rows += [[f"Person {n}", "Group A1", status] for n, status in enumerate(statuses)]
    result = _import(world, csv_bytes(rows))
    assert result.ok, _errors(result)
    assert sorted(
        Participant.objects.filter(full_name__startswith="Person ").values_list("status", flat=True)
    ) == sorted(["intake_planned", "intake_done", "waiting_list", "declined", "referred"])
    assert not Enrolment.objects.filter(participant__full_name__startswith="Person ").exists()


def test_semicolon_csv_with_bom_and_dutch_headers_and_values(world):
    rows = [
        [
            "Naam",
            "Groep",
            "Telefoon",
            "Postcode",
            "Geboortejaar",
            "Geslacht",
            "Achtergrond",
            "Voorkeurstaal",
            "Talen",
            "Kanaal",
            "Status",
        ],
        [
            "Zeynep Arslan",
            "Group A1",
            "+31 6 1111 3333",
            "3011 AB",
            "1950",
            "vrouw",
            "Turks",
            "Turks",
            "tr; nl",
            "sleutelfiguur",
            "intake gepland",
        ],
        [
            "Mohamed Bakkali",
            "Group A2",
            "",
            "",
            "1948",
            "man",
            "Marokkaans",
            "Arabisch",
            "ar",
            "huisarts",
            "deelnemer",
        ],
        [
            "Els de Vries",
            "Group A1",
            "",
            "",
            "",
            "anders",
            "",
            "Nederlands",
            "",
            "welzijn op recept",
            "wachtlijst",
        ],
        ["Joyce Pinas", "Group A1", "", "", "", "", "", "nl", "", "kerk", "afgezien"],
        ["Ali Yilmaz", "Group A1", "", "", "", "", "", "", "", "moskee", "doorverwezen"],
        ["Sevda Koç", "Group A1", "", "", "", "", "", "", "", "partnerorganisatie", "benaderd"],
        ["Rachid El Idrissi", "Group A2", "", "", "", "", "", "", "", "netwerk", "gestart"],
        ["Naima Ouali", "Group A1", "", "", "", "", "", "", "", "deelnemer", "intake gedaan"],
        ["Kees Flyer", "Group A1", "", "", "", "", "", "", "", "flyer", ""],
        ["Anouk Anders", "Group A1", "", "", "", "", "", "", "", "anders", ""],
    ]
    result = _import(world, csv_bytes(rows, delimiter=";", bom=True))
    assert result.ok, _errors(result)
    people = {p.full_name: p for p in Participant.objects.exclude(full_name__in=BEFORE)}
    assert len(people) == 10
    zeynep = people["Zeynep Arslan"]
    assert (zeynep.gender, zeynep.preferred_language, zeynep.languages) == (
        "woman",
        "tr",
        ["tr", "nl"],
    )
    assert (zeynep.channel, zeynep.status) == ("key_figure", "intake_planned")
    assert people["Mohamed Bakkali"].preferred_language == "ar"
    assert (people["Mohamed Bakkali"].channel, people["Mohamed Bakkali"].status) == ("gp", "joined")
    assert people["Els de Vries"].gender == "other"
    assert people["Els de Vries"].preferred_language == "nl"
    assert people["Els de Vries"].channel == "social_prescribing"
    assert people["Els de Vries"].status == "waiting_list"
    assert (people["Joyce Pinas"].channel, people["Joyce Pinas"].status) == ("church", "declined")
    assert (people["Ali Yilmaz"].channel, people["Ali Yilmaz"].status) == ("mosque", "referred")
    assert (people["Sevda Koç"].channel, people["Sevda Koç"].status) == ("partner", "contacted")
    assert people["Rachid El Idrissi"].channel == "network"
    assert people["Rachid El Idrissi"].status == "joined"
    assert people["Naima Ouali"].channel == "participant"
    assert people["Naima Ouali"].status == "intake_done"
    assert people["Kees Flyer"].channel == "flyer"
    assert people["Anouk Anders"].channel == "other"


def test_english_labels_for_languages(world):
    rows = [
        ["name", "group", "preferred language", "languages"],
        ["A", "Group A1", "Tamazight", "Turkish, Sranan Tongo, Bosnian/Croatian/Serbian"],
    ]
    result = _import(world, csv_bytes(rows))
    assert result.ok, _errors(result)
    person = Participant.objects.get(full_name="A")
    assert person.preferred_language == "ber"
    assert person.languages == ["tr", "srn", "bs"]


def test_xlsx(world):
    rows = [HEADER, [*ROW_1[:4], 1952, *ROW_1[5:]], ROW_2]
    result = _import(world, xlsx_bytes(rows), filename="people.xlsx")
    assert result.ok, _errors(result)
    assert _new_people() == ["Fatma Kaya", "Hassan Amrani"]
    assert Participant.objects.get(full_name="Fatma Kaya").birth_year == 1952


def test_extra_columns_and_order_do_not_matter(world):
    rows = [["notes", "group", "name"], ["ignored", "Group A1", "Someone"]]
    assert _import(world, csv_bytes(rows)).ok
    assert _new_people() == ["Someone"]


# --- all or none -------------------------------------------------------------------------


def test_one_bad_row_imports_nothing(world):
    bad = ["Ömer Kaya", *ROW_1[1:4], "19x2", *ROW_1[5:]]
    result = _import(world, csv_bytes([HEADER, ROW_1, bad, ROW_2]))
    assert not result.ok
    assert result.created == []
    assert _errors(result) == [
        f"line 3: birth year “19x2” is not a year between 1900 and {dt.date.today().year}"  # noqa: DTZ011
    ]
    assert _new_people() == []
    assert Enrolment.objects.count() == 2  # Ayse's and Ruth's


def test_several_errors_are_all_listed(world):
    rows = [
        HEADER,
        ["", "Group A1", "call me", "12345", "1850", "female", "", "xx", "tr, zz", "tv", "busy"],
        ROW_1,
        ["Someone", "", "", "3011", "", "", "", "", "", "", ""],
        ["Else", "Group A1", "", "", str(dt.date.today().year + 1), "", "", "", "", "", ""],  # noqa: DTZ011
    ]
    result = _import(world, csv_bytes(rows))
    errors = _errors(result)
    assert len(errors) == 3
    assert errors[0].startswith("line 2: name is empty; ")
    for part in [
        "phone “call me” is not a phone number",
        "postcode “12345” is not a Dutch postcode like 1234 AB",
        "birth year “1850” is not a year between 1900",
        "gender “female” is not woman, man or other",
        "unknown preferred language “xx”",
        "unknown language “zz”",
        "channel “tv” is not one of: key_figure, gp,",
        "status “busy” is not one of: contacted, intake_planned,",
    ]:
        assert part in errors[0]
    assert errors[1] == (
        "line 4: group is empty; postcode “3011” is not a Dutch postcode like 1234 AB"
    )
    assert errors[2].startswith("line 5: birth year")
    assert _new_people() == []


def test_line_numbers_count_empty_lines(world):
    rows = [HEADER, ROW_1, [], ["", "Group A1"]]
    result = _import(world, csv_bytes(rows))
    assert _errors(result) == ["line 4: name is empty"]


def test_unknown_group(world):
    result = _import(world, csv_bytes([["name", "group"], ["A", "No such group"]]))
    assert _errors(result) == ["line 2: unknown group “No such group”"]


def test_group_of_another_organisation_is_unknown(world):
    result = _import(world, csv_bytes([["name", "group"], ["A", "Group B1"]]))
    assert _errors(result) == ["line 2: unknown group “Group B1”"]
    assert _new_people() == []


def test_group_name_shared_by_two_of_the_leads_organisations(world):
    GroupFactory(organisation=world.org_b, name="Group A1")
    both = Group.objects.filter(organisation__in=[world.org_a, world.org_b])
    result = import_participants(
        data=csv_bytes([["name", "group"], ["A", "group a1"]]), filename="x.csv", groups=both
    )
    assert _errors(result) == ["line 2: more than one of your organisations has a group “group a1”"]


def test_same_person_twice(world):
    rows = [HEADER, ROW_1, ROW_1]
    assert _errors(_import(world, csv_bytes(rows))) == ["line 3: the same person is on line 2 too"]
    assert _import(world, csv_bytes([HEADER, ROW_1])).ok
    # Importing the same file again registers nobody twice.
    assert _errors(_import(world, csv_bytes([HEADER, ROW_1]))) == [
        "line 2: Fatma Kaya is already registered for Group A1"
    ]
    assert Participant.objects.filter(full_name="Fatma Kaya").count() == 1


def test_overlong_values_are_row_errors(world):
    rows = [["name", "group", "community"], ["x" * 151, "Group A1", "y" * 101]]
    errors = _errors(_import(world, csv_bytes(rows)))
    assert len(errors) == 1
    assert errors[0].startswith("line 2: name: Ensure this value has at most 150 characters")
    assert "community: Ensure this value has at most 100 characters" in errors[0]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("1955", True), ("1900", True), ("55", False), ("1955.5", False), ("-1955", False)],
)
def test_birth_year(world, value, ok):
    result = _import(world, csv_bytes([["name", "group", "birth year"], ["A", "Group A1", value]]))
    assert result.ok is ok


def test_young_person_is_a_warning_not_an_error(world):
    result = _import(world, csv_bytes([["name", "group", "birth year"], ["A", "Group A1", "1990"]]))
    assert result.ok
    assert Participant.objects.get(full_name="A").age_warning


# --- the file as a whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"\r\n\r\n", "people.csv", "The file is empty."),
        (csv_bytes([HEADER]), "people.csv", "The file has a header but no rows."),
        (os.urandom(2048).replace(b"PK", b"pk"), "people.xlsx", "not a readable Excel"),
        (b"PK\x03\x04" + b"\x00" * 100, "people.csv", "not a readable Excel"),
        (PNG, "people.csv", "This is not a CSV or Excel file."),
        (b"name,group\nA,B", "people.pdf", "Upload a .csv or .xlsx file."),
        (csv_bytes([["naam"], ["A"]]), "people.csv", "Missing columns: group."),
        (csv_bytes([["who", "where"], ["A", "B"]]), "people.csv", "Missing columns: name, group."),
    ],
)
def test_file_errors(world, data, filename, message):
    with pytest.raises(ImportFileError, match=message.replace(".", r"\.")):
        _import(world, data, filename)
    assert _new_people() == []


@override_settings(STETAPP_IMPORT_MAX_BYTES=100)
def test_too_large(world):
    with pytest.raises(ImportFileError, match="too large"):
        _import(world, csv_bytes([HEADER, ROW_1, ROW_1, ROW_1]))


@override_settings(STETAPP_IMPORT_MAX_ROWS=2)
@pytest.mark.parametrize("filename", ["people.csv", "people.xlsx"])
def test_too_many_rows(world, filename):
    rows = [["name", "group"], *[[f"P{n}", "Group A1"] for n in range(3)]]
    data = csv_bytes(rows) if filename.endswith(".csv") else xlsx_bytes(rows)
    with pytest.raises(ImportFileError, match="too many rows"):
        _import(world, data, filename)


# --- the web page ------------------------------------------------------------------------


URL = "/participants/import/"


def _upload(client, data, name="people.csv"):
    return client.post(reverse("participant_import"), {"file": SimpleUploadedFile(name, data)})


def test_public_path():
    assert reverse("participant_import") == URL


def test_page(world):
    response = world.client_for("lead_a").get(reverse("participant_import"))
    assert response.status_code == 200
    assert "Import participants" in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_one_person_imported_reads_right(world):
    client = world.client_for("lead_a")
    response = _upload(client, csv_bytes([HEADER, ROW_1]))
    assert "1 person imported." in client.get(response.url).text


def test_upload_as_lead(world):
    client = world.client_for("lead_a")
    response = _upload(client, csv_bytes([HEADER, ROW_1, ROW_2]))
    assert response.status_code == 302
    assert response.url == reverse("participant_import")
    assert "2 people imported." in client.get(response.url).text
    assert _new_people() == ["Fatma Kaya", "Hassan Amrani"]
    assert Participant.objects.get(full_name="Fatma Kaya").created_by == world.users["lead_a"]


def test_upload_with_row_errors(world):
    response = _upload(
        world.client_for("lead_a"), csv_bytes([HEADER, ROW_1, ["X", "Group B1"], ["", "Group A1"]])
    )
    assert response.status_code == 200
    assert "2 rows have errors. Nothing was imported" in response.text
    assert "line 3: unknown group “Group B1”" in response.text
    assert "line 4: name is empty" in response.text
    assert _new_people() == []


def test_upload_not_a_spreadsheet(world):
    response = _upload(world.client_for("lead_a"), PNG, "photo.csv")
    assert response.status_code == 200
    assert "This is not a CSV or Excel file. Nothing was imported." in response.text


def test_upload_without_a_file(world):
    response = world.client_for("lead_a").post(reverse("participant_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


@override_settings(STETAPP_IMPORT_MAX_BYTES=50)
def test_upload_too_large(world):
    response = _upload(world.client_for("lead_a"), csv_bytes([HEADER, ROW_1]))
    assert response.status_code == 200
    assert "The file is too large" in response.text


def test_hostile_values_are_escaped(world):
    rows = [["name", "group"], ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]]
    response = _upload(world.client_for("lead_a"), csv_bytes(rows))
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "<img src=x" not in response.text


@pytest.mark.parametrize(
    "persona",
    ["outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "coordinator", "funder"],
)
def test_only_project_leads(world, persona):
    client = world.client_for(persona)
    assert client.get(reverse("participant_import")).status_code == 403
    assert _upload(client, csv_bytes([HEADER, ROW_1])).status_code == 403
    assert _new_people() == []


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(reverse("participant_import"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method(world):
    response = world.client_for("lead_a").put(reverse("participant_import"))
    assert response.status_code == 405


# --- the management command ----------------------------------------------------------------


def test_command(world, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([HEADER, ROW_1, ROW_2]))
    call_command("import_participants", str(path), "--organisation", "organisation a")
    assert "2 participants imported." in capsys.readouterr().out
    assert _new_people() == ["Fatma Kaya", "Hassan Amrani"]


def test_command_with_errors(world, tmp_path, capsys):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ROW_1, ["X", "Group B1"]]))
    with pytest.raises(CommandError, match="1 row has an error; nothing was imported"):
        call_command("import_participants", str(path), "--organisation", "Organisation A")
    assert "line 3: unknown group “Group B1”" in capsys.readouterr().err
    assert _new_people() == []


def test_command_unknown_organisation(world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([HEADER, ROW_1]))
    with pytest.raises(CommandError, match="No organisation named"):
        call_command("import_participants", str(path), "--organisation", "Nope")


def test_command_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command(
            "import_participants", str(tmp_path / "nope.csv"), "--organisation", "Organisation A"
        )


def test_command_file_error(world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty. Nothing was imported."):
        call_command("import_participants", str(path), "--organisation", "Organisation A")
