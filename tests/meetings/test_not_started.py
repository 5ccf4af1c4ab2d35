"""Nothing is recorded that has not happened (docs/decisions.md, decision 35).

Attendance and the record open when the meeting has started (Meeting.has_started,
MeetingQuerySet.started); every write path refuses a meeting still to come; a meeting
that really took place earlier is moved there in one step from the same screen; moving
or cancelling a meeting with attendance says what happens to the marks and asks to
confirm; reports never count a meeting that has not started."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import selectors_cocreation, services_attendance, services_planning
from meetings.models import Attendance, Idea, Meeting, MeetingStatus
from meetings.selectors import held_meetings_counted
from reporting import report as reports
from tests.factories import AMSTERDAM, MeetingFactory

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, 17:30 in Amsterdam: the day the fund report is made.
NOW = dt.datetime(2026, 12, 3, 17, 30, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def future(world):
    """Group A1's meeting a week from now: Thursday 10 December, 10:00–12:00."""
    return MeetingFactory(group=world.group_a1, day=dt.date(2026, 12, 10))


@pytest.fixture
def facilitator(world):
    return world.users["facilitator_a1"]


# --- the rule, in one place -------------------------------------------------------------


def test_a_meeting_starts_at_its_start_time(world):
    meeting = MeetingFactory(group=world.group_a1, day=dt.date(2026, 12, 3))
    before, at = meeting.starts_at - dt.timedelta(seconds=1), meeting.starts_at
    assert not meeting.has_started(before) and meeting.has_started(at)
    assert not Meeting.objects.filter(pk=meeting.pk).started(before).exists()
    assert Meeting.objects.filter(pk=meeting.pk).started(at).exists()
    assert meeting.has_started()  # the clock: 17:30, after 10:00


# --- every write path refuses a meeting still to come ------------------------------------


def _write(kind, meeting, world, facilitator):
    if kind == "mark":
        services_attendance.attendance_mark(
            meeting=meeting,
            participant=world.participant_a1,
            status="present",
            marked_by=facilitator,
        )
    elif kind == "rest_present":
        services_attendance.attendance_mark_rest_present(
            meeting=meeting, participants=[world.participant_a1], marked_by=facilitator
        )
    elif kind == "guest":
        services_attendance.attendance_add_guest(
            meeting=meeting, name="Guest", is_trial=False, marked_by=facilitator
        )
    else:
        services_planning.meeting_record(
            meeting=meeting, version=meeting.version, recorded_by=facilitator, guest="Speaker"
        )


@pytest.mark.parametrize("kind", ["mark", "rest_present", "guest", "record"])
def test_services_refuse_a_meeting_that_has_not_started(world, future, facilitator, kind):
    with pytest.raises(ValidationError) as caught:
        _write(kind, future, world, facilitator)
    assert "has not started yet" in " ".join(caught.value.messages)
    future.refresh_from_db()
    assert future.status == MeetingStatus.PLANNED and future.guest == ""
    assert not Attendance.objects.filter(meeting=future).exists()


@pytest.mark.parametrize("kind", ["mark", "rest_present", "guest", "record"])
def test_services_accept_it_once_it_has_started(world, future, facilitator, kind):
    with time_machine.travel(future.starts_at, tick=False):
        _write(kind, future, world, facilitator)
    future.refresh_from_db()
    assert future.status == MeetingStatus.HELD or Attendance.objects.filter(meeting=future)


# --- the pages --------------------------------------------------------------------------


def test_the_sheet_says_when_it_opens_and_offers_the_move(world, future, login, facilitator):
    response = login(facilitator).get(reverse("attendance_sheet", args=[future.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This meeting has not started yet" in body
    assert "10:00" in body
    assert 'id="rest-present"' not in body
    assert reverse("meeting_took_place", args=[future.pk]) in body
    assert response.context["form"]["then"].value() == "attendance"


def test_a_volunteer_sees_when_it_opens_but_cannot_move_it(world, future, login):
    response = login(world.users["volunteer_a1"]).get(reverse("attendance_sheet", args=[future.pk]))
    assert response.status_code == 200
    assert "This meeting has not started yet" in response.content.decode()
    assert response.context["form"] is None
    took_place = reverse("meeting_took_place", args=[future.pk])
    data = {"date": "2026-12-03", "start_time": "10:00", "end_time": "12:00"}
    assert login(world.users["volunteer_a1"]).post(took_place, data).status_code == 403


def test_marking_a_meeting_still_to_come_is_refused(world, future, login, facilitator):
    client = login(facilitator)
    mark = client.post(
        reverse("attendance_mark", args=[future.pk]),
        {"participant": world.participant_a1.pk, "status": "present"},
    )
    rest = client.post(reverse("attendance_rest_present", args=[future.pk]))
    client.post(reverse("attendance_guest", args=[future.pk]), {"name": "Guest"})
    assert (mark.status_code, rest.status_code) == (400, 400)
    assert not Attendance.objects.filter(meeting=future).exists()


def test_the_record_of_a_meeting_still_to_come_is_not_saved(world, future, login, facilitator):
    url = reverse("meeting_record", args=[future.pk])
    client = login(facilitator)
    page = client.get(url)
    assert "This meeting has not started yet" in page.content.decode()
    assert page.context["form"]["then"].value() == "record"
    client.post(url, {"version": future.version, "guest": "Speaker"})
    future.refresh_from_db()
    assert (future.status, future.guest) == (MeetingStatus.PLANNED, "")


@pytest.mark.parametrize(
    ("then", "page"), [("attendance", "attendance_sheet"), ("record", "meeting_record")]
)
def test_it_took_place_earlier_moves_it_in_one_step(world, future, login, facilitator, then, page):
    response = login(facilitator).post(
        reverse("meeting_took_place", args=[future.pk]),
        {"date": "2026-12-03", "start_time": "10:00", "end_time": "12:00", "then": then},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(page, args=[future.pk])
    future.refresh_from_db()
    assert future.starts_at == dt.datetime(2026, 12, 3, 10, tzinfo=AMSTERDAM)
    assert future.moved_from == dt.datetime(2026, 12, 10, 10, tzinfo=AMSTERDAM)
    assert future.change_reason
    sheet = login(facilitator).get(reverse("attendance_sheet", args=[future.pk]))
    assert 'id="rest-present"' in sheet.content.decode()


def test_the_form_guesses_today_at_the_planned_time(world, future, login, facilitator):
    form = login(facilitator).get(reverse("attendance_sheet", args=[future.pk])).context["form"]
    assert form["date"].value() == dt.date(2026, 12, 3)
    assert (form["start_time"].value(), form["end_time"].value()) == (dt.time(10), dt.time(12))


def test_before_the_planned_time_the_guess_is_the_hour_just_begun(world, login, facilitator):
    evening = MeetingFactory(
        group=world.group_a1,
        starts_at=dt.datetime(2026, 12, 10, 19, tzinfo=AMSTERDAM),
        ends_at=dt.datetime(2026, 12, 10, 21, tzinfo=AMSTERDAM),
    )
    form = login(facilitator).get(reverse("attendance_sheet", args=[evening.pk])).context["form"]
    assert (form["start_time"].value(), form["end_time"].value()) == (dt.time(17), dt.time(19))


def test_it_cannot_be_moved_to_a_time_still_to_come(world, future, login, facilitator):
    response = login(facilitator).post(
        reverse("meeting_took_place", args=[future.pk]),
        {"date": "2026-12-03", "start_time": "18:00", "end_time": "20:00"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["start_time"]
    future.refresh_from_db()
    assert future.moved_from is None


# --- moving and cancelling a meeting with attendance -------------------------------------


@pytest.fixture
def marked(world):
    """World's meeting of 3 March 2026 with two marks."""
    meeting = world.meeting_a1
    Attendance.objects.create(meeting=meeting, participant=world.participant_a1, status="present")
    Attendance.objects.create(meeting=meeting, guest_name="Guest", status="present")
    return meeting


MOVE = {"date": "2026-03-04", "start_time": "10:00", "end_time": "12:00", "reason": "Room"}


def test_move_says_the_marks_move_with_it_and_asks_to_confirm(world, marked, login, facilitator):
    client = login(facilitator)
    url = reverse("meeting_move", args=[marked.pk])
    page = client.get(url).content.decode()
    assert "This meeting has 2 attendance marks. They stay with the meeting" in page
    unconfirmed = client.post(url, MOVE)
    assert unconfirmed.status_code == 200 and unconfirmed.context["form"].errors["keep_marks"]
    marked.refresh_from_db()
    assert marked.moved_from is None
    assert client.post(url, {**MOVE, "keep_marks": "on"}).status_code == 302
    marked.refresh_from_db()
    assert marked.starts_at == dt.datetime(2026, 3, 4, 10, tzinfo=AMSTERDAM)
    assert Attendance.objects.filter(meeting=marked).count() == 2


def test_a_meeting_with_marks_cannot_move_into_the_future(world, marked, login, facilitator):
    response = login(facilitator).post(
        reverse("meeting_move", args=[marked.pk]),
        {**MOVE, "date": "2026-12-10", "keep_marks": "on"},
    )
    assert response.status_code == 200
    assert "took place" in str(response.context["form"].errors)
    marked.refresh_from_db()
    assert marked.moved_from is None


def test_move_without_marks_asks_nothing(world, login, facilitator):
    url = reverse("meeting_move", args=[world.meeting_a1.pk])
    assert "keep_marks" not in login(facilitator).get(url).context["form"].fields
    assert login(facilitator).post(url, MOVE).status_code == 302


def test_cancel_says_the_marks_are_removed_and_asks_to_confirm(world, marked, login, facilitator):
    client = login(facilitator)
    url = reverse("meeting_cancel", args=[marked.pk])
    page = client.get(url).content.decode()
    assert "This meeting has 2 attendance marks. A cancelled meeting did not take place" in page
    unconfirmed = client.post(url, {"reason": "Ill"})
    assert unconfirmed.context["form"].errors["remove_marks"]
    marked.refresh_from_db()
    assert marked.status == MeetingStatus.PLANNED
    assert client.post(url, {"reason": "Ill", "remove_marks": "on"}).status_code == 302
    marked.refresh_from_db()
    assert marked.status == MeetingStatus.CANCELLED
    assert not Attendance.objects.filter(meeting=marked).exists()


def test_the_cancel_service_removes_marks_only_when_told(world, marked):
    with pytest.raises(ValidationError):
        services_planning.meeting_cancel(meeting=marked, reason="Ill")
    assert Attendance.objects.filter(meeting=marked).count() == 2
    services_planning.meeting_cancel(meeting=marked, reason="Ill", remove_marks=True)
    assert not Attendance.objects.filter(meeting=marked).exists()


# --- reports count only what has happened ------------------------------------------------


def _recorded_before_it_happened(world, day=dt.date(2026, 12, 10)):
    """What the old pages let a facilitator do: a meeting a week ahead marked held, with
    attendance and an idea done there (written directly: the services refuse it now)."""
    meeting = MeetingFactory(group=world.group_a1, day=day, status=MeetingStatus.HELD)
    Attendance.objects.create(meeting=meeting, participant=world.participant_a1, status="present")
    Idea.objects.create(group=world.group_a1, title="Cook", status="done", meeting=meeting)
    return meeting


def test_the_fund_report_counts_only_meetings_that_started(world):
    before = reports.build_grant_report(world.grant_a)
    _recorded_before_it_happened(world)
    after = reports.build_grant_report(world.grant_a)
    assert after.meetings.held == before.meetings.held
    assert after.activities.meetings_held == before.activities.meetings_held
    assert after.activities.ideas_done == before.activities.ideas_done
    assert after.attendance.participant_marks == before.attendance.participant_marks
    MeetingFactory(
        group=world.group_a1, day=dt.date(2026, 12, 24), status="cancelled", change_reason="x"
    )
    assert reports.build_grant_report(world.grant_a).meetings.cancelled == before.meetings.cancelled
    # The grant runs to 31 December: the report says it counts up to the day it is made.
    assert (after.made_on, after.counted_until) == (dt.date(2026, 12, 3), dt.date(2026, 12, 3))
    assert after.period_running


def test_the_report_page_says_it_counts_up_to_today(world, login):
    url = reverse("grant_report", args=[world.grant_a.pk])
    body = login(world.users["lead_a"]).get(url).content.decode()
    assert 'id="counted-until"' in body and "3 December 2026" in body


def test_the_cocreation_share_counts_only_ideas_of_held_meetings(world):
    before = selectors_cocreation.cocreation_share(held=held_meetings_counted(group=world.group_a1))
    _recorded_before_it_happened(world)
    after = selectors_cocreation.cocreation_share(held=held_meetings_counted(group=world.group_a1))
    assert sum(p.activities for p in after.periods) == sum(p.activities for p in before.periods)
    assert sum(p.meetings_held for p in after.periods) == sum(
        p.meetings_held for p in before.periods
    )
