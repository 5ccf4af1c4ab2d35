"""POST /meetings/<pk>/attendance/rest-present/ — everyone not yet marked is present."""

import pytest
from django.urls import reverse

from meetings.models import Attendance, MeetingStatus
from tests.factories import participant_in
from tests.helpers import sheet_url


def _url(meeting):
    return reverse("attendance_rest_present", args=[meeting.pk])


@pytest.fixture
def others(world):
    return [participant_in(world.group_a1, full_name=f"Person {i}") for i in range(3)]


def test_marks_the_rest_present_and_keeps_marks_made(world, others):
    Attendance.objects.create(meeting=world.meeting_a1, participant=others[0], status="absent")
    response = world.client_for("facilitator_a1").post(_url(world.meeting_a1))
    assert response.status_code == 302
    assert response.url == sheet_url(world.meeting_a1)
    marks = dict(
        Attendance.objects.filter(meeting=world.meeting_a1).values_list("participant", "status")
    )
    assert marks == {
        world.participant_a1.pk: "present",
        others[0].pk: "absent",
        others[1].pk: "present",
        others[2].pk: "present",
    }


def test_repeating_is_harmless(world, others):
    client = world.client_for("volunteer_a1")
    client.post(_url(world.meeting_a1))
    client.post(_url(world.meeting_a1))
    assert Attendance.objects.filter(meeting=world.meeting_a1).count() == 4


def test_htmx_gets_the_sheet_back(world, others):
    response = world.client_for("facilitator_a1").post(
        _url(world.meeting_a1), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="attendance-sheet"' in response.text
    assert "4 of 4 marked · 4 present" in response.text


def test_only_people_enrolled_in_this_group(world, others):
    world.client_for("lead_a").post(_url(world.meeting_a1))
    assert not Attendance.objects.filter(participant=world.participant_b1).exists()


def test_cancelled_meeting_marks_nobody(world, others):
    world.meeting_a1.status = MeetingStatus.CANCELLED
    world.meeting_a1.change_reason = "Storm"
    world.meeting_a1.save()
    response = world.client_for("facilitator_a1").post(_url(world.meeting_a1), follow=True)
    assert "This meeting was cancelled" in response.text
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "funder"])
def test_no_marking_role_gets_403(world, persona):
    assert world.client_for(persona).post(_url(world.meeting_a1)).status_code == 403
    assert Attendance.objects.count() == 0


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").post(_url(world.meeting_a1)).status_code == 404
    assert Attendance.objects.count() == 0


def test_get_is_not_allowed(world):
    assert world.client_for("facilitator_a1").get(_url(world.meeting_a1)).status_code == 405
