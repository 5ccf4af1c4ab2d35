"""Control characters never break a page for good (issue 15, item 1; docs/decisions.md 45).

Text stored before the rule (a name with U+0001 once made every XLSX export fail with a
500) still exports, the data migration cleans it, and text sent through the forms, the
attendance sync and the imports is stored clean; afterwards every export, PDF and XLSX of
the group, the grant and the programme renders."""

import importlib
import io
import json
import uuid
import zipfile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from funding.models import Fund, FundingApplication, Volunteer
from groups.models import Group, Organisation, Venue
from meetings.models import Attendance
from participants.models import Participant
from reporting.models import ReportBatch, Story
from stetapp.text import clean_text
from tests.factories import FundFactory, participant_in
from tests.helpers import CONTROL_CHARACTERS, HOSTILE

DIRTY = "\x01\x0b\x1b\x7f\x9f\ufffe"
_migration = importlib.import_module("stetapp.migrations.0003_clean_stored_text")


def _dirty(world):
    """Write control characters into the texts the exports show, past every form (as the
    rows stored before the rule hold them)."""
    Participant.objects.filter(pk=world.participant_a1.pk).update(
        full_name="Ayse\x01 Demir" + DIRTY, community="Turkish" + DIRTY, postcode="3072\x01AB"
    )
    Group.objects.filter(pk=world.group_a1.pk).update(
        name="Group\x01 A1", community="Turkish" + DIRTY
    )
    Organisation.objects.filter(pk=world.org_a.pk).update(name="Organisation\x01 A")
    Venue.objects.filter(pk=world.venue_a.pk).update(name="Venue\x01 A")
    Fund.objects.filter(pk=world.fund.pk).update(name="Demo\x01 Fund")
    FundingApplication.objects.filter(pk=world.application_a.pk).update(
        title="Together\x01 in Rotterdam", project_description="Line\x0b one\r\ntwo" + DIRTY
    )
    Story.objects.filter(pk=world.story_a1.pk).update(
        title="A place\x01 to belong", text="Before\x02 the group" + DIRTY, quote="Home\x03"
    )
    Volunteer.objects.filter(pk=world.volunteer_a.pk).update(full_name="Vera\x01 Volunteer")
    Attendance.objects.create(
        meeting=world.meeting_a1, guest_name="Guest\x01 Name", status="present"
    )


def _exports(world) -> list[tuple[str, str]]:
    """(persona, url) of every export, PDF and XLSX of group A1, grant A and the
    programme."""
    participants = reverse("group_participants_export", args=[world.group_a1.pk])
    dashboard = reverse("programme_dashboard", args=[world.programme.pk])
    return [
        ("lead_a", participants + "?format=csv"),
        ("lead_a", participants + "?format=xlsx"),
        ("volunteer_a1", participants + "?format=xlsx"),
        ("lead_a", reverse("grant_report_xlsx", args=[world.grant_a.pk])),
        ("lead_a", reverse("grant_report_pdf", args=[world.grant_a.pk])),
        ("funder", reverse("grant_report_xlsx", args=[world.grant_a.pk])),
        ("funder", reverse("grant_report_pdf", args=[world.grant_a.pk])),
        ("coordinator", dashboard + "?format=xlsx"),
        ("coordinator", dashboard),
        ("lead_a", reverse("application_pdf", args=[world.application_a.pk])),
        ("facilitator_a1", reverse("agreement_pdf", args=[world.group_a1.pk])),
        ("facilitator_a1", reverse("attendance_pdf", args=[world.meeting_a1.pk])),
        ("lead_a", reverse("participant_detail", args=[world.participant_a1.pk])),
        ("lead_a", reverse("group_detail", args=[world.group_a1.pk])),
    ]


def _assert_renders(world):
    for persona, url in _exports(world):
        response = world.client_for(persona).get(url)
        assert response.status_code == 200, (persona, url, response.status_code)
        if response["Content-Type"].startswith("application/vnd.openxmlformats"):
            _assert_clean_workbook(response.content)
        if response["Content-Type"].startswith("application/pdf"):
            assert response.content.startswith(b"%PDF")
    _assert_report_batch(world)


def _assert_clean_workbook(content: bytes) -> None:
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                if isinstance(cell, str):
                    assert ILLEGAL_CHARACTERS_RE.search(cell) is None, cell


def _assert_report_batch(world):
    client = world.client_for("lead_a")
    response = client.post(
        reverse("report_batch_create"),
        {"grants": [world.grant_a.pk], "formats": ["pdf", "xlsx"]},
    )
    assert response.status_code == 302
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).latest("created_at")
    assert batch.status == "done", batch.status
    download = client.get(reverse("report_batch_download", args=[batch.pk]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".xlsx") for n in names)
    for name in names:
        if name.endswith(".xlsx"):
            _assert_clean_workbook(archive.read(name))


def test_exports_survive_control_characters_stored_before_the_rule(world):
    _dirty(world)
    _assert_renders(world)
    participants = reverse("group_participants_export", args=[world.group_a1.pk])
    cells = [
        cell
        for row in load_workbook(
            io.BytesIO(world.client_for("lead_a").get(participants + "?format=xlsx").content)
        ).active.iter_rows(values_only=True)
        for cell in row
    ]
    # the name, without its control characters (the vertical tab is a line break)
    assert "Ayse Demir\n" in cells


def _stored(model, field: str, value: str) -> str:
    """`value` as the column can hold it: cut to its length, and without NUL on
    PostgreSQL (which refuses it in text, so no stored row has one)."""
    if connection.vendor == "postgresql":
        value = value.replace("\x00", "")
    return value[: model._meta.get_field(field).max_length or None]


def test_exports_survive_every_hostile_string_stored(world):
    """Every string of HOSTILE stored as it is (past the forms: rows from before the
    rule, the admin, a script) as a participant's name and community, a guest's name and a
    story's title: every export, PDF and XLSX still renders."""
    for value in HOSTILE:
        person = participant_in(
            world.group_a1,
            full_name=_stored(Participant, "full_name", "P " + value),
            community=_stored(Participant, "community", value),
        )
        Attendance.objects.create(
            meeting=world.meeting_a1,
            guest_name=_stored(Attendance, "guest_name", "G " + value),
            status="present",
        )
        Story.objects.create(
            group=world.group_a1,
            storyteller=person,
            domain="support",
            title=_stored(Story, "title", "S " + value),
            text=_stored(Story, "text", value),
            significance=_stored(Story, "significance", value),
            collected_on=world.story_a1.collected_on,
            consent_scope="internal",
        )
    _assert_renders(world)
    participants = reverse("group_participants_export", args=[world.group_a1.pk])
    sheet = load_workbook(
        io.BytesIO(world.client_for("lead_a").get(participants + "?format=xlsx").content)
    ).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert sum(isinstance(n, str) and n.startswith("P ") for n in names) == len(HOSTILE)


# A data migration writes through Django's historical models, which have no history.
@pytest.mark.history_unrecorded("a data migration's historical models")
def test_the_data_migration_cleans_stored_rows(world):
    _dirty(world)
    _migration.clean_stored_text(apps, None)
    participant = Participant.objects.get(pk=world.participant_a1.pk)
    assert (participant.full_name, participant.community, participant.postcode) == (
        "Ayse Demir\n",
        "Turkish\n",
        "3072AB",
    )
    application = FundingApplication.objects.get(pk=world.application_a.pk)
    assert application.project_description == "Line\n one\ntwo\n"
    assert Group.objects.get(pk=world.group_a1.pk).name == "Group A1"
    assert Attendance.objects.get(meeting=world.meeting_a1).guest_name == "Guest Name"
    for model in (Participant, Group, Organisation, Venue, Fund, Story, Volunteer):
        fields = _migration._text_fields(model)
        for values in model.objects.values_list(*fields):
            for value in values:
                assert value == clean_text(value, multiline=True), (model, value)


def _clean(value) -> bool:
    return (
        ILLEGAL_CHARACTERS_RE.search(value) is None
        and "\x00" not in value
        and (clean_text(value, multiline=True) == value)
    )


def _send_through_the_doors(world, value):
    """A participant (create and edit), a group, a venue, a guest on the sheet and one
    from the phone's queue, and an imported participant, each with `value` in every
    text field."""
    facilitator = world.client_for("facilitator_a1")
    lead = world.client_for("lead_a")
    response = facilitator.post(
        reverse("participant_create"),
        {
            "full_name": "New " + value,
            "group": world.group_a1.pk,
            "status": "contacted",
            "community": value,
            "interests": value,
            "channel_detail": value,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    p = Participant.objects.get(pk=world.participant_a1.pk)
    response = facilitator.post(
        reverse("participant_edit", args=[p.pk]),
        {
            "full_name": "Ayse " + value,
            "group": p.group_id,
            "phone": p.phone,
            "postcode": "",
            "birth_year": "",
            "gender": p.gender,
            "community": value,
            "languages": p.languages,
            "preferred_language": p.preferred_language,
            "channel": p.channel,
            "version": p.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    group = world.group_a1
    response = lead.post(
        reverse("group_edit", kwargs={"pk": group.pk}),
        {
            "organisation": world.org_a.pk,
            "name": "Group " + value,
            "city": group.city_id,
            "community": "Turkish " + value,
            "composition": group.composition,
            "status": group.status,
            "target_size": "15",
            "languages": ["tr"],
        },
    )
    assert response.status_code in (200, 302)
    response = lead.post(
        reverse("venue_edit", kwargs={"pk": world.venue_a.pk}),
        {"name": "Venue " + value, "address": value, "city": value, "notes": value},
    )
    assert response.status_code in (200, 302)
    guest = facilitator.post(
        reverse("attendance_guest", args=[world.meeting_a1.pk]), {"name": "Guest " + value}
    )
    assert guest.status_code == 302
    sync = facilitator.post(
        reverse("attendance_sync", args=[world.meeting_a1.pk]),
        json.dumps(
            {
                "marks": [
                    {
                        "client_id": str(uuid.uuid4()),
                        "tapped_at": "2026-03-03T10:30:00+00:00",
                        "status": "present",
                        "guest_name": "Phone " + value,
                    }
                ]
            }
        ),
        content_type="application/json",
    )
    assert sync.status_code == 200
    assert sync.json()["results"][0]["outcome"] == "applied"
    upload = SimpleUploadedFile(
        "participants.csv",
        (f'name,group\r\n"Imported {value}",{world.group_a1.name}\r\n').encode(),
    )
    assert lead.post(reverse("participant_import"), {"file": upload}).status_code in (200, 302)


def test_text_sent_through_the_doors_is_stored_clean(world):
    """Every string of CONTROL_CHARACTERS through every door above; then no stored text
    holds a character the rule drops, names are single lines, and every export, PDF and
    XLSX renders."""
    before = Attendance.objects.count()
    for value in CONTROL_CHARACTERS:
        _send_through_the_doors(world, value)
    assert Attendance.objects.count() == before + 2 * len(CONTROL_CHARACTERS)
    texts = [
        *Participant.objects.values_list("full_name", "community", "interests", "channel_detail"),
        *Group.objects.values_list("name", "community"),
        *Venue.objects.values_list("name", "address", "city", "notes"),
        *Attendance.objects.values_list("guest_name"),
    ]
    for row in texts:
        for text in row:
            assert not isinstance(text, str) or _clean(text), text
    names = [
        *Participant.objects.values_list("full_name", flat=True),
        *Group.objects.values_list("name", flat=True),
        *Attendance.objects.values_list("guest_name", flat=True),
    ]
    for name in names:
        assert clean_text(name, multiline=False) == name, name
    assert Participant.objects.filter(full_name="Ayse Cafe\u0301 Zu\u0308rich").count() == 0
    assert Participant.objects.filter(full_name="New Café Zürich").count() == 1
    _assert_renders(world)


def test_a_lone_surrogate_from_the_phone_is_dropped(world):
    """JSON can carry a lone surrogate ("\\ud800"), which no database can store."""
    response = world.client_for("facilitator_a1").post(
        reverse("attendance_sync", args=[world.meeting_a1.pk]),
        json.dumps(
            {
                "marks": [
                    {
                        "client_id": str(uuid.uuid4()),
                        "tapped_at": "2026-03-03T10:30:00+00:00",
                        "status": "present",
                        "guest_name": "Hatice\ud800 Arslan\x00",
                    }
                ]
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Attendance.objects.get(meeting=world.meeting_a1).guest_name == "Hatice Arslan"


def test_the_data_migration_leaves_a_row_whose_clean_name_is_taken(world):
    """Fund names are unique: "Demo\\x01 Fund" next to "Demo Fund" stays as it is rather
    than stop the migration; every other row is still cleaned."""
    Fund.objects.filter(pk=world.fund.pk).update(name="Demo\x01 Fund")
    other = FundFactory(name="Demo Fund")
    third = FundFactory(name="Third\x01 Fund")
    Participant.objects.filter(pk=world.participant_a1.pk).update(full_name="Ayse\x01 Demir")
    _migration.clean_stored_text(apps, None)
    assert Fund.objects.get(pk=world.fund.pk).name == "Demo\x01 Fund"
    assert Fund.objects.get(pk=other.pk).name == "Demo Fund"
    assert Fund.objects.get(pk=third.pk).name == "Third Fund"
    assert Participant.objects.get(pk=world.participant_a1.pk).full_name == "Ayse Demir"
