"""What a phone may keep for the offline sheet (GET /meetings/offline.json, the offline
window), the service worker and manifest, and the paper attendance list (PDF)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings.models import Attendance, Meeting, MeetingSeries, MeetingStatus
from meetings.selectors_attendance import offline_window
from tests.factories import MeetingFactory, VenueFactory, participant_in

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _meeting_at(group, starts_at, **kwargs):
    return MeetingFactory(
        group=group, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2), **kwargs
    )


def test_the_offline_window_is_the_last_seven_days_and_today(world):
    now = dt.datetime(2026, 5, 14, 15, 0, tzinfo=AMSTERDAM)
    group = world.group_a1
    inside = [
        _meeting_at(group, now - dt.timedelta(days=7) + dt.timedelta(minutes=1)),
        _meeting_at(group, now - dt.timedelta(hours=2)),
        _meeting_at(group, dt.datetime(2026, 5, 14, 23, 0, tzinfo=AMSTERDAM)),
    ]
    outside = [
        _meeting_at(group, now - dt.timedelta(days=7, minutes=1)),
        _meeting_at(group, dt.datetime(2026, 5, 15, 0, 0, tzinfo=AMSTERDAM)),
    ]
    found = set(Meeting.objects.filter(offline_window(now=now)).values_list("pk", flat=True))
    assert {m.pk for m in inside} <= found
    assert not {m.pk for m in outside} & found


def test_a_facilitator_gets_the_sheets_of_recent_meetings_and_no_names(world):
    now = timezone.now()
    recent = _meeting_at(world.group_a1, now - dt.timedelta(days=2))
    _meeting_at(world.group_a1, now - dt.timedelta(days=9))
    _meeting_at(world.group_a1, now - dt.timedelta(hours=1), status=MeetingStatus.CANCELLED)
    _meeting_at(world.group_b1, now - dt.timedelta(hours=1))
    client = world.client_for("facilitator_a1")
    response = client.get(reverse("offline_data"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    sheet = reverse("attendance_sheet", args=[recent.pk])
    assert [m["pk"] for m in data["meetings"]] == [recent.pk]
    assert data["pages"] == [reverse("offline_list"), sheet]
    assert data["user"] == world.users["facilitator_a1"].pk and data["csrf"]
    assert data["maxAgeHours"] == 48
    assert "Ayse" not in response.text and "06 1111" not in response.text
    # The volunteer of the group gets the same sheet.
    volunteer = world.client_for("volunteer_a1").get(reverse("offline_data")).json()
    assert [m["pk"] for m in volunteer["meetings"]] == [recent.pk]


@pytest.mark.parametrize("persona", ["lead_a", "coordinator", "funder", "outsider"])
def test_others_keep_nothing_on_the_phone(world, persona):
    _meeting_at(world.group_a1, timezone.now() - dt.timedelta(hours=1))
    data = world.client_for(persona).get(reverse("offline_data")).json()
    assert data["meetings"] == [] and data["pages"] == [] and data["shell"] == []


def test_the_offline_list_links_the_sheets(world):
    recent = _meeting_at(world.group_a1, timezone.now() - dt.timedelta(hours=1))
    response = world.client_for("volunteer_a1").get(reverse("offline_list"))
    assert reverse("attendance_sheet", args=[recent.pk]) in response.text


def test_the_sheet_carries_its_offline_settings_and_only_names(world):
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    response = world.client_for("volunteer_a1").get(
        reverse("attendance_sheet", args=[world.meeting_a1.pk])
    )
    text = response.text
    assert 'id="attendance-offline" type="application/json"' in text
    assert reverse("attendance_sync", args=[world.meeting_a1.pk]) in text
    assert "Ayse Demir" in text and "06 1111 2222" not in text


def test_the_service_worker_is_served_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b'addEventListener("fetch"' in response.content


def test_the_manifest_has_a_dutch_name_and_icons(client):
    response = client.get("/manifest.webmanifest")
    data = response.json()
    assert response["Content-Type"] == "application/manifest+json"
    assert data["name"] == "Samen tegen Eenzaamheid" and data["lang"] == "nl"
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert finders.find(name), icon["src"]


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_paper_list_of_a_meeting(world):
    participant_in(world.group_a1, full_name="Zeynep Kaya")
    world.meeting_a1.venue = VenueFactory(
        organisation=world.group_a1.organisation, name="Buurthuis De Brug"
    )
    world.meeting_a1.save()
    response = world.client_for("volunteer_a1").get(
        reverse("attendance_pdf", args=[world.meeting_a1.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    for expected in (
        "Ayse Demir",
        "Zeynep Kaya",
        "Buurthuis De Brug",
        "Tuesday 3 March 2026",
        "Present",
        "Absent",
        "Excused",
        "Guests and newcomers",
    ):
        assert expected in text, expected
    assert "06 1111" not in text


def test_the_paper_lists_of_the_next_meetings_of_a_series(world):
    now = timezone.now()
    series = MeetingSeries.objects.create(
        group=world.group_a1,
        first_date=now.date(),
        until_date=now.date() + dt.timedelta(days=70),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    for weeks in (-1, 1, 2, 3, 4):
        _meeting_at(world.group_a1, now + dt.timedelta(weeks=weeks), series=series)
    response = world.client_for("facilitator_a1").get(
        reverse("series_attendance_pdf", args=[series.pk]) + "?n=3"
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    assert all("Ayse Demir" in page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(("persona", "expected"), [("coordinator", 403), ("facilitator_b1", 404)])
def test_the_paper_list_is_for_the_group_only(world, persona, expected):
    response = world.client_for(persona).get(reverse("attendance_pdf", args=[world.meeting_a1.pk]))
    assert response.status_code == expected
