"""Reads for planning meetings and the planning rules (views_planning.py).

The rules (tested in tests/meetings/test_cadence.py):
- A group should meet at least 10 times within 12 months (MIN_MEETINGS_PER_YEAR).
- No more than 14 days between two meetings (MAX_GAP_DAYS), except during a break the
  group agreed on (GroupBreak).
- Cancelled meetings do not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from groups.access import Need, group_ids_for
from groups.models import Group
from stetapp.compiled import CompiledQuery

from .models import Attendance, CalendarEvent, GroupBreak, Meeting, MeetingStatus

MIN_MEETINGS_PER_YEAR = 10
MAX_GAP_DAYS = 14


@dataclass
class Gap:
    after: dt.date
    before: dt.date
    days: int


@dataclass
class Cadence:
    window_start: dt.date
    window_end: dt.date
    held: int
    planned: int
    gaps: list[Gap] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.held + self.planned

    @property
    def on_course(self) -> bool:
        return self.total >= MIN_MEETINGS_PER_YEAR

    @property
    def missing(self) -> int:
        return max(0, MIN_MEETINGS_PER_YEAR - self.total)


def _break_days(start: dt.date, end: dt.date, breaks: list[GroupBreak]) -> int:
    """Days strictly between start and end that fall in an agreed break."""
    days = 0
    for b in breaks:
        first = max(start + dt.timedelta(days=1), b.starts_on)
        last = min(end - dt.timedelta(days=1), b.ends_on)
        if last >= first:
            days += (last - first).days + 1
    return days


def gaps_between(dates: list[dt.date], breaks: list[GroupBreak]) -> list[Gap]:
    """Gaps of more than 14 days between consecutive meeting dates, not counting the
    days of an agreed break."""
    gaps = []
    ordered = sorted(set(dates))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        days = (later - earlier).days - _break_days(earlier, later, breaks)
        if days > MAX_GAP_DAYS:
            gaps.append(Gap(after=earlier, before=later, days=days))
    return gaps


def group_cadence(*, group: Group, today: dt.date | None = None) -> Cadence:
    """Is the group on course for 10 meetings in 12 months? The window is the 12 months
    from the group's start date (or its first meeting), or the last 12 months once that
    first year is over. Held meetings (Meeting.objects.held) and meetings still to come
    (planned) count; cancelled ones do not, nor do past meetings nobody recorded. With
    `today`, "now" is the start of that day. Two queries."""
    if today is None:
        now = timezone.now()
        today = timezone.localdate(now)
    else:
        now = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    of_group = Meeting.objects.filter(group=group)
    meetings = list(
        (of_group.held(now) | of_group.planned(now)).order_by("starts_at").only("starts_at")
    )
    breaks = list(GroupBreak.objects.filter(group=group))
    first = group.start_date or (meetings[0].date if meetings else today)
    year = dt.timedelta(days=365)
    start = first if today < first + year else today - year
    end = start + dt.timedelta(days=365)
    in_window = [m for m in meetings if start <= m.date < end]
    # held() only has started meetings, planned() only those still to come.
    held = sum(1 for m in in_window if m.starts_at <= now)
    planned = len(in_window) - held
    return Cadence(
        window_start=start,
        window_end=end,
        held=held,
        planned=planned,
        gaps=gaps_between([m.date for m in in_window], breaks),
    )


def calendar_conflicts(
    *, organisation_id: int, dates: list[dt.date]
) -> dict[dt.date, list[CalendarEvent]]:
    """For each date, the organisation's (not dismissed) events that cover it. One query."""
    if not dates:
        return {}
    events = list(
        CalendarEvent.objects.filter(
            organisation_id=organisation_id,
            dismissed=False,
            starts_on__lte=max(dates),
            ends_on__gte=min(dates),
        )
    )
    return {
        day: [e for e in events if e.starts_on <= day <= e.ends_on]
        for day in dates
        if any(e.starts_on <= day <= e.ends_on for e in events)
    }


# What a list of meetings on the home page shows: the day and time, the group's name
# (and the venue's, for the next meetings); the rest of the rows is not read.
_LISTED = ("group_id", "venue_id", "starts_at", "status", "group__name")


# How many meetings each list of the home page shows. A constant of the compiled queries
# below: Django writes a LIMIT into the SQL itself, not as a parameter.
HOME_MEETINGS = 8


def _upcoming_query(*, group_ids: list[int], now: dt.datetime, until: dt.datetime) -> QuerySet:
    return (
        Meeting.objects.filter(group_id__in=group_ids)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__gte=now, starts_at__lte=until)
        .select_related("group", "venue")
        .only(*_LISTED, "venue__name")
        .order_by("starts_at")[:HOME_MEETINGS]
    )


def _to_record_query(*, group_ids: list[int], now: dt.datetime, with_record: bool) -> QuerySet:
    marks = Attendance.objects.filter(meeting_id=OuterRef("pk"))
    meetings = (
        Meeting.objects.filter(group_id__in=group_ids)
        .started(now)
        .filter(status=MeetingStatus.PLANNED)
        .annotate(has_marks=Exists(marks))
        .select_related("group")
        .only(*_LISTED)
        .order_by("-starts_at")
    )
    if not with_record:
        meetings = meetings.filter(~Exists(marks))
    return meetings[:HOME_MEETINGS]


# Compiled once per process and shape (stetapp/compiled.py, docs/decisions.md 70): the
# home page's two meeting lists cost more to build than to run.
_UPCOMING = CompiledQuery(_upcoming_query)
# One per kind of list: a flag that changes the query's shape is not a value to pass.
_TO_RECORD = {
    with_record: CompiledQuery(partial(_to_record_query, with_record=with_record))
    for with_record in (False, True)
}


def upcoming_meetings_for(*, user, days: int = 14) -> list[Meeting]:
    """The next `HOME_MEETINGS` meetings of the groups the user works in, in the next
    `days` days (facilitator's home page), filtered by the user's group ids first
    (docs/decisions.md, decision 57), with their group's and venue's names."""
    group_ids = group_ids_for(user, need=Need.WORK)
    if not group_ids:
        return []
    now = timezone.now()
    return _UPCOMING.objects(  # type: ignore[return-value]
        group_ids=group_ids, now=now, until=now + dt.timedelta(days=days)
    )


def meetings_to_record_for(*, user, with_record: bool = False) -> list[Meeting]:
    """The `HOME_MEETINGS` most recent started meetings of the user's groups still to
    record, each with `has_marks`: nobody marked attendance yet, or (`with_record`, for those who
    write the record) marked but the record of what happened is not saved yet.

    A page's cost is bounded by what it shows (docs/decisions.md, decision 57): the
    user's group ids first (`group_id IN (…)`, resolved once per request), and "no marks"
    is NOT EXISTS on the meeting's marks, never a NOT IN over all attendance."""
    group_ids = group_ids_for(user, need=Need.WORK)
    if not group_ids:
        return []
    return _TO_RECORD[with_record].objects(  # type: ignore[return-value]
        group_ids=group_ids, now=timezone.now()
    )
