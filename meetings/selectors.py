"""Reads every meetings area shares (docs/decisions.md, decision 32): a meeting fetched
through the access layer. Each area's reads are in selectors_<area>.py, next to its
views_<area>.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from groups.access import Need, get_in_group_or_404
from groups.models import Group
from stetapp.compiled import CompiledQuery

from .models import IDEA_DONE_STATUSES, AttendanceStatus, Meeting


def meeting_get_for_user(*, user, pk, need: Need = Need.READ) -> Meeting:
    """One meeting, with its group, organisation and venue: 404 unless the user sees its
    group; 403 unless the user may act on the group as `need` asks (`Need.WORK` to take
    attendance, `Need.EDIT` to plan and record). Two queries at most."""
    return get_in_group_or_404(
        Meeting.objects.select_related("group", "group__organisation", "venue"),
        user=user,
        pk=pk,
        need=need,
    )


def meeting_mark_count(*, meeting: Meeting) -> int:
    """How many attendance marks the meeting has (guests included): what moving or
    cancelling it asks the facilitator to confirm. One query."""
    return meeting.attendance.count()


@dataclass(frozen=True)
class HeldMeeting:
    """One held meeting of a group, with what the group page counts of it."""

    starts_at: dt.datetime
    marked: int  # attendance marks, guests included
    present: int
    done_ideas: int  # ideas done (or looked back on) at this meeting
    done_by_participants: int  # of which a participant proposed
    organised: bool  # a participant helped organise it


def _held_meetings_query(*, group_id: int, now: dt.datetime) -> QuerySet:
    """The query of `held_meetings_counted`: pure in its arguments, so that it compiles
    once per process (stetapp.compiled)."""
    done = Q(ideas__group_id=group_id, ideas__status__in=IDEA_DONE_STATUSES)
    return (
        Meeting.objects.filter(group_id=group_id)
        .held(now)
        .annotate(
            marked=Count("attendance", distinct=True),
            present=Count(
                "attendance",
                filter=Q(attendance__status=AttendanceStatus.PRESENT),
                distinct=True,
            ),
            done_ideas=Count("ideas", filter=done, distinct=True),
            done_by_participants=Count(
                "ideas", filter=done & Q(ideas__proposed_by__isnull=False), distinct=True
            ),
            organised=Exists(Meeting.organisers.through.objects.filter(meeting_id=OuterRef("pk"))),
        )
        .order_by("starts_at", "pk")
        .values_list(
            "starts_at", "marked", "present", "done_ideas", "done_by_participants", "organised"
        )
    )


_HELD_MEETINGS = CompiledQuery(_held_meetings_query)


def held_meetings_counted(*, group: Group, now: dt.datetime | None = None) -> list[HeldMeeting]:
    """The group's held meetings (Meeting.objects.held at `now`, the clock by default),
    oldest first, each with its attendance and its done ideas counted and whether a
    participant helped organise it.

    ONE query for the two sections of the group page that read the held meetings: the
    attendance chart (selectors_attendance.attendance_over_time) and the co-creation share
    (selectors_cocreation.cocreation_share). A page's cost is bounded by what it shows
    (docs/decisions.md, decision 57): the group's own meetings, a few dozen a year. The
    marks and the ideas are joined side by side, so each is counted by its distinct key;
    an idea's meeting is always one of its own group's (meetings.services_cocreation).
    Compiled once per process (decision 70): building this query cost four times what
    PostgreSQL takes to run it."""
    rows = _HELD_MEETINGS.rows(group_id=group.pk, now=now or timezone.now())
    return [
        HeldMeeting(
            starts_at=starts_at,
            marked=marked,
            present=present,
            done_ideas=done_ideas,
            done_by_participants=by_participants,
            organised=bool(organised),
        )
        for starts_at, marked, present, done_ideas, by_participants, organised in rows
    ]
