"""The cadence rules (issue 4): at least 10 meetings in 12 months, no more than 14 days
between two meetings except during an agreed break, cancelled meetings do not count."""

import datetime as dt

import pytest

from meetings.models import Attendance, GroupBreak, MeetingStatus
from meetings.selectors_planning import gaps_between, group_cadence
from tests.factories import GroupFactory, MeetingFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 6)  # a Tuesday


@pytest.fixture
def group():
    return GroupFactory(start_date=START)


def _every_two_weeks(group, count, first=START, **kwargs):
    return [
        MeetingFactory(group=group, day=first + dt.timedelta(weeks=2 * i), **kwargs)
        for i in range(count)
    ]


def test_ten_meetings_in_twelve_months_are_on_course(group):
    _every_two_weeks(group, 10)
    cadence = group_cadence(group=group, today=START)
    assert cadence.total == 10
    assert cadence.on_course
    assert cadence.missing == 0
    assert (cadence.window_start, cadence.window_end) == (START, START + dt.timedelta(days=365))


def test_nine_meetings_are_one_short(group):
    _every_two_weeks(group, 9)
    cadence = group_cadence(group=group, today=START)
    assert not cadence.on_course
    assert cadence.missing == 1


def test_cancelled_meetings_do_not_count(group):
    meetings = _every_two_weeks(group, 10)
    meetings[3].status = MeetingStatus.CANCELLED
    meetings[3].change_reason = "Eid al-Fitr"
    meetings[3].save()
    cadence = group_cadence(group=group, today=START)
    assert cadence.total == 9
    assert cadence.missing == 1
    # Its date no longer bridges the gap either: four weeks between the 3rd and 5th.
    assert [g.days for g in cadence.gaps] == [28]


def test_held_and_planned_are_told_apart(group):
    meetings = _every_two_weeks(group, 10)
    for meeting in meetings[:3]:
        meeting.status = MeetingStatus.HELD
        meeting.save()
    cadence = group_cadence(group=group, today=START + dt.timedelta(weeks=5))
    assert (cadence.held, cadence.planned) == (3, 7)


def test_a_past_meeting_nobody_recorded_is_neither_held_nor_planned(group):
    """Held is Meeting.objects.held (decision 28): a past meeting without a record or
    attendance did not count as held before it, it no longer counts as held here."""
    meetings = _every_two_weeks(group, 10)
    meetings[0].status = MeetingStatus.HELD
    meetings[0].save()
    Attendance.objects.create(meeting=meetings[1], guest_name="Guest", status="present")
    cadence = group_cadence(group=group, today=START + dt.timedelta(weeks=5))
    assert (cadence.held, cadence.planned) == (2, 7)
    assert cadence.missing == 1


def test_meetings_outside_the_window_do_not_count(group):
    _every_two_weeks(group, 9)
    MeetingFactory(group=group, day=START + dt.timedelta(days=400))
    assert not group_cadence(group=group, today=START).on_course


def test_a_fifteen_day_gap_is_flagged_and_fourteen_is_not(group):
    MeetingFactory(group=group, day=dt.date(2026, 3, 3))
    MeetingFactory(group=group, day=dt.date(2026, 3, 17))  # 14 days later
    MeetingFactory(group=group, day=dt.date(2026, 4, 1))  # 15 days later
    gaps = group_cadence(group=group, today=START).gaps
    assert len(gaps) == 1
    assert (gaps[0].after, gaps[0].before, gaps[0].days) == (
        dt.date(2026, 3, 17),
        dt.date(2026, 4, 1),
        15,
    )


def test_a_gap_inside_an_agreed_summer_break_is_not_flagged(group):
    MeetingFactory(group=group, day=dt.date(2026, 7, 7))
    MeetingFactory(group=group, day=dt.date(2026, 9, 1))
    GroupBreak.objects.create(
        group=group, starts_on=dt.date(2026, 7, 8), ends_on=dt.date(2026, 8, 31), reason="summer"
    )
    assert group_cadence(group=group, today=START).gaps == []


def test_a_partly_covered_gap_counts_only_the_days_outside_the_break(group):
    # 56 days from 7 July to 1 September; a break of 41 days (21 July – 30 August)
    # leaves 15 days of gap: flagged. One more break day leaves 14: not flagged.
    MeetingFactory(group=group, day=dt.date(2026, 7, 7))
    MeetingFactory(group=group, day=dt.date(2026, 9, 1))
    summer = GroupBreak.objects.create(
        group=group, starts_on=dt.date(2026, 7, 21), ends_on=dt.date(2026, 8, 30)
    )
    gaps = group_cadence(group=group, today=START).gaps
    assert [g.days for g in gaps] == [15]
    summer.starts_on = dt.date(2026, 7, 20)
    summer.save()
    assert group_cadence(group=group, today=START).gaps == []


def test_a_break_running_past_the_meetings_counts_only_the_days_between():
    breaks = [GroupBreak(starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 12, 31))]
    gaps = gaps_between([dt.date(2026, 5, 1), dt.date(2026, 6, 20)], breaks)
    # 50 days, of which 19 (1–19 June) fall in the break: 31 days of gap remain.
    assert [g.days for g in gaps] == [31]


def test_the_window_moves_after_the_first_year(group):
    _every_two_weeks(group, 10, status=MeetingStatus.HELD)  # January – May 2026
    first_year = group_cadence(group=group, today=dt.date(2026, 6, 1))
    assert first_year.window_start == START
    assert first_year.on_course
    later = group_cadence(group=group, today=dt.date(2027, 3, 1))
    assert later.window_start == dt.date(2027, 3, 1) - dt.timedelta(days=365)
    assert later.window_end == dt.date(2027, 3, 1)
    # Only the meetings from March 2026 on are in the last twelve months.
    dates = [START + dt.timedelta(weeks=2 * i) for i in range(10)]
    assert later.total == len([d for d in dates if d >= later.window_start])
    assert not later.on_course


def test_without_a_start_date_the_window_starts_at_the_first_meeting():
    group = GroupFactory(start_date=None)
    MeetingFactory(group=group, day=dt.date(2026, 2, 3))
    cadence = group_cadence(group=group, today=dt.date(2026, 2, 1))
    assert cadence.window_start == dt.date(2026, 2, 3)


def test_the_window_follows_the_clock(group, time_machine):
    _every_two_weeks(group, 10)
    time_machine.move_to(dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC), tick=False)
    cadence = group_cadence(group=group)
    assert cadence.window_end == dt.date(2027, 6, 1)
    assert cadence.total == 0
