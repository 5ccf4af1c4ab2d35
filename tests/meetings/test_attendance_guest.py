"""POST /meetings/<pk>/attendance/guest/ — a guest or newcomer on trial, added on the spot."""

import pytest
from django.urls import reverse

from meetings.models import Attendance, MeetingStatus
from tests.helpers import HOSTILE_SAMPLE, assert_escaped, sheet_url


def _url(meeting):
    return reverse("attendance_guest", args=[meeting.pk])


def test_adds_a_newcomer_on_trial(world):
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.meeting_a1), {"name": "  Hatice   Arslan ", "is_trial": "on"})
    assert response.status_code == 302
    assert response.url == sheet_url(world.meeting_a1)
    guest = Attendance.objects.get(meeting=world.meeting_a1)
    assert (guest.guest_name, guest.is_trial, guest.status) == ("Hatice Arslan", True, "present")
    assert guest.participant is None
    page = client.get(response.url)
    assert "Hatice Arslan · newcomer on trial" in page.text


def test_htmx_gets_the_sheet_back_with_the_guest(world):
    response = world.client_for("volunteer_a1").post(
        _url(world.meeting_a1), {"name": "Mr. Bakker (speaker)"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Mr. Bakker (speaker) · guest" in response.text
    assert Attendance.objects.get().is_trial is False


@pytest.mark.parametrize("name", ["", "   ", "x" * 151])
def test_invalid_name_goes_back_with_an_error(world, name):
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.meeting_a1), {"name": name}, follow=True)
    assert response.redirect_chain[-1][0] == sheet_url(world.meeting_a1)
    assert 'class="alert alert-danger"' in response.text
    assert Attendance.objects.count() == 0


def test_invalid_name_with_htmx_shows_the_field_error(world):
    response = world.client_for("facilitator_a1").post(
        _url(world.meeting_a1), {"name": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "This field is required." in response.text


@pytest.mark.parametrize("name", HOSTILE_SAMPLE)
def test_hostile_names_never_fail_and_are_escaped(world, name):
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.meeting_a1), {"name": name}, follow=True)
    assert response.status_code == 200
    assert_escaped(response)


def test_cancelled_meeting_adds_nobody(world):
    world.meeting_a1.status = MeetingStatus.CANCELLED
    world.meeting_a1.change_reason = "Storm"
    world.meeting_a1.save()
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.meeting_a1), {"name": "Someone"}, follow=True)
    assert "This meeting was cancelled" in response.text
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "funder"])
def test_no_marking_role_gets_403(world, persona):
    response = world.client_for(persona).post(_url(world.meeting_a1), {"name": "X"})
    assert response.status_code == 403
    assert Attendance.objects.count() == 0


def test_facilitator_of_another_group_gets_404(world):
    response = world.client_for("facilitator_b1").post(_url(world.meeting_a1), {"name": "X"})
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_get_is_not_allowed(world):
    assert world.client_for("facilitator_a1").get(_url(world.meeting_a1)).status_code == 405
