"""Reads for attendance and the follow-up calls (views_attendance.py): who to call,
and attendance over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from groups.access import Need, group_ids_for, groups_worked_in
from groups.models import Group
from stetapp.compiled import CompiledQuery

from .models import Meeting, MeetingStatus
from .selectors import HeldMeeting


@dataclass
class PersonToCall:
    """Someone a facilitator should call, with why and the last call made."""

    participant: object
    missed_twice: bool
    left_without_notice: bool
    left_on: dt.date | None = None
    last_call_at: dt.datetime | None = None
    last_call_outcome: str = ""
    last_call_by: str = ""

    @property
    def last_call_outcome_label(self) -> str:
        from .models import CallOutcome

        return str(CallOutcome(self.last_call_outcome).label) if self.last_call_outcome else ""


LEFT_WITHOUT_NOTICE_DAYS = 30


def _to_call_query(
    *, group_ids: list[int], now: dt.datetime, today: dt.date, since: dt.date
) -> QuerySet:
    """The query of `_to_call`: (participant id, None) for those absent twice, (participant
    id, the day they left) for those gone quietly since `since`, in the groups `group_ids`.

    The two most recent started, not cancelled meetings with attendance of each group are
    ranked once for all the groups: rank 1 and 2 (meetings at the same time share a rank,
    as "starts at or after the second latest" would have it)."""
    from django.db.models import Count, DateField, Exists, Max, OuterRef, Value
    from django.db.models.functions import Rank

    from participants.models import Enrolment, LeaveReason

    from .models import Attendance, AttendanceStatus

    latest_two = (
        Meeting.objects.filter(group_id__in=group_ids)
        .started(now)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(Exists(Attendance.objects.filter(meeting_id=OuterRef("pk"))))
        .annotate(
            recency=Window(Rank(), partition_by=[F("group_id")], order_by=F("starts_at").desc())
        )
        .filter(recency__lte=2)
        .values("pk")
    )
    # Absent at both (excused does not count), and still enrolled in one of the groups.
    missed_twice = (
        Attendance.objects.filter(
            status=AttendanceStatus.ABSENT,
            meeting_id__in=latest_two,
            participant_id__in=Enrolment.objects.current(today)
            .filter(group_id__in=group_ids)
            .values("participant_id"),
        )
        .order_by()
        .values("participant_id")
        .annotate(times=Count("meeting_id", distinct=True))
        .filter(times__gte=2)
        .annotate(left=Value(None, output_field=DateField()))
        .values_list("participant_id", "left")
    )
    gone_quietly = (
        Enrolment.objects.filter(
            group_id__in=group_ids,
            left_on__gte=since,
            left_on__lte=today,
            leave_reason=LeaveReason.OTHER,
            leave_notes="",
        )
        .order_by()
        .values("participant_id")
        .annotate(left=Max("left_on"))
        .values_list("participant_id", "left")
    )
    return missed_twice.union(gone_quietly, all=True)


# Compiled once per process and number of groups (stetapp/compiled.py): building this
# query took 2.8 ms of Python against 0.8 ms in PostgreSQL.
_TO_CALL = CompiledQuery(_to_call_query)


def _to_call(*, user, today: dt.date) -> dict[int, tuple[bool, dt.date | None]]:
    """The rule of `people_to_call`, before visibility: for each participant of the
    user's groups to call, (missed twice, the day they left quietly or None). ONE query
    (after the scope), a UNION ALL of the two reasons (`_to_call_query`); nothing when the
    user has no group to call for.

    A page's cost is bounded by what it shows (docs/decisions.md, decision 57): the
    user's groups are literal ids (`group_ids_for`, resolved once per request); the two
    latest meetings of all those groups are ranked once (a window function), and only
    the few people absent at both or gone quietly come back."""
    group_ids = group_ids_for(user, need=Need.EDIT)
    if not group_ids:
        return {}
    found: dict[int, tuple[bool, dt.date | None]] = {}
    rows = _TO_CALL.rows(
        group_ids=group_ids,
        now=timezone.now(),
        today=today,
        since=today - dt.timedelta(days=LEFT_WITHOUT_NOTICE_DAYS),
    )
    for participant_id, left_on in rows:
        missed, left = found.get(participant_id, (False, None))
        found[participant_id] = (missed or left_on is None, left_on or left)
    return found


def people_to_call(*, user, today: dt.date | None = None) -> list[PersonToCall]:
    """Participants of the groups the user facilitates or leads who should get a call:

    - missed twice: marked absent at both of their group's two most recent past meetings
      that have attendance (excused does not count as missed), and still enrolled;
    - left without notice: their enrolment ended in the last 30 days with reason "other"
      and nothing written about leaving.

    A page's cost is bounded by what it shows (docs/decisions.md, decision 57). At most
    three queries after the scope, whatever the number of groups and people: who to call
    (`_to_call`); then, only when there is someone, those of them the user may see, with
    their group, and their last calls. Each is simple to build: the Python that builds
    and compiles a query with many nested subqueries cost more than the database's work
    (the earlier single query took about 9 ms, 7 of them in Python). Volunteers are not
    included: they do not make these calls."""
    from participants.models import Participant

    from .models import FollowUpCall

    found = _to_call(user=user, today=today or timezone.localdate())
    if not found:
        return []
    people = list(
        Participant.objects.filter(pk__in=list(found))
        .visible_in_scope(user)
        .select_related("group")
        .order_by("group__name", "full_name", "pk")
    )
    if not people:
        return []
    # The last call of each: numbered per person, newest first, only the first read.
    last_calls = {
        participant_id: (called_at, outcome, name or email or "")
        for participant_id, called_at, outcome, name, email in FollowUpCall.objects.filter(
            participant_id__in=[person.pk for person in people]
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("participant_id")],
                order_by=[F("called_at").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
        .values_list(
            "participant_id", "called_at", "outcome", "called_by__full_name", "called_by__email"
        )
    }
    result = []
    for person in people:
        missed, left_on = found[person.pk]
        called_at, outcome, called_by = last_calls.get(person.pk, (None, "", ""))
        result.append(
            PersonToCall(
                participant=person,
                missed_twice=missed,
                left_without_notice=left_on is not None,
                left_on=left_on,
                last_call_at=called_at,
                last_call_outcome=outcome or "",
                last_call_by=called_by,
            )
        )
    return result


def _visible_query(
    *, ids: list[int], reached: list[int], staff: list[int] | None = None
) -> QuerySet:
    """The query of `people_to_call_count`: of the participants `ids`, those a scope
    (`reached`, `staff`) sees (participants.models.visible_ids)."""
    from participants.models import Participant, visible_ids

    return (
        Participant.objects.filter(pk__in=ids)
        .filter(pk__in=visible_ids(reached=reached, staff=staff or []))
        .order_by()
        .values_list("pk")
    )


# Compiled once per process and shape (stetapp/compiled.py). Kept apart from `_to_call`
# on purpose: with the visibility inside it, PostgreSQL's estimate of the absences fell
# to one row and it ranked the latest meetings again for each (134 ms instead of 1.3 at
# 10,000 groups; docs/decisions.md, decision 70).
_VISIBLE = CompiledQuery(_visible_query)


def people_to_call_count(*, user, today: dt.date | None = None) -> int:
    """How many `people_to_call` lists, for the home page: one query after the scope
    when there is nobody to call, two when there is (those of them the user may see,
    counted: `Participant.objects.visible_in_scope`'s rule on the ids found)."""
    from participants.models import participant_scope

    found = _to_call(user=user, today=today or timezone.localdate())
    if not found:
        return 0
    scope = participant_scope(user)
    if scope is None:  # the site administrator sees everyone
        return len(found)
    if not scope.reached:
        return 0
    visibility: dict[str, list[int]] = {"reached": scope.reached}
    if scope.staff:  # a list of values is never empty (stetapp/compiled.py)
        visibility["staff"] = scope.staff
    return len(_VISIBLE.rows(ids=sorted(found), **visibility))


@dataclass
class AttendancePoint:
    starts_at: dt.datetime
    present: int
    marked: int

    @property
    def rate(self) -> int | None:
        """Percentage present of everyone marked (guests included), or None."""
        return round(100 * self.present / self.marked) if self.marked else None


def attendance_over_time(*, held: Sequence[HeldMeeting], limit: int = 12) -> list[AttendancePoint]:
    """The last `limit` of a group's held meetings (`held`, oldest first, as
    meetings.selectors.held_meetings_counted reads them), oldest first, with how many were
    present and how many were marked. No query of its own."""
    return (
        [
            AttendancePoint(starts_at=m.starts_at, present=m.present, marked=m.marked)
            for m in held[-limit:]
        ]
        if limit > 0
        else []
    )


def _enrolled_query(*, group_id: int, day: dt.date) -> QuerySet:
    from participants.models import Enrolment

    return (
        Enrolment.objects.current(day)
        .filter(group_id=group_id)
        .select_related("participant")
        .only("participant__full_name")
        .order_by("participant__full_name", "participant_id")
    )


# Compiled once per process (stetapp/compiled.py; docs/decisions.md, decision 70).
_ENROLLED = CompiledQuery(_enrolled_query)


def enrolled_on(*, meeting: Meeting) -> list:
    """The participants enrolled in the meeting's group on its date, by name: the rows of
    the attendance sheet, and who a tap may mark. One query, reading only their names:
    the sheet and a tap need nothing else of them (the notes and contact details stay in
    the database)."""
    return [
        enrolment.participant  # type: ignore[attr-defined]
        for enrolment in _ENROLLED.objects(group_id=meeting.group_id, day=meeting.date)
    ]


# --- the offline attendance sheet (docs/offline.md) -------------------------------------

OFFLINE_PAST_DAYS = 7


def offline_window(*, now: dt.datetime | None = None) -> Q:
    """The one rule for which meetings' sheets a phone may keep for use without a
    connection: meetings that started in the last 7 days or start today (local time).
    A condition on Meeting rows."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    end = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    return Q(starts_at__gte=now - dt.timedelta(days=OFFLINE_PAST_DAYS), starts_at__lt=end)


def offline_meetings(*, user, now: dt.datetime | None = None):
    """The meetings of the groups the user facilitates or volunteers in whose sheets the
    phone keeps for offline use; cancelled ones never. (Project leads take attendance
    online only: they are not in the room.)"""
    from groups.roles import GROUP_STAFF

    return (
        Meeting.objects.filter(group__in=Group.objects.reached_by(user, GROUP_STAFF))
        .filter(offline_window(now=now))
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("group")
        .order_by("starts_at", "pk")
    )


def held_taps(*, meeting: Meeting):
    """Taps kept aside for this meeting (cancelled or moved after they were made), oldest
    first, with who they are about and who made them."""
    from .models import AttendanceTap

    return (
        AttendanceTap.objects.held()
        .filter(meeting=meeting)
        .select_related("participant", "tapped_by")
        .order_by("tapped_at", "pk")
    )


def series_get_for_user(*, user, pk):
    """A meeting series of a group the user works in (takes attendance for); 404 else."""
    from django.shortcuts import get_object_or_404

    from .models import MeetingSeries

    return get_object_or_404(
        MeetingSeries.objects.filter(group__in=groups_worked_in(user)).select_related("group"),
        pk=pk,
    )
