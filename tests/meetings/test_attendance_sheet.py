"""GET /meetings/<pk>/attendance/ — the attendance sheet: one phone-sized screen."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, MeetingStatus
from tests.factories import EnrolmentFactory, MeetingFactory, ParticipantFactory, participant_in
from tests.helpers import mark_url, sheet_url


def meeting_today(group):
    return MeetingFactory(group=group, day=timezone.localdate())


def enrol(group, n, prefix="Person"):
    return [participant_in(group, full_name=f"{prefix} {i:02d}") for i in range(n)]


def test_facilitator_sees_everyone_enrolled_with_three_buttons(world):
    people = enrol(world.group_a1, 3)
    response = world.client_for("facilitator_a1").get(sheet_url(world.meeting_a1))
    assert response.status_code == 200
    names = [row.participant.full_name for row in response.context["rows"]]
    assert names == ["Ayse Demir", "Person 00", "Person 01", "Person 02"]
    text = response.text
    for person in people:
        for status in ("present", "absent", "excused"):
            assert f'id="mark-{person.pk}-{status}"' in text
    assert 'attendance-present" aria-pressed="true"' not in text
    assert "0 of 4 marked · 0 present" in text
    assert "Mark everyone else present" in text
    assert "Add a guest or newcomer on trial" in text
    assert f'hx-post="{mark_url(world.meeting_a1)}"' in text
    assert 'hx-swap="outerHTML"' in text


@pytest.mark.parametrize("persona", ["volunteer_a1", "lead_a"])
def test_volunteer_and_lead_may_take_attendance(world, persona):
    assert world.client_for(persona).get(sheet_url(world.meeting_a1)).status_code == 200


def test_current_marks_are_pressed_and_counted(world):
    other = participant_in(world.group_a1, full_name="Zeynep Kaya")
    Attendance.objects.create(meeting=world.meeting_a1, participant=other, status="absent")
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    response = world.client_for("facilitator_a1").get(sheet_url(world.meeting_a1))
    text = response.text
    assert "2 of 2 marked · 1 present" in text
    assert (
        f'id="mark-{other.pk}-absent" class="btn attendance-btn attendance-absent" '
        'aria-pressed="true"'
    ) in text
    assert (
        f'id="mark-{other.pk}-present" class="btn attendance-btn attendance-present" '
        'aria-pressed="false"'
    ) in text


def test_only_people_enrolled_on_the_meeting_date(world):
    day = world.meeting_a1.date
    left = ParticipantFactory(group=world.group_a1, full_name="Left Before")
    EnrolmentFactory(
        participant=left,
        group=world.group_a1,
        left_on=day - dt.timedelta(days=1),
        leave_reason="moved",
    )
    later = ParticipantFactory(group=world.group_a1, full_name="Joined After")
    EnrolmentFactory(participant=later, group=world.group_a1, joined_on=day + dt.timedelta(1))
    candidate = ParticipantFactory(group=world.group_a1, full_name="Only A Candidate")
    response = world.client_for("facilitator_a1").get(sheet_url(world.meeting_a1))
    names = [row.participant.full_name for row in response.context["rows"]]
    assert names == ["Ayse Demir"]
    for name in (left.full_name, later.full_name, candidate.full_name, "Ruth Kromo"):
        assert name not in response.text


def test_guests_are_listed_below(world):
    Attendance.objects.create(
        meeting=world.meeting_a1, guest_name="Fatima (neighbour)", is_trial=True, status="present"
    )
    response = world.client_for("facilitator_a1").get(sheet_url(world.meeting_a1))
    assert "Fatima (neighbour) · newcomer on trial" in response.text
    assert "0 of 1 marked" in response.text  # guests are not among the enrolled


def test_cancelled_meeting_has_no_buttons(world):
    world.meeting_a1.status = MeetingStatus.CANCELLED
    world.meeting_a1.change_reason = "Venue closed"
    world.meeting_a1.save()
    response = world.client_for("facilitator_a1").get(sheet_url(world.meeting_a1))
    assert response.status_code == 200
    assert "This meeting was cancelled" in response.text
    assert "attendance-btn" not in response.text


def test_group_without_participants(world):
    meeting = MeetingFactory(group=world.group_a2)
    response = world.client_for("lead_a").get(sheet_url(meeting))
    assert "Nobody is enrolled in this group on the meeting" in response.text


def test_hostile_names_are_escaped(world):
    participant_in(world.group_a1, full_name="<script>alert(1)</script>")
    response = world.client_for("facilitator_a1").get(sheet_url(world.meeting_a1))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "funder"])
def test_no_marking_role_gets_403(world, persona):
    assert world.client_for(persona).get(sheet_url(world.meeting_a1)).status_code == 403


def test_facilitator_of_another_group_gets_404(world):
    response = world.client_for("facilitator_b1").get(sheet_url(world.meeting_a1))
    assert response.status_code == 404


def test_missing_meeting_is_404(world):
    url = reverse("attendance_sheet", args=[999_999])
    assert world.client_for("facilitator_a1").get(url).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(sheet_url(world.meeting_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    response = world.client_for("facilitator_a1").post(sheet_url(world.meeting_a1))
    assert response.status_code == 405


# --- query count: the same for 5 and 50 participants (issue 4) -------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow_with_the_group(world, size, warm, django_assert_num_queries):
    meeting = MeetingFactory(group=world.group_a2)
    people = enrol(world.group_a2, size)
    for person in people[::2]:
        Attendance.objects.create(meeting=meeting, participant=person, status="present")
    Attendance.objects.create(meeting=meeting, guest_name="A guest", status="present")
    client = world.client_for("lead_a")
    warm(client, sheet_url(meeting))
    with django_assert_num_queries(8):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the meeting by its key, with group, organisation and venue (seen and
        #    worked in: the user's roles in its group come from 3.)
        # 5. the participants enrolled on the meeting's date (with the participant)
        # 6. every mark of the meeting, guests included
        # 7. marks kept aside (made offline before the meeting was moved or cancelled)
        response = client.get(sheet_url(meeting))
    assert len(response.context["rows"]) == size
    assert response.context["count"].marked == len(people[::2])


def test_the_buttons_tag_marks_the_pressed_status_and_escapes_labels():
    """meetings/templatetags/attendance_buttons.py: the markup the row's loop made."""
    from types import SimpleNamespace

    from django.template import Context, Template

    row = SimpleNamespace(key="7", status="absent")
    html = Template("{% load attendance_buttons %}{% attendance_buttons row choices %}").render(
        Context({"row": row, "choices": [("present", "Here"), ("absent", "<Away>")]})
    )
    assert html == (
        '<button type="submit" name="status" value="present" id="mark-7-present" '
        'class="btn attendance-btn attendance-present" aria-pressed="false">Here</button>\n'
        '<button type="submit" name="status" value="absent" id="mark-7-absent" '
        'class="btn attendance-btn attendance-absent" aria-pressed="true">'
        '<span aria-hidden="true">✓ </span>&lt;Away&gt;</button>'
    )
