"""Imports forgive what people type (issue 12, item 7): the header `group`, everyday city
names with suggestions for typos, one language per message, and organisations imported
like groups (docs/import-formats.md)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from groups.importers import ImportFileError, import_groups, import_organisations
from groups.models import Group, Organisation, Programme
from tests.factories import ProgrammeFactory, Role, UserFactory, grant_role
from tests.groups.test_import import csv_bytes, xlsx_bytes

GROUP_HEADER = ["organisation", "city", "group", "community", "composition", "status"]


def _group_row(city="Rotterdam", name="Nieuwe groep"):
    return ["Organisation A", city, name, "Turks", "women", "running"]


def _groups(rows):
    return import_groups(data=csv_bytes([GROUP_HEADER, *rows]), filename="g.csv")


def _errors(result):
    return [str(error) for error in result.errors]


# --- groups: headers and cities ---------------------------------------------------------


def test_header_group_names_the_group(world):
    result = _groups([_group_row()])
    assert result.ok
    assert Group.objects.filter(name="Nieuwe groep", organisation=world.org_a).exists()


@pytest.mark.parametrize(
    ("typed", "cbs"),
    [
        ("Den Haag", "GM0518"),
        ("den haag", "GM0518"),
        ("The Hague", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("'s-Hertogenbosch", "GM0796"),
        ("s-Gravenhage", "GM0518"),
        ("’s Gravenhage", "GM0518"),
        ("Sudwest-Fryslan", "GM1900"),
        ("bergen nh", "GM0373"),
        ("gm0599", "GM0599"),
        ("Nuenen", "GM0820"),
    ],
)
def test_everyday_city_names(world, typed, cbs):
    result = _groups([_group_row(city=typed)])
    assert _errors(result) == []
    assert Group.objects.get(name="Nieuwe groep").city.cbs_code == cbs


def test_unknown_city_suggests_the_nearest_names(world):
    result = _groups([_group_row(city="Rotterdm"), _group_row(city="Den Hag", name="Twee")])
    assert _errors(result) == [
        "line 2: unknown city “Rotterdm”; did you mean: Rotterdam?",
        "line 3: unknown city “Den Hag”; did you mean: Den Haag?",
    ]
    assert not Group.objects.filter(name__in=["Nieuwe groep", "Twee"]).exists()


def test_an_ambiguous_name_suggests_every_match(world):
    assert _errors(_groups([_group_row(city="Bergen")])) == [
        "line 2: unknown city “Bergen”; did you mean: Bergen (L.), Bergen (NH.), Bergen op Zoom?"
    ]


def test_unknown_city_without_a_near_name(world):
    assert _errors(_groups([_group_row(city="Qqqqqq")])) == ["line 2: unknown city “Qqqqqq”"]


# --- one language ------------------------------------------------------------------------


def test_row_messages_in_dutch_are_all_dutch(world):
    rows = [["Organisation A", "Rotterdm", "X", "Turks", "both", "busy"]]
    with translation.override("nl"):
        errors = _errors(_groups(rows))
    assert errors == [
        "regel 2: onbekende gemeente “Rotterdm”; bedoelde je: Rotterdam?; "
        "samenstelling “both” is niet vrouwen, mannen of gemengd; "
        "status “busy” is niet een van deze waarden: "
        "voorbereiding, werving, actief, voortzetting, afgerond"
    ]


def test_missing_columns_are_named_in_the_language_of_the_message(world):
    data = csv_bytes([["organisatie", "groep"], ["Organisation A", "X"]])
    with translation.override("nl"), pytest.raises(ImportFileError) as exc:
        import_groups(data=data, filename="g.csv")
    assert str(exc.value).startswith(
        "Deze kolommen ontbreken: gemeente, achtergrond, samenstelling, status."
    )
    with pytest.raises(ImportFileError) as exc:
        import_groups(data=data, filename="g.csv")
    assert str(exc.value).startswith("Missing columns: city, community, composition, status.")


def test_participant_status_choices_in_dutch(world):
    from participants.importers import import_participants

    data = csv_bytes([["naam", "groep", "status"], ["Fatma Yilmaz", "Group A1", "bezig"]])
    with translation.override("nl"):
        errors = _errors(
            import_participants(
                data=data, filename="p.csv", groups=Group.objects.filter(organisation=world.org_a)
            )
        )
    assert errors == [
        "regel 2: status “bezig” is niet een van deze waarden: benaderd, intake gepland, "
        "intake gedaan, deelnemer, wachtlijst, afgezien, doorverwezen"
    ]


def test_group_command_speaks_dutch_from_first_to_last_line(world, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_bytes(csv_bytes([GROUP_HEADER, _group_row(), _group_row(city="Atlantis", name="Y")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_groups", str(path), "--language", "nl", stderr=err)
    assert str(exc.value) == "1 rij heeft een fout; er is niets geïmporteerd."
    assert err.getvalue().splitlines() == ["regel 3: onbekende gemeente “Atlantis”"]
    path.write_bytes(csv_bytes([GROUP_HEADER, _group_row()]))
    out = io.StringIO()
    call_command("import_groups", str(path), "--language", "nl", stdout=out)
    assert out.getvalue().strip() == "1 groep geïmporteerd."
    with pytest.raises(CommandError) as exc:
        call_command("import_groups", str(tmp_path / "nope.csv"), "--language", "nl")
    assert str(exc.value).startswith("Dit bestand bestaat niet: ")


def test_participant_command_speaks_english_when_asked(world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"")
    with translation.override("nl"), pytest.raises(CommandError) as exc:
        call_command(
            "import_participants",
            str(path),
            "--organisation",
            "Organisation A",
            "--language",
            "en",
        )
    assert str(exc.value) == "The file is empty. Nothing was imported."
    with translation.override("nl"), pytest.raises(CommandError) as exc:
        call_command("import_participants", str(path), "--organisation", "Nope")
    assert str(exc.value) == "Geen organisatie met de naam “Nope”."


# --- organisations ------------------------------------------------------------------------

ORG_HEADER = ["name", "city", "kvk number", "school region"]
ORG_ROWS = [
    ["Stichting Samen Den Haag", "Den Haag", "12345678", "south"],
    ["Buurtwerk Bosch", "Den Bosch", "", ""],
]
URL_NAME = "organisation_import"


def _orgs(rows, programme, header=ORG_HEADER, filename="orgs.csv"):
    data = csv_bytes([header, *rows]) if filename.endswith(".csv") else xlsx_bytes([header, *rows])
    return import_organisations(data=data, filename=filename, programme=programme)


def test_organisations_are_created_in_the_programme(world):
    result = _orgs(ORG_ROWS, world.programme)
    assert _errors(result) == []
    first = Organisation.objects.get(name="Stichting Samen Den Haag")
    second = Organisation.objects.get(name="Buurtwerk Bosch")
    assert (first.city.cbs_code, first.kvk_number, first.school_region) == (
        "GM0518",
        "12345678",
        "Zuid",
    )
    assert (second.city.cbs_code, second.kvk_number, second.school_region) == (
        "GM0796",
        "",
        "Midden",
    )
    assert set(world.programme.organisations.filter(pk__in=[first.pk, second.pk])) == {
        first,
        second,
    }


def test_organisations_from_xlsx_with_dutch_headers(world):
    result = _orgs(
        [["Wijkcentrum Oost", "Rotterdam", "8765 4321", "noord"]],
        world.programme,
        header=["Naam", "Gemeente", "KvK-nummer", "Schoolregio"],
        filename="orgs.xlsx",
    )
    assert _errors(result) == []
    organisation = Organisation.objects.get(name="Wijkcentrum Oost")
    assert (organisation.kvk_number, organisation.school_region) == ("87654321", "Noord")


def test_one_bad_organisation_row_imports_nothing_and_says_why(world):
    rows = [
        ORG_ROWS[0],
        ["Organisation A", "Rotterdm", "123", "west"],
        ["", "Utrecht", "", ""],
        ["stichting samen den haag", "Utrecht", "", ""],
    ]
    result = _orgs(rows, world.programme)
    assert _errors(result) == [
        "line 3: an organisation “Organisation A” already exists; "
        "unknown city “Rotterdm”; did you mean: Rotterdam?; "
        "KvK number “123” does not have 8 digits; "
        "school region “west” is not one of: north, middle, south",
        "line 4: organisation name is empty",
        "line 5: the same organisation is on line 2 too",
    ]
    assert not Organisation.objects.filter(name="Stichting Samen Den Haag").exists()


def test_organisation_file_without_a_city_column(world):
    with pytest.raises(ImportFileError) as exc:
        _orgs([["X"]], world.programme, header=["name"])
    assert str(exc.value) == "Missing columns: city. Found: name."


def _upload(client, programme, data, name="orgs.csv"):
    return client.post(
        reverse(URL_NAME, args=[programme.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def test_coordinator_imports_on_the_page(world):
    client = world.client_for("coordinator")
    page = client.get(reverse(URL_NAME, args=[world.programme.pk]))
    assert page.status_code == 200
    assert "Import organisations" in page.text
    assert (
        reverse(URL_NAME, args=[world.programme.pk])
        in client.get(reverse("organisation_list")).text
    )
    response = _upload(client, world.programme, csv_bytes([ORG_HEADER, *ORG_ROWS]))
    assert response.status_code == 302
    assert response.url == reverse("organisation_list")
    assert "2 organisations imported." in client.get(response.url).text
    assert world.programme.organisations.filter(name="Buurtwerk Bosch").exists()


def test_page_shows_row_errors_and_imports_nothing(world):
    client = world.client_for("coordinator")
    response = _upload(
        client, world.programme, csv_bytes([ORG_HEADER, ORG_ROWS[0], ["Y", "Atlantis", "", ""]])
    )
    assert response.status_code == 200
    assert "line 3: unknown city “Atlantis”" in response.text
    assert "Nothing was imported" in response.text
    assert not Organisation.objects.filter(name="Stichting Samen Den Haag").exists()


def test_site_admin_may_import(world):
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    client = world.client_for("outsider")
    client.force_login(admin)
    response = _upload(client, world.programme, csv_bytes([ORG_HEADER, ORG_ROWS[1]]))
    assert response.status_code == 302


def test_coordinator_of_another_programme_gets_404(world):
    other = ProgrammeFactory(name="Other programme")
    user = UserFactory(email="other.coordinator@example.org")
    grant_role(user, Role.PROGRAMME_COORDINATOR, other)
    client = world.client_for("outsider")
    client.force_login(user)
    response = _upload(client, world.programme, csv_bytes([ORG_HEADER, ORG_ROWS[1]]))
    assert response.status_code == 404
    assert not Organisation.objects.filter(name="Buurtwerk Bosch").exists()


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "funder", "outsider"])
def test_other_roles_get_403(world, persona):
    response = world.client_for(persona).get(reverse(URL_NAME, args=[world.programme.pk]))
    assert response.status_code == 403


def test_organisation_command(world, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([ORG_HEADER, *ORG_ROWS]))
    out = io.StringIO()
    call_command("import_organisations", str(path), "--programme", "ste programme", stdout=out)
    assert out.getvalue().strip() == "2 organisations imported."
    assert (
        Programme.objects.get(pk=world.programme.pk)
        .organisations.filter(name="Buurtwerk Bosch")
        .exists()
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_organisations", str(path), "--programme", "Nope")
    assert str(exc.value) == "No programme named “Nope”."
