"""Reads of the two logs for the pages that show them (privacy/views_logs.py; issue 11,
item 3; docs/decisions.md, decision 61).

- `file_log`: the change history and the access log of one participant, for the project
  lead of the participant's organisation (the file log of the participant's page).
- `organisation_log`, `user_summary`, `alerts`: the access log of a whole organisation, for
  its privacy officer.

Neither shows a value: a change is shown by the names of the fields that changed, a
participant by name only, a user by name and e-mail address. Every query is bounded: a
page of rows (`PAGE_SIZE`), the organisation's participants as a subquery on the indexed
`participant_id`, and the summaries over one period.

Access rows carry no organisation. A row belongs to the organisation when its participant
is one of the organisation's (recruited for one of its groups), or, for a row without a
participant (a refused request, reading the logs), when its actor holds a role in the
organisation or one of its groups (`organisation_scope`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import ngettext

from groups.models import Group, Membership, Organisation, Role, no_access
from groups.roles import GROUP_STAFF
from participants.models import Participant

from .models import Access, AccessAction, Change

# Rows on one page of a log.
PAGE_SIZE = 50

# Working hours: weekdays 07:00–19:00, Amsterdam time. An export, PDF or print outside
# them is an alert; every action outside them is counted in the summary per user.
WORKING_HOURS_ZONE = ZoneInfo("Europe/Amsterdam")
WORKING_HOURS = (7, 19)  # from 07:00 up to (not including) 19:00
WORKING_DAYS = (1, 2, 3, 4, 5)  # ISO weekdays: Monday to Friday

# What counts as seeing a participant's data (not a refusal, not reading the logs).
SEEING = (AccessAction.VIEW, AccessAction.EXPORT, AccessAction.PDF, AccessAction.PRINT)
TAKING_AWAY = (AccessAction.EXPORT, AccessAction.PDF, AccessAction.PRINT)

# The alert rules (docs/decisions.md, decision 61), over the chosen period.
ALERT_FOREIGN_FILES = 5  # distinct participants of groups the user does not work in
ALERT_REFUSED = 10  # refused requests
ALERT_EXPORTS_OUTSIDE_HOURS = 1  # exports, PDFs or prints outside working hours

# The summary's default period when none is chosen: the last 30 days.
DEFAULT_PERIOD_DAYS = 30


def outside_working_hours(at: dt.datetime) -> bool:
    """True when `at` falls outside the working hours (Amsterdam time)."""
    local = at.astimezone(WORKING_HOURS_ZONE)
    start, end = WORKING_HOURS
    return local.isoweekday() not in WORKING_DAYS or not (start <= local.hour < end)


def _outside_hours_q() -> Q:
    start, end = WORKING_HOURS
    return ~Q(local_weekday__in=WORKING_DAYS) | Q(local_hour__lt=start) | Q(local_hour__gte=end)


# --- who may read which log ----------------------------------------------------------


def organisations_for_officer(user: Any) -> QuerySet[Organisation]:
    """The organisations whose logs the user reads: where they are privacy officer (a
    site administrator: all)."""
    if no_access(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user=user, role=Role.PRIVACY_OFFICER).values(
            "organisation_id"
        )
    ).order_by("name")


# --- filters -------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """What a log page is narrowed to; every part optional."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor_id: int | None = None
    action: str | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _period_q(log_filter: LogFilter) -> Q:
    q = Q()
    if log_filter.date_from is not None:
        q &= Q(at__gte=_day_start(log_filter.date_from))
    if log_filter.date_to is not None:
        q &= Q(at__lt=_day_start(log_filter.date_to + dt.timedelta(days=1)))
    return q


def _filtered(queryset: QuerySet, log_filter: LogFilter, *, with_action: bool = True) -> QuerySet:
    queryset = queryset.filter(_period_q(log_filter))
    if log_filter.actor_id is not None:
        queryset = queryset.filter(actor_id=log_filter.actor_id)
    if with_action and log_filter.action:
        queryset = queryset.filter(action=log_filter.action)
    return queryset


# --- names ---------------------------------------------------------------------------


def staff_of(organisation: Organisation) -> QuerySet[Any]:
    """Everyone with a role in the organisation or one of its groups, by e-mail (the
    choices of the user filter)."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(
                Q(organisation=organisation) | Q(group__organisation=organisation)
            ).values("user_id")
        )
        .order_by("email")
    )


def user_labels(ids: Iterable[int | None]) -> dict[int, str]:
    """ "Name (e-mail)" of each user id (one query); an account that is gone is missing."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    rows = get_user_model().objects.filter(pk__in=wanted).values_list("pk", "full_name", "email")
    return {pk: f"{name} ({email})" if name else email for pk, name, email in rows}


def participant_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The name of each participant id, and nothing else (one query, no model instance:
    the names are logged by the page as read from the logs, not as a view)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return dict(Participant.objects.filter(pk__in=wanted).values_list("pk", "full_name"))


def _field_label(model_label: str, name: str) -> str:
    try:
        model = apps.get_model(model_label)
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except (LookupError, FieldDoesNotExist, ValueError, AttributeError):
        return name


def _model_label(model_label: str) -> str:
    try:
        return str(capfirst(apps.get_model(model_label)._meta.verbose_name))
    except (LookupError, ValueError):
        return model_label


# --- one participant's file log --------------------------------------------------------


@dataclass
class Entry:
    """One line of a log as the pages and the export show it."""

    at: dt.datetime
    actor: str
    kind: str  # "change" or "access"
    what: str
    record: str
    detail: str
    participant: str = ""
    actor_id: int | None = None


def _change_entries(changes: list[Change], actors: dict[int, str]) -> list[Entry]:
    return [
        Entry(
            at=c.at,
            actor=actors.get(c.actor_id or 0, "—"),
            actor_id=c.actor_id,
            kind="change",
            what=c.get_action_display(),
            record=f"{_model_label(c.model)} {c.object_id}",
            detail=", ".join(_field_label(c.model, name) for name in sorted(c.fields or {})),
        )
        for c in changes
    ]


def _access_entries(
    rows: list[Access], actors: dict[int, str], names: dict[int, str] | None = None
) -> list[Entry]:
    return [
        Entry(
            at=a.at,
            actor=actors.get(a.actor_id or 0, "—"),
            actor_id=a.actor_id,
            kind="access",
            what=a.get_action_display(),
            record=a.view,
            detail=str(a.status),
            participant=(names or {}).get(a.participant_id or 0, ""),
        )
        for a in rows
    ]


def file_log_querysets(
    *, participant_id: int, log_filter: LogFilter
) -> tuple[QuerySet[Change], QuerySet[Access]]:
    """The participant's change history and access log, filtered, newest first (each
    served by its index on (participant_id, -at))."""
    changes = _filtered(
        Change.objects.filter(participant_id=participant_id), log_filter, with_action=False
    ).order_by("-at", "-pk")
    accesses = _filtered(
        Access.objects.filter(participant_id=participant_id), log_filter, with_action=False
    ).order_by("-at", "-pk")
    return changes, accesses


def file_log_actors(*, participant_id: int) -> list[tuple[int, str]]:
    """Everyone who appears in the participant's logs (the user filter's choices): two
    queries, bounded by one person's logs."""
    ids = set(
        Change.objects.filter(participant_id=participant_id, actor_id__isnull=False)
        .order_by()
        .values_list("actor_id", flat=True)
        .distinct()
    ) | set(
        Access.objects.filter(participant_id=participant_id, actor_id__isnull=False)
        .order_by()
        .values_list("actor_id", flat=True)
        .distinct()
    )
    labels = user_labels(ids)
    return sorted(labels.items(), key=lambda item: item[1].lower())


def change_entries(changes: Iterable[Change]) -> list[Entry]:
    rows = list(changes)
    return _change_entries(rows, user_labels(c.actor_id for c in rows))


def access_entries(accesses: Iterable[Access], *, with_names: bool = False) -> list[Entry]:
    rows = list(accesses)
    names = participant_names(a.participant_id for a in rows) if with_names else None
    return _access_entries(rows, user_labels(a.actor_id for a in rows), names)


# --- the organisation's log ------------------------------------------------------------


def organisation_scope(organisation: Organisation) -> Q:
    """The access rows of the organisation: about one of its participants (a subquery on
    the indexed participant_id), or without a participant by one of its staff."""
    participants = Participant.objects.filter(group__organisation=organisation).values("pk")
    staff = Membership.objects.filter(
        Q(organisation=organisation) | Q(group__organisation=organisation)
    ).values("user_id")
    return Q(participant_id__in=participants) | Q(participant_id__isnull=True, actor_id__in=staff)


def organisation_log(*, organisation: Organisation, log_filter: LogFilter) -> QuerySet[Access]:
    """The organisation's access log, filtered, newest first (page it with PAGE_SIZE)."""
    return _filtered(Access.objects.filter(organisation_scope(organisation)), log_filter).order_by(
        "-at", "-pk"
    )


def default_period(log_filter: LogFilter) -> LogFilter:
    """The filter with the last DEFAULT_PERIOD_DAYS days when it names no start."""
    if log_filter.date_from is not None:
        return log_filter
    today = timezone.localdate()
    return LogFilter(
        date_from=today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1),
        date_to=log_filter.date_to,
        actor_id=log_filter.actor_id,
        action=log_filter.action,
    )


@dataclass
class UserSummary:
    actor_id: int | None
    user: str
    views: int
    exports: int
    participants: int
    refused: int
    outside_hours: int
    exports_outside_hours: int
    foreign_participants: int = 0


def user_summary(*, organisation: Organisation, log_filter: LogFilter) -> list[UserSummary]:
    """Per user over the period: rows viewed, exported (export, PDF, print), distinct
    participants seen, refused requests, actions outside working hours (one query for the
    counts, one for the names, two for the files of groups the user does not work in)."""
    rows = (
        _filtered(Access.objects.filter(organisation_scope(organisation)), log_filter)
        .order_by()
        .alias(
            local_hour=ExtractHour("at", tzinfo=WORKING_HOURS_ZONE),
            local_weekday=ExtractIsoWeekDay("at", tzinfo=WORKING_HOURS_ZONE),
        )
        .values("actor_id")
        .annotate(
            views=Count("pk", filter=Q(action=AccessAction.VIEW)),
            exports=Count("pk", filter=Q(action__in=TAKING_AWAY)),
            participants=Count("participant_id", filter=Q(action__in=SEEING), distinct=True),
            refused=Count("pk", filter=Q(action=AccessAction.REFUSED)),
            outside_hours=Count("pk", filter=_outside_hours_q()),
            exports_outside_hours=Count(
                "pk", filter=Q(action__in=TAKING_AWAY) & _outside_hours_q()
            ),
        )
    )
    counts = list(rows)
    labels = user_labels(r["actor_id"] for r in counts)
    foreign = _foreign_participants(organisation=organisation, log_filter=log_filter)
    summaries = [
        UserSummary(
            user=labels.get(r["actor_id"] or 0, "—"),
            foreign_participants=foreign.get(r["actor_id"], 0),
            **r,
        )
        for r in counts
    ]
    return sorted(summaries, key=lambda s: s.user.lower())


def _foreign_participants(*, organisation: Organisation, log_filter: LogFilter) -> dict[int, int]:
    """Per user: how many distinct participants of groups the user does not work in
    (as facilitator or volunteer of the group, or project lead of its organisation) they
    saw in the period. Two queries: the (user, participant's group) pairs, and the
    users' memberships."""
    pairs = (
        _filtered(
            Access.objects.filter(
                participant_id__in=Participant.objects.filter(
                    group__organisation=organisation
                ).values("pk"),
                action__in=SEEING,
                actor_id__isnull=False,
            ),
            log_filter,
            with_action=False,
        )
        .order_by()
        .values_list("actor_id", "participant_id")
        .distinct()
    )
    seen: dict[int, set[int]] = defaultdict(set)
    for actor_id, participant_id in pairs:
        seen[actor_id].add(participant_id)
    if not seen:
        return {}
    group_of = dict(
        Participant.objects.filter(pk__in={p for ids in seen.values() for p in ids}).values_list(
            "pk", "group_id"
        )
    )
    worked: dict[int, set[int]] = defaultdict(set)
    leads: set[int] = set()
    organisation_groups = set(
        Group.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    for user_id, role, group_id, organisation_id in Membership.objects.filter(
        user_id__in=seen
    ).values_list("user_id", "role", "group_id", "organisation_id"):
        if role in GROUP_STAFF and group_id is not None:
            worked[user_id].add(group_id)
        elif role == Role.PROJECT_LEAD and organisation_id == organisation.pk:
            leads.add(user_id)
    result: dict[int, int] = {}
    for actor_id, ids in seen.items():
        groups = organisation_groups if actor_id in leads else worked[actor_id]
        result[actor_id] = sum(1 for pid in ids if group_of.get(pid) not in groups)
    return result


class AlertKind:
    FOREIGN_FILES = "foreign_files"
    EXPORTS_OUTSIDE_HOURS = "exports_outside_hours"
    REFUSED = "refused"


@dataclass
class Alert:
    kind: str
    user: str
    count: int
    text: str


def alerts(summaries: Iterable[UserSummary]) -> list[Alert]:
    """The unusual access in the summaries, by the rules above (decision 61)."""
    found: list[Alert] = []
    for s in summaries:
        if s.foreign_participants >= ALERT_FOREIGN_FILES:
            found.append(
                Alert(
                    AlertKind.FOREIGN_FILES,
                    s.user,
                    s.foreign_participants,
                    ngettext(
                        "opened the file of %(count)d person of groups they do not work in",
                        "opened the files of %(count)d people of groups they do not work in",
                        s.foreign_participants,
                    )
                    % {"count": s.foreign_participants},
                )
            )
        if s.exports_outside_hours >= ALERT_EXPORTS_OUTSIDE_HOURS:
            found.append(
                Alert(
                    AlertKind.EXPORTS_OUTSIDE_HOURS,
                    s.user,
                    s.exports_outside_hours,
                    ngettext(
                        "exported, printed or downloaded a PDF once outside working hours",
                        "exported, printed or downloaded a PDF %(count)d times outside "
                        "working hours",
                        s.exports_outside_hours,
                    )
                    % {"count": s.exports_outside_hours},
                )
            )
        if s.refused >= ALERT_REFUSED:
            found.append(
                Alert(
                    AlertKind.REFUSED,
                    s.user,
                    s.refused,
                    ngettext("was refused once", "was refused %(count)d times", s.refused)
                    % {"count": s.refused},
                )
            )
    return found
