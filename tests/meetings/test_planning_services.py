"""The planning services: series, single meetings, moves, cancellations, breaks and the
organisation's own dates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import services_planning
from meetings.models import CalendarEvent, EventSource, GroupBreak, MeetingStatus
from tests.factories import AMSTERDAM

pytestmark = pytest.mark.django_db


def _at(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


def test_series_create_makes_the_meetings_and_the_years_suggestions(world):
    series = services_planning.series_create(
        group=world.group_a1,
        first_date=dt.date(2026, 12, 1),
        until_date=dt.date(2027, 1, 26),
        interval_weeks=2,
        start_time=dt.time(10),
        end_time=dt.time(12),
        venue=world.venue_a,
        created_by=world.users["facilitator_a1"],
    )
    assert series.meetings.count() == 5
    years = set(
        CalendarEvent.objects.filter(organisation=world.org_a)
        .exclude(suggestion_key="")
        .values_list("starts_on__year", flat=True)
    )
    assert years == {2026, 2027}


def test_series_refuses_another_organisations_venue(world):
    with pytest.raises(ValidationError):
        services_planning.series_create(
            group=world.group_a1,
            first_date=dt.date(2026, 12, 1),
            until_date=dt.date(2026, 12, 1),
            interval_weeks=2,
            start_time=dt.time(10),
            end_time=dt.time(12),
            venue=world.venue_b,
            created_by=world.users["facilitator_a1"],
        )


def test_meeting_move_keeps_the_first_planned_time_over_two_moves(world):
    first = world.meeting_a1.starts_at
    moved = services_planning.meeting_move(
        meeting=world.meeting_a1,
        starts_at=_at(dt.date(2026, 3, 4), 10),
        ends_at=_at(dt.date(2026, 3, 4), 12),
        reason="Room",
    )
    moved = services_planning.meeting_move(
        meeting=moved,
        starts_at=_at(dt.date(2026, 3, 5), 10),
        ends_at=_at(dt.date(2026, 3, 5), 12),
        reason="Room again",
    )
    assert moved.moved_from == first
    assert moved.change_reason == "Room again"


def test_meeting_cancel_needs_a_reason(world):
    with pytest.raises(ValidationError):
        services_planning.meeting_cancel(meeting=world.meeting_a1, reason="  ")
    cancelled = services_planning.meeting_cancel(meeting=world.meeting_a1, reason="Ill")
    assert cancelled.status == MeetingStatus.CANCELLED


def test_break_create(world):
    agreed = services_planning.break_create(
        group=world.group_a1,
        starts_on=dt.date(2026, 7, 18),
        ends_on=dt.date(2026, 8, 30),
        reason="  Summer   holiday ",
    )
    assert agreed.reason == "Summer holiday"
    with pytest.raises(ValidationError):
        services_planning.break_create(
            group=world.group_a1, starts_on=dt.date(2026, 8, 30), ends_on=dt.date(2026, 7, 18)
        )
    assert GroupBreak.objects.count() == 1


def test_calendar_event_save_adds_and_corrects(world):
    event = services_planning.calendar_event_save(
        organisation=world.org_a,
        name=" Wijkfeest ",
        starts_on=dt.date(2026, 9, 5),
        ends_on=dt.date(2026, 9, 5),
        category="local",
    )
    assert event.source == EventSource.MANUAL and event.name == "Wijkfeest"
    with pytest.raises(ValidationError):
        services_planning.calendar_event_save(
            organisation=world.org_a, event=event, ends_on=dt.date(2026, 9, 1)
        )
    with pytest.raises(ValidationError):
        services_planning.calendar_event_save(organisation=world.org_b, event=event, dismissed=True)
    with pytest.raises(TypeError):
        services_planning.calendar_event_save(organisation=world.org_a, event=event, source="hijri")
