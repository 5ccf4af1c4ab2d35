"""meetings.services_attendance: attendance_mark, attendance_mark_rest_present,
attendance_add_guest and follow_up_record."""

import pytest
from django.core.exceptions import ValidationError

from meetings import services_attendance
from meetings.models import Attendance, FollowUpCall, MeetingStatus
from tests.factories import participant_in


@pytest.fixture
def facilitator(world):
    return world.users["facilitator_a1"]


def test_mark_creates_then_updates_one_row(world, facilitator):
    meeting, person = world.meeting_a1, world.participant_a1
    first = services_attendance.attendance_mark(
        meeting=meeting, participant=person, status="absent", marked_by=facilitator
    )
    second = services_attendance.attendance_mark(
        meeting=meeting, participant=person, status="present", marked_by=world.users["lead_a"]
    )
    assert first.mark.pk == second.mark.pk
    mark = Attendance.objects.get()
    assert (mark.status, mark.marked_by) == ("present", world.users["lead_a"])


def test_mark_refuses_an_unknown_status(world, facilitator):
    with pytest.raises(ValidationError):
        services_attendance.attendance_mark(
            meeting=world.meeting_a1,
            participant=world.participant_a1,
            status="late",
            marked_by=facilitator,
        )
    assert Attendance.objects.count() == 0


def test_mark_refuses_a_cancelled_meeting(world, facilitator):
    world.meeting_a1.status = MeetingStatus.CANCELLED
    with pytest.raises(ValidationError):
        services_attendance.attendance_mark(
            meeting=world.meeting_a1,
            participant=world.participant_a1,
            status="present",
            marked_by=facilitator,
        )


def test_rest_present_keeps_marks_and_counts_the_new_ones(world, facilitator):
    others = [participant_in(world.group_a1) for _ in range(3)]
    services_attendance.attendance_mark(
        meeting=world.meeting_a1, participant=others[0], status="excused", marked_by=facilitator
    )
    everyone = [world.participant_a1, *others]
    n = services_attendance.attendance_mark_rest_present(
        meeting=world.meeting_a1, participants=everyone, marked_by=facilitator
    )
    assert n == 3
    assert Attendance.objects.get(participant=others[0]).status == "excused"
    assert Attendance.objects.filter(status="present").count() == 3
    again = services_attendance.attendance_mark_rest_present(
        meeting=world.meeting_a1, participants=everyone, marked_by=facilitator
    )
    assert again == 0
    assert Attendance.objects.count() == 4


def test_add_guest_normalises_the_name(world, facilitator):
    guest = services_attendance.attendance_add_guest(
        meeting=world.meeting_a1, name="  Mevrouw   de Vries ", is_trial=True, marked_by=facilitator
    )
    assert (guest.guest_name, guest.is_trial, guest.status) == ("Mevrouw de Vries", True, "present")


@pytest.mark.parametrize("name", ["", "   ", "x" * 151])
def test_add_guest_refuses_a_bad_name(world, facilitator, name):
    with pytest.raises(ValidationError):
        services_attendance.attendance_add_guest(
            meeting=world.meeting_a1, name=name, is_trial=False, marked_by=facilitator
        )
    assert Attendance.objects.count() == 0


def test_two_guests_with_the_same_name_are_two_people(world, facilitator):
    for _ in range(2):
        services_attendance.attendance_add_guest(
            meeting=world.meeting_a1, name="Ali", is_trial=False, marked_by=facilitator
        )
    assert Attendance.objects.filter(guest_name="Ali").count() == 2


def test_follow_up_record(world, facilitator):
    call = services_attendance.follow_up_record(
        participant=world.participant_a1, called_by=facilitator, outcome="reached", notes=" ok "
    )
    assert (call.outcome, call.notes, call.called_by) == ("reached", "ok", facilitator)
    with pytest.raises(ValidationError):
        services_attendance.follow_up_record(
            participant=world.participant_a1, called_by=facilitator, outcome="shouted"
        )
    assert FollowUpCall.objects.count() == 1
