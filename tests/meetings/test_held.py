"""One definition of a held meeting (docs/decisions.md, decision 28):
`MeetingQuerySet.held(now)` — started, not cancelled, and marked held or with at least one
attendance mark. Cadence, the funding pages, the fund report and the dashboard all count
with it."""

import datetime as dt

import pytest

from meetings.models import Attendance, Meeting, MeetingStatus
from tests.factories import AMSTERDAM, GroupFactory, MeetingFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=AMSTERDAM)


@pytest.fixture
def group():
    return GroupFactory()


def _mark(meeting):
    Attendance.objects.create(meeting=meeting, guest_name="Guest", status="present")


@pytest.fixture
def meetings(group):
    """One meeting of every kind; the name says whether it is held at NOW."""
    made = {
        "held_marked": MeetingFactory(group=group, day=dt.date(2026, 3, 3), status="held"),
        "held_by_attendance": MeetingFactory(group=group, day=dt.date(2026, 3, 4)),
        "past_unrecorded": MeetingFactory(group=group, day=dt.date(2026, 3, 5)),
        "cancelled_with_marks": MeetingFactory(
            group=group, day=dt.date(2026, 3, 6), status="cancelled", change_reason="ill"
        ),
        "future_marked_held": MeetingFactory(group=group, day=dt.date(2026, 3, 17), status="held"),
        "future_with_marks": MeetingFactory(group=group, day=dt.date(2026, 3, 18)),
        "future_planned": MeetingFactory(group=group, day=dt.date(2026, 3, 19)),
        # Started at 10:00 on NOW's day, two hours before NOW, marked: held.
        "today_marked": MeetingFactory(group=group, day=dt.date(2026, 3, 10)),
    }
    for name in ("held_by_attendance", "cancelled_with_marks", "future_with_marks", "today_marked"):
        _mark(made[name])
    _mark(made["held_by_attendance"])  # two marks count once
    Attendance.objects.create(
        meeting=made["held_by_attendance"], guest_name="Other", status="absent"
    )
    return made


def _names(queryset, meetings):
    by_pk = {m.pk: name for name, m in meetings.items()}
    return sorted(by_pk[pk] for pk in queryset.values_list("pk", flat=True))


def test_held_started_not_cancelled_and_marked_held_or_with_attendance(meetings):
    assert _names(Meeting.objects.held(now=NOW), meetings) == [
        "held_by_attendance",
        "held_marked",
        "today_marked",
    ]


def test_planned_are_the_meetings_not_started_and_not_cancelled(meetings):
    assert _names(Meeting.objects.planned(now=NOW), meetings) == [
        "future_marked_held",
        "future_planned",
        "future_with_marks",
    ]


def test_with_held_flags_the_same_meetings(meetings):
    flagged = Meeting.objects.with_held(now=NOW).filter(is_held=True)
    assert _names(flagged, meetings) == _names(Meeting.objects.held(now=NOW), meetings)
    assert Meeting.objects.with_held(now=NOW).count() == len(meetings)


def test_a_meeting_is_held_from_its_start(group):
    meeting = MeetingFactory(group=group, day=dt.date(2026, 3, 10), status="held")
    assert not Meeting.objects.held(now=meeting.starts_at - dt.timedelta(seconds=1)).exists()
    assert Meeting.objects.held(now=meeting.starts_at).exists()


def test_now_defaults_to_the_clock(group, time_machine):
    MeetingFactory(group=group, day=dt.date(2026, 3, 3), status=MeetingStatus.HELD)
    time_machine.move_to(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False)
    assert Meeting.objects.held().count() == 0
    time_machine.move_to(dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC), tick=False)
    assert Meeting.objects.held().count() == 1
