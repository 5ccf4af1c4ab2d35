"""POST /meetings/<pk>/attendance/sync — taps from a phone's queue (the offline sheet):
a tap sent twice counts once, a late tap counts by the time it was made, the latest tap
wins (docs/decisions.md, decision 40) and the loser is told, and taps for a meeting
moved or cancelled meanwhile are kept aside for the facilitator."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, AttendanceTap, MeetingStatus, TapOutcome
from tests.factories import MeetingFactory, participant_in

T0 = dt.datetime(2026, 3, 3, 10, 30, tzinfo=dt.UTC)


def _url(meeting):
    return reverse("attendance_sync", args=[meeting.pk])


def _mark(participant, status, *, at=T0, client_id=None, **extra):
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "tapped_at": at.isoformat(),
        "participant": participant.pk,
        "status": status,
        **extra,
    }


def _send(client, meeting, marks):
    return client.post(_url(meeting), json.dumps({"marks": marks}), content_type="application/json")


@pytest.fixture
def fifteen(world):
    people = [world.participant_a1] + [
        participant_in(world.group_a1, full_name=f"Deelnemer {i:02d}") for i in range(14)
    ]
    return people


def test_fifteen_marks_sent_twice_are_fifteen_marks(world, fifteen):
    client = world.client_for("facilitator_a1")
    marks = [_mark(p, "present" if i % 4 else "absent") for i, p in enumerate(fifteen)]
    first = _send(client, world.meeting_a1, marks)
    assert first.status_code == 200
    assert [r["outcome"] for r in first.json()["results"]] == ["applied"] * 15
    again = _send(client, world.meeting_a1, marks)
    assert [r["outcome"] for r in again.json()["results"]] == ["duplicate"] * 15
    assert Attendance.objects.filter(meeting=world.meeting_a1).count() == 15
    assert AttendanceTap.objects.filter(meeting=world.meeting_a1).count() == 15
    body = again.json()
    assert body["countText"] == "15 of 15 marked · 11 present"
    assert body["marks"][str(world.participant_a1.pk)]["status"] == "absent"


def test_the_latest_tap_by_the_time_it_was_made_wins_and_the_loser_is_told(world):
    facilitator = world.client_for("facilitator_a1")
    volunteer = world.client_for("volunteer_a1")
    person = world.participant_a1
    # The volunteer, online, taps "present" at 10:40.
    later = _send(
        volunteer, world.meeting_a1, [_mark(person, "present", at=T0 + dt.timedelta(minutes=10))]
    )
    assert later.json()["results"][0]["outcome"] == "applied"
    # The facilitator's phone was offline: its "absent" tap of 10:30 arrives afterwards.
    late = _send(facilitator, world.meeting_a1, [_mark(person, "absent", at=T0, base="")])
    result = late.json()["results"][0]
    assert result["outcome"] == "superseded"
    assert result["status"] == "present"
    assert result["by"] == str(world.users["volunteer_a1"])
    assert "marked present later" in result["message"]
    mark = Attendance.objects.get(meeting=world.meeting_a1, participant=person)
    assert (mark.status, mark.marked_by) == ("present", world.users["volunteer_a1"])


def test_a_late_tap_made_later_still_wins(world):
    client = world.client_for("facilitator_a1")
    person = world.participant_a1
    _send(client, world.meeting_a1, [_mark(person, "absent", at=T0 + dt.timedelta(minutes=20))])
    _send(client, world.meeting_a1, [_mark(person, "present", at=T0)])
    _send(client, world.meeting_a1, [_mark(person, "excused", at=T0 + dt.timedelta(minutes=30))])
    assert Attendance.objects.get(participant=person).status == "excused"


def test_a_tap_from_the_future_counts_as_made_now(world):
    """A phone with its clock far ahead cannot win every later conflict."""
    client = world.client_for("facilitator_a1")
    person = world.participant_a1
    _send(
        client,
        world.meeting_a1,
        [_mark(person, "absent", at=timezone.now() + dt.timedelta(days=3))],
    )
    _send(
        client,
        world.meeting_a1,
        [_mark(person, "present", at=timezone.now() + dt.timedelta(seconds=1))],
    )
    assert Attendance.objects.get(participant=person).status == "present"


def test_everyone_else_present_never_replaces_a_mark(world):
    client = world.client_for("facilitator_a1")
    other = participant_in(world.group_a1, full_name="Zeynep Kaya")
    Attendance.objects.create(meeting=world.meeting_a1, participant=other, status="absent")
    response = _send(
        client,
        world.meeting_a1,
        [
            _mark(p, "present", at=timezone.now(), only_if_unmarked=True)
            for p in (world.participant_a1, other)
        ],
    )
    outcomes = [r["outcome"] for r in response.json()["results"]]
    assert outcomes == ["applied", "kept"]
    assert Attendance.objects.get(participant=other).status == "absent"


def test_a_guest_sent_twice_is_one_guest(world):
    client = world.client_for("volunteer_a1")
    guest = {
        "client_id": str(uuid.uuid4()),
        "tapped_at": T0.isoformat(),
        "status": "present",
        "guest_name": "  Hatice   Arslan ",
        "is_trial": True,
    }
    _send(client, world.meeting_a1, [guest])
    response = _send(client, world.meeting_a1, [guest])
    assert response.json()["guests"] == [{"name": "Hatice Arslan", "is_trial": True}]
    assert (
        Attendance.objects.filter(meeting=world.meeting_a1, guest_name="Hatice Arslan").count() == 1
    )


def test_a_tap_for_a_moved_meeting_is_kept_aside_then_applied(world):
    meeting = MeetingFactory(group=world.group_a1, day=dt.date(2026, 3, 10))
    seen = meeting.starts_at
    meeting.moved_from = seen
    meeting.starts_at = seen + dt.timedelta(days=1)
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=2)
    meeting.save()
    client = world.client_for("volunteer_a1")
    response = _send(
        client,
        meeting,
        [_mark(world.participant_a1, "absent", seen_starts_at=seen.isoformat())],
    )
    result = response.json()["results"][0]
    assert result["outcome"] == "held"
    assert "kept aside" in result["message"]
    assert not Attendance.objects.filter(meeting=meeting).exists()
    # The facilitator sees it on the sheet and on the meeting page, and applies it.
    facilitator = world.client_for("facilitator_a1")
    sheet = facilitator.get(reverse("attendance_sheet", args=[meeting.pk]))
    assert "Marks kept aside" in sheet.text and "Ayse Demir: absent" in sheet.text
    # With who made it (the sheet reads only the names it shows).
    assert f"by {world.users['volunteer_a1']}" in sheet.text
    assert "kept aside" in facilitator.get(reverse("meeting_detail", args=[meeting.pk])).text
    # A volunteer may not decide.
    denied = client.post(reverse("held_taps_resolve", args=[meeting.pk]), {"action": "apply"})
    assert denied.status_code == 403
    facilitator.post(reverse("held_taps_resolve", args=[meeting.pk]), {"action": "apply"})
    assert (
        Attendance.objects.get(meeting=meeting, participant=world.participant_a1).status == "absent"
    )
    tap = AttendanceTap.objects.get(meeting=meeting)
    assert (tap.outcome, tap.resolved_by) == (TapOutcome.RESOLVED, world.users["facilitator_a1"])
    # Sending it again changes nothing.
    again = _send(client, meeting, [_mark(world.participant_a1, "absent", client_id=tap.client_id)])
    assert again.json()["results"][0]["outcome"] == "duplicate"


def test_a_tap_for_a_cancelled_meeting_is_kept_aside_then_discarded(world):
    meeting = MeetingFactory(
        group=world.group_a1, status=MeetingStatus.CANCELLED, change_reason="Storm"
    )
    client = world.client_for("facilitator_a1")
    response = _send(client, meeting, [_mark(world.participant_a1, "present")])
    assert response.json()["results"][0]["outcome"] == "held"
    assert not Attendance.objects.filter(meeting=meeting).exists()
    sheet = client.get(reverse("attendance_sheet", args=[meeting.pk]))
    assert "Marks kept aside" in sheet.text and 'value="apply"' not in sheet.text
    client.post(reverse("held_taps_resolve", args=[meeting.pk]), {"action": "discard"})
    tap = AttendanceTap.objects.get(meeting=meeting)
    assert tap.outcome == TapOutcome.DISCARDED and tap.resolved_at is not None
    assert "Marks kept aside" not in client.get(reverse("attendance_sheet", args=[meeting.pk])).text


def test_a_person_outside_the_group_and_a_bad_mark_are_refused(world):
    client = world.client_for("facilitator_a1")
    stranger = participant_in(world.group_a2, full_name="Someone Else")
    response = _send(
        client,
        world.meeting_a1,
        [_mark(stranger, "present"), {"client_id": "nope", "status": "present"}],
    )
    assert [r["outcome"] for r in response.json()["results"]] == ["refused", "refused"]
    assert not Attendance.objects.filter(meeting=world.meeting_a1).exists()


def test_not_a_list_of_marks_is_a_400(world):
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.meeting_a1), "{nope", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("coordinator", 403), ("funder", 403), ("facilitator_b1", 404), ("outsider", 403)],
)
def test_who_may_not_send_marks(world, persona, expected):
    client = world.client_for(persona)
    response = _send(client, world.meeting_a1, [_mark(world.participant_a1, "present")])
    assert response.status_code == expected
    assert not Attendance.objects.exists()


def test_signed_out_is_sent_to_sign_in(world):
    response = _send(world.client_for("nobody"), world.meeting_a1, [])
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_one_tap_path_uses_the_same_rule(world):
    """The htmx tap (no service worker) is a tap made now: it wins over older taps."""
    client = world.client_for("facilitator_a1")
    person = world.participant_a1
    _send(client, world.meeting_a1, [_mark(person, "absent", at=T0)])
    client.post(
        reverse("attendance_mark", args=[world.meeting_a1.pk]),
        {"participant": person.pk, "status": "present"},
    )
    mark = Attendance.objects.get(participant=person)
    assert mark.status == "present" and mark.tapped_at > T0


def test_a_tap_for_a_meeting_not_started_is_kept_aside_not_counted(world):
    """Nothing is recorded before it happens (decision 35), offline neither: the tap is
    kept aside for the facilitator, never applied and never dropped."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    meeting = MeetingFactory(group=world.group_a1, day=tomorrow)
    client = world.client_for("facilitator_a1")
    response = _send(
        client,
        meeting,
        [_mark(world.participant_a1, "present", seen_starts_at=meeting.starts_at.isoformat())],
    )
    assert response.json()["results"][0]["outcome"] == "held"
    assert not Attendance.objects.filter(meeting=meeting).exists()
    assert AttendanceTap.objects.get(meeting=meeting).outcome == TapOutcome.HELD
    assert not meeting.__class__.objects.filter(pk=meeting.pk).held().exists()
