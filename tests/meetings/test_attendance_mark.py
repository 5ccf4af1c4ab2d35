"""POST /meetings/<pk>/attendance/mark/ — one tap: saved at once, harmless to repeat."""

import pytest
from django.urls import reverse

from meetings.models import Attendance, MeetingStatus
from tests.factories import MeetingFactory, participant_in
from tests.helpers import mark_url, sheet_url

HTMX = {"HTTP_HX_REQUEST": "true"}


def _tap(client, meeting, participant, status, htmx=True):
    data = {"participant": participant.pk, "status": status}
    return client.post(mark_url(meeting), data, **(HTMX if htmx else {}))


def test_htmx_tap_saves_and_returns_the_row(world):
    client = world.client_for("facilitator_a1")
    participant_in(world.group_a1, full_name="Zeynep Kaya")
    response = _tap(client, world.meeting_a1, world.participant_a1, "present")
    assert response.status_code == 200
    mark = Attendance.objects.get(meeting=world.meeting_a1, participant=world.participant_a1)
    assert mark.status == "present"
    assert mark.marked_by == world.users["facilitator_a1"]
    text = response.text
    assert text.lstrip().startswith("<li")  # only the row, not a page
    assert f'id="attendance-row-{world.participant_a1.pk}"' in text
    assert (
        f'id="mark-{world.participant_a1.pk}-present" '
        'class="btn attendance-btn attendance-present" aria-pressed="true"'
    ) in text
    # the live count, swapped out of band
    assert 'id="attendance-count"' in text and 'hx-swap-oob="true"' in text
    assert "1 of 2 marked · 1 present" in text
    assert "<html" not in text


def test_plain_post_goes_back_to_the_sheet(world):
    client = world.client_for("facilitator_a1")
    response = _tap(client, world.meeting_a1, world.participant_a1, "excused", htmx=False)
    assert response.status_code == 302
    assert response.url == sheet_url(world.meeting_a1)
    assert Attendance.objects.get(participant=world.participant_a1).status == "excused"


def test_repeating_a_tap_is_harmless(world):
    client = world.client_for("facilitator_a1")
    for _ in range(3):
        assert _tap(client, world.meeting_a1, world.participant_a1, "absent").status_code == 200
    assert Attendance.objects.filter(meeting=world.meeting_a1).count() == 1


def test_a_second_tap_changes_the_mark(world):
    client = world.client_for("facilitator_a1")
    _tap(client, world.meeting_a1, world.participant_a1, "absent")
    _tap(client, world.meeting_a1, world.participant_a1, "excused")
    marks = Attendance.objects.filter(meeting=world.meeting_a1)
    assert [m.status for m in marks] == ["excused"]


def test_volunteer_may_mark(world):
    response = _tap(
        world.client_for("volunteer_a1"), world.meeting_a1, world.participant_a1, "present"
    )
    assert response.status_code == 200
    assert Attendance.objects.get().marked_by == world.users["volunteer_a1"]


def test_participant_of_another_group_is_refused(world):
    client = world.client_for("lead_a")
    response = _tap(client, world.meeting_a1, world.participant_b1, "present", htmx=False)
    assert response.status_code == 400
    assert Attendance.objects.count() == 0


def test_participant_not_enrolled_on_the_date_is_refused(world):
    client = world.client_for("facilitator_a1")
    later = MeetingFactory(group=world.group_a2)
    response = _tap(client, later, world.participant_a1, "present")
    # A2 is not facilitator_a1's group: 404 before anything else.
    assert response.status_code == 404
    response = _tap(world.client_for("lead_a"), later, world.participant_a1, "present")
    assert response.status_code == 400
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"participant": "", "status": "present"},
        {"participant": "abc", "status": "present"},
        {"participant": "-1", "status": "present"},
        {"participant": "99999999999999999999", "status": "present"},
        {"status": "present"},
        {"participant": "nul\x00", "status": "present"},
    ],
)
def test_bad_participant_is_400(world, data):
    response = world.client_for("facilitator_a1").post(mark_url(world.meeting_a1), data)
    assert response.status_code == 400
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("status", ["", "late", "<script>alert(1)</script>", "PRESENT"])
def test_bad_status_is_400(world, status):
    data = {"participant": world.participant_a1.pk, "status": status}
    response = world.client_for("facilitator_a1").post(mark_url(world.meeting_a1), data)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.text
    assert Attendance.objects.count() == 0


def test_cancelled_meeting_is_400_with_a_message(world):
    world.meeting_a1.status = MeetingStatus.CANCELLED
    world.meeting_a1.change_reason = "Ramadan"
    world.meeting_a1.save()
    response = _tap(
        world.client_for("facilitator_a1"),
        world.meeting_a1,
        world.participant_a1,
        "present",
        htmx=False,
    )
    assert response.status_code == 400
    assert "This meeting was cancelled" in response.text
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "funder"])
def test_no_marking_role_gets_403(world, persona):
    response = _tap(world.client_for(persona), world.meeting_a1, world.participant_a1, "present")
    assert response.status_code == 403
    assert Attendance.objects.count() == 0


def test_facilitator_of_another_group_gets_404(world):
    response = _tap(
        world.client_for("facilitator_b1"), world.meeting_a1, world.participant_a1, "present"
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(world):
    # A tap after the session ended: htmx is told to load the sign-in page as a whole page
    # (not into the attendance row); a plain form post is redirected as usual.
    response = _tap(world.client_for("anonymous"), world.meeting_a1, world.participant_a1, "x")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    plain = _tap(
        world.client_for("anonymous"), world.meeting_a1, world.participant_a1, "x", htmx=False
    )
    assert plain.status_code == 302
    assert plain.url.startswith(reverse("account_login"))


def test_get_is_not_allowed(world):
    response = world.client_for("facilitator_a1").get(mark_url(world.meeting_a1))
    assert response.status_code == 405
