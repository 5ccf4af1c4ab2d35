"""Reads for the programme dashboard (views_dashboard.py): how all groups of a programme are
doing, in aggregates only.

Nothing here reads a participant's name or any other personal field: participants and
volunteers are only ever counted, and counts of people from 1 to 4 are shown as "<5"
(stetapp.suppression.suppress_breakdown). Group names are not personal data.

The number of queries is fixed whatever the size of the programme (pinned in
tests/reporting/test_dashboard.py), and the database does the counting: at 10,000 groups
no query returns a row per meeting (docs/decisions.md, "The programme dashboard counts in
the database"):

`programme_scope` (3): the programme's organisations; its groups (with city names, each
group's community coded on its organisation's list); the organisations' lists of
communities (groups/communities.py).
`build_dashboard` (6): `count_dashboard` reads, per group, its held and planned
meetings (a row per group); participant marks and marks present (a row per organisation
and month); per running group, its last six held meetings with attendance and their
counts (the falling-attendance rule); enrolled people per organisation and in total;
volunteers per organisation and in total; volunteer hours per organisation. `dashboard_from_counts`
makes the dashboard from those counts in the active language, without a query (the
scheduler counts once for all languages). The cross tables are counted from the scope's
group rows.

`cached_dashboard` keeps a built dashboard for STETAPP_DASHBOARD_CACHE_SECONDS per
programme, filter and language, and `cached_programme_scope` the scope per programme:
they hold counts, group, organisation and city names and coded communities only. The
programme's unfiltered counts are kept cut per organisation as well
(`organisation_slices`, decision 75), so that one organisation's dashboard is made from
them without a query.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Sum, Value
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.communities import CodedCommunities, CommunityList, community_lists
from groups.models import City, Composition, Group, GroupStatus, Programme
from meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from meetings.selectors_planning import MIN_MEETINGS_PER_YEAR
from stetapp.dates import month_abbreviation
from stetapp.exports import Sheet
from stetapp.plans import unprepared, without_jit
from stetapp.suppression import suppress, suppress_breakdown

# A running group that has not met for this many days is at risk.
NO_MEETING_DAYS = 21
# Falling attendance: the mean rate of the last FALLING_WINDOW held meetings (with
# attendance marks) is at least FALLING_POINTS percentage points below the mean rate of
# the FALLING_WINDOW meetings before them.
FALLING_WINDOW = 3
FALLING_POINTS = 10
# The attendance trend covers this many calendar months, the current one included.
TREND_MONTHS = 12
# A month's attendance rate is shown only from this many participant marks on: a rate of
# one or two marks would say something about a person.
MIN_MARKS_FOR_RATE = 5
# Groups listed against the meeting norm: these, and any group that held a meeting in the
# last 12 months.
NORM_STATUSES = (GroupStatus.RUNNING, GroupStatus.CONTINUING)

YEAR = dt.timedelta(days=365)
# The three long lists (groups against the norm, groups at risk, reach per organisation)
# are shown, and cached, this many rows a page.
PAGE_SIZE = 50
# One build at a time per dashboard, filter and language: at 10,000 groups a build
# counts three million marks for seconds, and after a restart of the cache every
# coordinator's first look would start the same build at once. The others wait for the
# first one's result (polling the cache), at most BUILD_WAIT_SECONDS, then build
# themselves; the lock goes when the build ends, or after BUILD_LOCK_SECONDS.
BUILD_LOCK_SECONDS = 60
BUILD_WAIT_SECONDS = 30
BUILD_POLL_SECONDS = 0.25
# A dashboard page of this many groups or more is not built inside the request that
# finds it missing from the cache (seconds at 10,000 groups): a background task builds
# it, and the page says it is being prepared (`dashboard_for_page`,
# reporting/services_dashboard.py). Smaller ones are built at once, as before.
PREPARE_FROM_GROUPS = 500
# How long a queued build holds the lock: a look in the meantime queues nothing more.
PREPARE_LOCK_SECONDS = 300
# After a background build failed, how long the page says so instead of queueing again.
PREPARE_FAILED_SECONDS = 60


# --- the scope: organisations and groups of the programme -----------------------------


@dataclass(frozen=True)
class GroupRow:
    pk: int
    name: str
    status: str
    # The code on the organisation's own list (groups/communities.py), never the text.
    community: str
    composition: str
    organisation_id: int
    city_id: int
    city_name: str

    @property
    def status_label(self) -> str:
        return str(GroupStatus(self.status).label)


@dataclass
class ProgrammeScope:
    programme: Programme
    organisations: list[tuple[int, str]]  # (pk, name), by name
    groups: list[GroupRow]  # every group of the programme's organisations
    # Each organisation's list of communities (groups/communities.py), by organisation pk.
    communities: dict[int, CommunityList] = field(default_factory=dict)

    def coded_communities(self, groups: list[GroupRow]) -> CodedCommunities:
        """The coding of these groups' communities: their organisation's list when they
        are of one organisation, else the shared codes (typed text never shows)."""
        ids = {g.organisation_id for g in groups}
        return CodedCommunities({pk: c for pk, c in self.communities.items() if pk in ids})

    @property
    def cities(self) -> list[tuple[int, str]]:
        """The cities the programme has groups in, by name (the city filter's choices)."""
        return sorted({(g.city_id, g.city_name) for g in self.groups}, key=lambda c: (c[1], c[0]))

    def organisation_name(self, pk: int) -> str:
        return self.organisation_names.get(pk, "")

    @functools.cached_property
    def organisation_names(self) -> dict[int, str]:
        return dict(self.organisations)


@dataclass
class FilterChoices:
    """The dashboard filter's choices: the programme's organisations and the cities it has
    groups in, each (pk, name) by name. Cached on their own, so that a cached look does
    not read the whole scope (a row per group). `scope` is the scope they were read from
    in this request, if they were (never cached)."""

    organisations: list[tuple[int, str]]
    cities: list[tuple[int, str]]
    scope: ProgrammeScope | None = None

    def __getstate__(self):
        return {"organisations": self.organisations, "cities": self.cities, "scope": None}


def cached_filter_choices(programme: Programme, *, with_scope: bool = True) -> FilterChoices:
    """The filter's choices, kept as long as the dashboard. When not kept: with
    `with_scope`, built from the scope (three queries), which then goes along for the
    build and is kept too; without (a filtered look, which builds from the filter's
    own groups), read on their own (`filter_choices`: two queries, no row per group)."""
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if seconds:
        choices = cache.get(choices_key(programme.pk))
        if choices is not None:
            return choices
    if not with_scope:
        choices = filter_choices(programme)
        if seconds:
            cache.set(choices_key(programme.pk), choices, seconds)
        return choices
    scope = programme_scope(programme)
    if seconds:
        _store_scope(scope, seconds)
    return FilterChoices(scope.organisations, scope.cities, scope)


def filter_choices(programme: Programme) -> FilterChoices:
    """The filter's choices read from the database: the programme's organisations and the
    cities its groups are in, each by name. Two queries."""
    organisations = list(programme.organisations.order_by("name").values_list("pk", "name"))
    cities = list(
        City.objects.filter(stet_groups__organisation__programmes=programme)
        .distinct()
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return FilterChoices(organisations, cities)


def cached_programme_scope(programme: Programme) -> ProgrammeScope:
    """`programme_scope`, kept in the cache as long as the dashboard
    (STETAPP_DASHBOARD_CACHE_SECONDS; 0: built every time): at 10,000 groups building it
    takes longer than showing a cached dashboard. It holds organisation, group and city
    names and coded communities: no personal data. A new group or organisation shows in
    the filter's choices when the entry expires, like the dashboard's figures."""
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return programme_scope(programme)
    scope = cache.get(_scope_key(programme.pk))
    if scope is None:
        scope = programme_scope(programme)
        _store_scope(scope, seconds)
    return scope


def _store_scope(scope: ProgrammeScope, seconds: int) -> None:
    """The scope, and the filter's choices read from it, for `seconds`."""
    cache.set_many(
        {
            _scope_key(scope.programme.pk): scope,
            choices_key(scope.programme.pk): FilterChoices(scope.organisations, scope.cities),
        },
        seconds,
    )


def choices_key(programme_id: int) -> str:
    """Where the filter's choices for a programme are kept."""
    return f"dashboard-choices:{programme_id}"


def _scope_key(programme_id: int) -> str:
    return f"dashboard-scope:{programme_id}"


def _dashboard_key(
    programme_id: int, organisation_id: int | None, city_id: int | None, language: str
) -> str:
    return ":".join(
        ["dashboard", str(programme_id), str(organisation_id or ""), str(city_id or ""), language]
    )


def programme_scope(
    programme: Programme, *, organisation_id: int | None = None, city_id: int | None = None
) -> ProgrammeScope:
    """The programme's organisations, all their groups and the organisations' lists of
    communities. Three queries. With a filter (one organisation and/or one city), only
    the groups it covers, the organisations they are of (and the one asked for) and
    their lists: a filtered dashboard is built from that, so its cost follows the
    filter, not the programme (at 10,000 groups the whole scope is a megabyte)."""
    organisations_of = programme.organisations.order_by("name")
    if organisation_id is not None:
        organisations_of = organisations_of.filter(pk=organisation_id)
    elif city_id is not None:
        organisations_of = organisations_of.filter(
            pk__in=Group.objects.filter(city_id=city_id).values("organisation_id")
        )
    organisations = list(organisations_of.values_list("pk", "name"))
    groups = Group.objects.filter(organisation_id__in=[pk for pk, _name in organisations])
    if city_id is not None:
        groups = groups.filter(city_id=city_id)
    rows = groups.order_by("name", "pk").values_list(
        "pk",
        "name",
        "status",
        "community",
        "composition",
        "organisation_id",
        "city_id",
        "city__name",
    )
    lists = community_lists(pk for pk, _name in organisations)
    return ProgrammeScope(
        programme=programme,
        organisations=organisations,
        # Each group's community as the code of its organisation's list, never the text.
        groups=[
            GroupRow(
                pk,
                name,
                status,
                lists[organisation_id].code(community),
                composition,
                organisation_id,
                city_id,
                city_name,
            )
            for (
                pk,
                name,
                status,
                community,
                composition,
                organisation_id,
                city_id,
                city_name,
            ) in rows
        ],
        communities=lists,
    )


# --- what the dashboard shows ----------------------------------------------------------


@dataclass
class CrossTable:
    """Rows × columns of group counts with totals; the shape `{% crosstab %}` takes
    (stetapp/templatetags/tables.py)."""

    columns: list  # TextChoices members (they have .value and .label)
    rows: list[dict]  # {"label", "counts": [...], "total"}
    totals: dict  # {"counts": [...], "total"}


def cross_table(groups: list[GroupRow], row_of, column_attr: str, columns: list) -> CrossTable:
    values = [c.value for c in columns]
    counts: dict[str, list[int]] = {}
    for group in groups:
        row = counts.setdefault(row_of(group), [0] * len(values))
        row[values.index(getattr(group, column_attr))] += 1
    rows: list[dict[str, Any]] = [
        {"label": label, "counts": row, "total": sum(row)}
        for label, row in sorted(counts.items(), key=lambda item: str(item[0]).lower())
    ]
    totals = [sum(row["counts"][i] for row in rows) for i in range(len(values))]
    return CrossTable(columns=columns, rows=rows, totals={"counts": totals, "total": sum(totals)})


@dataclass
class GroupMeetings:
    """What the meeting rows say about one group."""

    group: GroupRow
    organisation: str
    held_last_year: int = 0  # held meetings in the last 12 months
    held_this_year: int = 0  # held meetings since 1 January
    planned_rest_of_year: int = 0  # not cancelled, still to come this calendar year
    last_held: dt.date | None = None
    # A running group's last 2 × FALLING_WINDOW held meetings with participant marks in
    # the last 12 months, oldest first: (at, present, marked). Empty for other groups.
    rated: list[tuple[dt.datetime, int, int]] = field(default_factory=list)

    @property
    def meets_norm(self) -> bool:
        return self.held_last_year >= MIN_MEETINGS_PER_YEAR

    @property
    def projected(self) -> int:
        return self.held_this_year + self.planned_rest_of_year


@dataclass(frozen=True)
class Reason:
    code: str  # "no_recent_meeting", "falling_attendance", "few_meetings_projected"
    text: str


@dataclass
class GroupAtRisk:
    group: GroupRow
    organisation: str
    reasons: list[Reason]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]


@dataclass
class MonthAttendance:
    month: dt.date  # the first day of the month
    label: str
    short_label: str
    marked: int = 0  # participant marks (guests not counted)
    present: int = 0

    @property
    def rate(self) -> int | None:
        """Percentage present, rounded half up; None under MIN_MARKS_FOR_RATE marks."""
        if self.marked < MIN_MARKS_FOR_RATE:
            return None
        return (200 * self.present + self.marked) // (2 * self.marked)

    @property
    def marked_display(self) -> str:
        return suppress(self.marked)

    @property
    def present_display(self) -> str:
        """Shown with the rate, which gives it away anyway; hidden with it."""
        if 0 < self.marked < MIN_MARKS_FOR_RATE:
            return "–"
        return str(self.present)


@dataclass(frozen=True)
class TrendPoint:
    x: str
    y: str
    rate: int


@dataclass
class TrendChart:
    """A line chart of the monthly rates, in SVG user units as whole-number strings (the
    template must not localise a float into "12,5")."""

    width: str
    height: str
    plot_left: str
    plot_right: str
    gridlines: list[tuple[str, str]]  # (y, label)
    month_labels: list[tuple[str, str]]  # (x, short label)
    label_y: str
    lines: list[str]  # polyline "points" attributes; a month without a rate breaks the line
    points: list[TrendPoint]


@dataclass
class ReachRow:
    label: str
    participants_now: str
    participants_year: str
    volunteers: str
    hours: Decimal


@dataclass
class Reach:
    rows: Sequence[ReachRow]
    total: ReachRow
    participants_now: int
    participants_year: int
    volunteers: int
    hours: Decimal


@dataclass
class Dashboard:
    programme: Programme
    today: dt.date
    since: dt.date  # the start of "the last 12 months"
    year: int
    organisation: str  # the organisation filter's name, or ""
    city: str  # the city filter's name, or ""
    group_count: int
    by_city_status: CrossTable
    by_community_composition: CrossTable
    norm_rows: Sequence[GroupMeetings]
    trend: list[MonthAttendance]
    trend_chart: TrendChart
    at_risk: Sequence[GroupAtRisk]
    reach: Reach
    meeting_norm_count: int  # how many of norm_rows meet the norm
    # Set when the dashboard is put in the cache, new at every build: the page keeps its
    # rendered HTML under it (templates/reporting/programme_dashboard.html), so what it
    # shows is always these figures. Empty when not cached.
    version: str = ""

    @property
    def norm(self) -> int:
        return MIN_MEETINGS_PER_YEAR

    @property
    def min_marks(self) -> int:
        return MIN_MARKS_FOR_RATE

    @property
    def no_meeting_days(self) -> int:
        return NO_MEETING_DAYS

    @property
    def falling_points(self) -> int:
        return FALLING_POINTS

    @property
    def trend_has_data(self) -> bool:
        return any(m.marked for m in self.trend)


# --- building it -----------------------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _percent(value: Fraction) -> str:
    """A percentage rounded half up, as the page shows it ("67 %")."""
    return f"{int((2 * value + 1) // 2)} %"


def _mean_rate(rated: list[tuple[dt.datetime, int, int]]) -> Fraction:
    """The mean of the meetings' attendance rates in percent, exact (no float rounding at
    the 10-point boundary)."""
    rates = [Fraction(100 * present, marked) for _at, present, marked in rated]
    return sum(rates, Fraction(0)) / len(rates)


def _in_groups(prefix: str, programme: Programme, organisation_id, city_id) -> Q:
    """Rows of the dashboard's groups, found by a join (no list of 10,000 ids): the groups
    of the programme's organisations, optionally of one organisation and one city.
    `prefix` is the path to the group ("group", "meeting__group"; "" for groups)."""
    path = f"{prefix}__" if prefix else ""
    condition = Q(**{f"{path}organisation__programmes": programme})
    if organisation_id is not None:
        condition &= Q(**{f"{path}organisation_id": organisation_id})
    if city_id is not None:
        condition &= Q(**{f"{path}city_id": city_id})
    return condition


PARTICIPANT_MARK = Q(attendance__participant__isnull=False)
PRESENT_MARK = PARTICIPANT_MARK & Q(attendance__status=AttendanceStatus.PRESENT)


def _per_group(meetings, *, now, since: dt.datetime, jan1: dt.datetime) -> dict[int, dict]:
    """Per group: held meetings since `since` and since `jan1`, meetings still to come
    from `jan1` on, and the start of the last held one. One query, a row per group;
    held and started are the rules of Meeting.objects.with_held."""
    rows = (
        meetings.with_held(now)
        .order_by()
        .values("group_id")
        .annotate(
            held_last_year=Count("pk", filter=Q(is_held=True, starts_at__gte=since)),
            held_this_year=Count("pk", filter=Q(is_held=True, starts_at__gte=jan1)),
            planned_rest_of_year=Count("pk", filter=Q(is_started=False, starts_at__gte=jan1)),
            last_held=Max("starts_at", filter=Q(is_held=True)),
        )
    )
    return {row["group_id"]: row for row in rows}


# Marks of one organisation in one month: (organisation pk, month, marked, present).
MonthMarks = tuple[int, dt.datetime, int, int]


def _marks_per_month(meetings, *, first: dt.date, now) -> list[MonthMarks]:
    """Participant marks and marks present at the started meetings from `first` on, per
    organisation and month of the meeting's local date: (organisation, month, marked,
    present). One query, a row per organisation and month: they add up to the
    dashboard's months, and each organisation's are its slice's (`organisation_slices`)."""
    return list(
        Attendance.objects.filter(
            meeting__in=meetings.started(now).filter(starts_at__gte=_local_midnight(first)),
            participant__isnull=False,
        )
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("meeting__group__organisation_id", "month")
        .annotate(
            marked=Count("pk"), present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT))
        )
        .values_list("meeting__group__organisation_id", "month", "marked", "present")
    )


def _add_marks(months: list[MonthAttendance], rows: list[MonthMarks]) -> None:
    """The marks per organisation and month (`_marks_per_month`) added to `months`."""
    month_of = {(m.month.year, m.month.month): m for m in months}
    for _organisation, start, marked, present in rows:
        month = month_of.get((start.year, start.month))
        if month is not None:
            month.marked += marked
            month.present += present


def _last_rated(meetings, *, now, since: dt.datetime) -> dict[int, list]:
    """Per running group, its last 2 × FALLING_WINDOW meetings held since `since` with
    participant marks, oldest first, as (starts_at, present, marked). One query: the
    meetings with a participant mark are numbered per group, newest first (a window
    function), and only the first ones have their marks counted."""
    with_marks = Exists(
        Attendance.objects.filter(meeting_id=OuterRef("pk"), participant__isnull=False)
    )
    latest = (
        meetings.held(now)
        .filter(with_marks, starts_at__gte=since, group__status=GroupStatus.RUNNING)
        .order_by()
        .annotate(
            latest=Window(
                RowNumber(),
                partition_by=F("group_id"),
                order_by=[F("starts_at").desc(), F("pk").desc()],
            )
        )
        .filter(latest__lte=2 * FALLING_WINDOW)
        .values("pk")
    )
    rows = (
        Meeting.objects.filter(pk__in=latest)
        .annotate(
            marked=Count("attendance", filter=PARTICIPANT_MARK),
            present=Count("attendance", filter=PRESENT_MARK),
        )
        .order_by("starts_at", "pk")
        .values_list("group_id", "starts_at", "present", "marked")
    )
    rated: dict[int, list] = {}
    for group_id, starts_at, present, marked in rows:
        rated.setdefault(group_id, []).append((starts_at, present, marked))
    return rated


def _trend_chart(months: list[MonthAttendance]) -> TrendChart:
    width, height = 360, 200
    left, right, top, bottom = 48, 344, 10, 170
    step = (right - left) / max(len(months) - 1, 1)

    def y_of(rate: int) -> int:
        return round(bottom - (bottom - top) * rate / 100)

    points, lines = [], []
    current: list[str] = []
    for index, month in enumerate(months):
        x = round(left + index * step)
        if month.rate is None:
            if current:
                lines.append(current)
            current = []
            continue
        y = y_of(month.rate)
        points.append(TrendPoint(x=str(x), y=str(y), rate=month.rate))
        current.append(f"{x},{y}")
    if current:
        lines.append(current)
    return TrendChart(
        width=str(width),
        height=str(height),
        plot_left=str(left),
        plot_right=str(right),
        gridlines=[(str(y_of(rate)), f"{rate} %") for rate in (0, 50, 100)],
        month_labels=[
            (str(round(left + index * step)), month.short_label)
            for index, month in enumerate(months)
        ],
        label_y=str(bottom + 22),
        lines=[" ".join(line) for line in lines if len(line) > 1],
        points=points,
    )


def _risk_reasons(row: GroupMeetings, *, today: dt.date, year: int) -> list[Reason]:
    reasons = []
    if row.last_held is None or row.last_held < today - dt.timedelta(days=NO_MEETING_DAYS):
        if row.last_held is None:
            detail = _("none in the last 12 months")
        else:
            detail = _("the last on %(date)s") % {"date": date_format(row.last_held, "j F Y")}
        reasons.append(
            Reason(
                "no_recent_meeting",
                _("No meeting held in the last %(days)d days (%(detail)s).")
                % {"days": NO_MEETING_DAYS, "detail": detail},
            )
        )
    window = 2 * FALLING_WINDOW
    if len(row.rated) >= window:
        before = _mean_rate(row.rated[-window:-FALLING_WINDOW])
        after = _mean_rate(row.rated[-FALLING_WINDOW:])
        if before - after >= FALLING_POINTS:
            reasons.append(
                Reason(
                    "falling_attendance",
                    _("Attendance fell from %(before)s to %(after)s on average.")
                    % {"before": _percent(before), "after": _percent(after)},
                )
            )
    if row.projected < MIN_MEETINGS_PER_YEAR:
        reasons.append(
            Reason(
                "few_meetings_projected",
                ngettext(
                    "Only %(count)d meeting held or planned in %(year)d.",
                    "Only %(count)d meetings held or planned in %(year)d.",
                    row.projected,
                )
                % {"count": row.projected, "year": year},
            )
        )
    return reasons


@dataclass(frozen=True)
class ReachCounts:
    """What `_reach_counts` reads, per organisation pk (None: the total, distinct)."""

    people: dict[int | None, tuple[int, int]]  # (enrolled today, enrolled this year)
    volunteers: dict[int | None, int]
    hours: dict[int, Decimal]


def _reach_counts(today: dt.date, in_groups) -> ReachCounts:
    """Participants (enrolled today; enrolled at any time this year), active volunteers of
    the groups and volunteer hours this year, per organisation and in total. Three
    queries: people per organisation and distinct in total (someone can be in groups of
    two organisations), the same for volunteers (each a UNION ALL of the two), hours per
    organisation (they add up). `in_groups(prefix)` selects the dashboard's groups."""
    from funding.models import Volunteer, VolunteerHours
    from participants.models import Enrolment

    jan1 = dt.date(today.year, 1, 1)
    enrolments = (
        Enrolment.objects.filter(in_groups("group"), joined_on__lte=today)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=jan1))
        .order_by()
    )
    current = Q(left_on__isnull=True) | Q(left_on__gt=today)
    people = {
        "now": Count("participant_id", distinct=True, filter=current),
        "year": Count("participant_id", distinct=True),
    }
    # One row per organisation, then the total (organisation None): UNION ALL. The
    # counts are annotated through **people, which django-stubs cannot see.
    per_org_people: dict[int | None, tuple[int, int]] = {
        org: (now, year)
        for org, now, year in enrolments.values("group__organisation_id")
        .annotate(**people)
        .values_list("group__organisation_id", "now", "year")  # type: ignore[misc]
        .union(
            enrolments.annotate(org=Value(None, output_field=IntegerField()))
            .values("org")
            .annotate(**people)
            .values_list("org", "now", "year"),
            all=True,
        )
    }
    helping = Volunteer.groups.through.objects.filter(
        in_groups("group"), volunteer__active=True
    ).order_by()
    volunteer_count = Count("volunteer_id", distinct=True)
    # django-stubs does not see "n" and "org" annotated on the auto-created through model.
    per_org_volunteers: dict[int | None, int] = dict(
        helping.values("group__organisation_id")
        .annotate(n=volunteer_count)
        .values_list("group__organisation_id", "n")  # type: ignore[misc]
        .union(
            helping.annotate(org=Value(None, output_field=IntegerField()))  # type: ignore[misc]
            .values("org")
            .annotate(n=volunteer_count)
            .values_list("org", "n"),
            all=True,
        )
    )
    per_org_hours = dict(
        VolunteerHours.objects.filter(in_groups("group"), worked_on__gte=jan1, worked_on__lte=today)
        .order_by()
        .values("group__organisation_id")
        .annotate(hours=Sum("hours"))
        .values_list("group__organisation_id", "hours")
    )
    return ReachCounts(people=per_org_people, volunteers=per_org_volunteers, hours=per_org_hours)


def _reach(scope: ProgrammeScope, groups: list[GroupRow], counts: ReachCounts) -> Reach:
    """The reach table (per organisation of `groups`, and the total) from `counts`, small
    numbers suppressed."""
    per_org_people = dict(counts.people)
    per_org_volunteers = dict(counts.volunteers)
    per_org_hours = counts.hours
    total_now, total_year = per_org_people.pop(None, (0, 0))
    total_volunteers = per_org_volunteers.pop(None, 0)

    present = {g.organisation_id for g in groups}
    organisations = [(pk, name) for pk, name in scope.organisations if pk in present]

    def column(values: dict) -> dict:
        return suppress_breakdown({pk: values.get(pk) or 0 for pk, _name in organisations})

    now = column({pk: row[0] for pk, row in per_org_people.items()})
    year = column({pk: row[1] for pk, row in per_org_people.items()})
    volunteers = column(per_org_volunteers)
    rows = [
        ReachRow(
            label=name,
            participants_now=now[pk],
            participants_year=year[pk],
            volunteers=volunteers[pk],
            hours=per_org_hours.get(pk) or Decimal("0"),
        )
        for pk, name in organisations
    ]
    hours = sum(per_org_hours.values(), Decimal("0"))
    total_now = total_now or 0
    total_year = total_year or 0
    total_volunteers = total_volunteers or 0
    return Reach(
        rows=rows,
        total=ReachRow(
            label=_("Total"),
            participants_now=suppress(total_now),
            participants_year=suppress(total_year),
            volunteers=suppress(total_volunteers),
            hours=hours,
        ),
        participants_now=total_now,
        participants_year=total_year,
        volunteers=total_volunteers,
        hours=hours,
    )


@dataclass(frozen=True)
class DashboardCounts:
    """What a dashboard reads from the database (`count_dashboard`: six queries) for one
    filter at one moment: the same in every language, so the scheduler counts once and
    makes the dashboard in each of its coordinators' languages from it
    (`refresh_cached_dashboard`)."""

    now: dt.datetime
    organisation_id: int | None
    city_id: int | None
    marks: list[MonthMarks]  # per organisation and month
    per_group: dict[int, dict]  # `_per_group`
    rated: dict[int, list]  # `_last_rated`
    reach: ReachCounts


@unprepared()
def count_dashboard(
    scope: ProgrammeScope,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
) -> DashboardCounts:
    """The counts of the dashboard of the programme's groups, optionally only those of
    one organisation and/or one city. Six queries (see the module's docstring), each
    planned for its values (stetapp/plans.py: a generic plan was 1.8 times as slow)."""
    now = timezone.now()
    today = timezone.localdate(now)
    since = today - YEAR
    jan1 = dt.date(today.year, 1, 1)
    trend_start = _months_back(today, TREND_MONTHS - 1)
    start = _local_midnight(min(since, jan1, trend_start))
    end = _local_midnight(dt.date(today.year + 1, 1, 1))

    def in_groups(prefix: str) -> Q:
        return _in_groups(prefix, scope.programme, organisation_id, city_id)

    # Not cancelled meetings of the groups from the earliest day any figure needs up to
    # the end of this year.
    meetings = Meeting.objects.filter(
        in_groups("group"), starts_at__gte=start, starts_at__lt=end
    ).exclude(status=MeetingStatus.CANCELLED)
    return DashboardCounts(
        now=now,
        organisation_id=organisation_id,
        city_id=city_id,
        marks=_marks_per_month(meetings, first=trend_start, now=now),
        per_group=_per_group(
            meetings, now=now, since=_local_midnight(since), jan1=_local_midnight(jan1)
        ),
        rated=_last_rated(meetings, now=now, since=_local_midnight(since)),
        reach=_reach_counts(today, in_groups),
    )


def build_dashboard(
    scope: ProgrammeScope,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
) -> Dashboard:
    """Every figure of the dashboard for the programme's groups, optionally only those of
    one organisation and/or one city, in the active language. Six queries
    (`count_dashboard`)."""
    counts = count_dashboard(scope, organisation_id=organisation_id, city_id=city_id)
    return dashboard_from_counts(scope, counts)


def organisation_slices(
    scope: ProgrammeScope, counts: DashboardCounts
) -> dict[int, tuple[ProgrammeScope, DashboardCounts]]:
    """The programme's counts cut per organisation: for each organisation of `scope` (the
    whole programme's, `counts` its unfiltered counts), the scope and the counts its
    filter would read (`programme_scope` and `count_dashboard` with `organisation_id`),
    without a query. Every count of the dashboard is per group or per organisation, and
    an organisation's own total of people is its row (decision 75). A city's counts
    cannot be cut so: a person in groups of two organisations counts once in a city."""
    if counts.organisation_id is not None or counts.city_id is not None:
        raise ValueError("slices are cut from the programme's unfiltered counts")
    groups_of: dict[int, list[GroupRow]] = {pk: [] for pk, _name in scope.organisations}
    for group in scope.groups:
        groups_of.setdefault(group.organisation_id, []).append(group)
    marks_of: dict[int, list[MonthMarks]] = {}
    for row in counts.marks:
        marks_of.setdefault(row[0], []).append(row)
    reach = counts.reach
    slices = {}
    for organisation_id, name in scope.organisations:
        groups = groups_of[organisation_id]
        lists = scope.communities
        own_scope = ProgrammeScope(
            programme=scope.programme,
            organisations=[(organisation_id, name)],
            groups=groups,
            communities={organisation_id: lists[organisation_id]}
            if organisation_id in lists
            else {},
        )
        people = reach.people.get(organisation_id)
        volunteers = reach.volunteers.get(organisation_id)
        hours = reach.hours.get(organisation_id)
        own_counts = replace(
            counts,
            organisation_id=organisation_id,
            marks=marks_of.get(organisation_id, []),
            per_group={g.pk: counts.per_group[g.pk] for g in groups if g.pk in counts.per_group},
            rated={g.pk: counts.rated[g.pk] for g in groups if g.pk in counts.rated},
            reach=ReachCounts(
                people={} if people is None else {organisation_id: people, None: people},
                volunteers={}
                if volunteers is None
                else {organisation_id: volunteers, None: volunteers},
                hours={} if hours is None else {organisation_id: hours},
            ),
        )
        slices[organisation_id] = (own_scope, own_counts)
    return slices


def dashboard_from_counts(scope: ProgrammeScope, counts: DashboardCounts) -> Dashboard:
    """The dashboard made from `counts` in the active language (its texts: month names,
    the reasons a group is at risk). No query."""
    organisation_id, city_id = counts.organisation_id, counts.city_id
    today = timezone.localdate(counts.now)
    groups = [
        g
        for g in scope.groups
        if (organisation_id is None or g.organisation_id == organisation_id)
        and (city_id is None or g.city_id == city_id)
    ]
    coding = scope.coded_communities(groups)
    since = today - YEAR

    months = []
    for index in range(TREND_MONTHS):
        first = _months_back(today, TREND_MONTHS - 1 - index)
        months.append(
            MonthAttendance(
                month=first,
                label=date_format(first, "YEAR_MONTH_FORMAT"),
                short_label=month_abbreviation(first),
            )
        )
    _add_marks(months, counts.marks)

    figures = counts.per_group
    per_group = {}
    for g in groups:
        row = GroupMeetings(group=g, organisation=scope.organisation_name(g.organisation_id))
        found = figures.get(g.pk)
        if found:
            row.held_last_year = found["held_last_year"]
            row.held_this_year = found["held_this_year"]
            row.planned_rest_of_year = found["planned_rest_of_year"]
            if found["last_held"] is not None:
                row.last_held = timezone.localtime(found["last_held"]).date()
        row.rated = counts.rated.get(g.pk, [])
        per_group[g.pk] = row

    norm_rows = [
        row for row in per_group.values() if row.group.status in NORM_STATUSES or row.held_last_year
    ]
    at_risk = []
    for row in per_group.values():
        if row.group.status != GroupStatus.RUNNING:
            continue
        reasons = _risk_reasons(row, today=today, year=today.year)
        if reasons:
            at_risk.append(
                GroupAtRisk(group=row.group, organisation=row.organisation, reasons=reasons)
            )

    return Dashboard(
        programme=scope.programme,
        today=today,
        since=since,
        year=today.year,
        organisation=scope.organisation_name(organisation_id) if organisation_id else "",
        city=dict(scope.cities).get(city_id, "") if city_id else "",
        group_count=len(groups),
        by_city_status=cross_table(groups, lambda g: g.city_name, "status", list(GroupStatus)),
        # Coded categories only, never the typed text (groups/communities.py).
        by_community_composition=cross_table(
            groups,
            lambda g: coding.relabel(g.community),
            "composition",
            list(Composition),
        ),
        norm_rows=norm_rows,
        meeting_norm_count=sum(1 for row in norm_rows if row.meets_norm),
        trend=months,
        trend_chart=_trend_chart(months),
        at_risk=at_risk,
        reach=_reach(scope, groups, counts.reach),
    )


def cached_dashboard(
    programme: Programme,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
    choices: FilterChoices | None = None,
) -> Dashboard:
    """`build_dashboard`, kept in the cache; built here when it is not (the workbook,
    the scheduler's refresh and every small programme's page). See `_cached`."""
    dashboard = _cached(
        programme, organisation_id=organisation_id, city_id=city_id, choices=choices, miss="build"
    )
    if dashboard is None:  # pragma: no cover - on a miss "build" builds
        raise RuntimeError("the dashboard was not built")
    return dashboard


def dashboard_for_page(
    programme: Programme,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
    choices: FilterChoices | None = None,
) -> Dashboard | None:
    """The dashboard for the page: as `cached_dashboard`, except that one of
    PREPARE_FROM_GROUPS groups or more that is not in the cache is not built in this
    request: None then, and the view has it prepared in the background
    (reporting/services_dashboard.py). So the page's own cost stays bounded by what it
    shows (docs/decisions.md, decision 73)."""
    return _cached(
        programme, organisation_id=organisation_id, city_id=city_id, choices=choices, miss="small"
    )


def kept_dashboard(
    programme: Programme, *, organisation_id: int | None = None, city_id: int | None = None
) -> Dashboard | None:
    """The dashboard if the cache holds it, else None; never builds it (the preparing
    page's check, and the view's second look once a build was queued)."""
    return _cached(programme, organisation_id=organisation_id, city_id=city_id, miss="none")


def dashboard_group_count(
    programme: Programme, *, organisation_id: int | None, city_id: int | None
) -> int:
    """How many groups the dashboard (with this filter) covers. One query, counted in
    the database."""
    return Group.objects.filter(_in_groups("", programme, organisation_id, city_id)).count()


def build_lock(programme: Programme, *, organisation_id: int | None, city_id: int | None) -> str:
    """The cache key that one build of this dashboard, in the active language, holds
    while it runs or waits for a worker."""
    return _building(_page_key(programme, organisation_id, city_id))


def build_failed(programme: Programme, *, organisation_id: int | None, city_id: int | None) -> bool:
    """Whether the last background build of this dashboard failed within
    PREPARE_FAILED_SECONDS."""
    return bool(cache.get(_failed(_page_key(programme, organisation_id, city_id))))


def build_and_keep(
    programme: Programme, *, organisation_id: int | None, city_id: int | None
) -> None:
    """Build the dashboard in the active language and put it in the cache, then let go
    of its lock (the background task of reporting/tasks.py). A failure is noted for
    PREPARE_FAILED_SECONDS, the lock let go, and the error raised again."""
    key = _page_key(programme, organisation_id, city_id)
    try:
        scope = _scope_for(programme, organisation_id=organisation_id, city_id=city_id)
        seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
        with without_jit():  # hundreds of groups or more (stetapp/plans.py)
            dashboard = _build(
                scope, organisation_id=organisation_id, city_id=city_id, seconds=seconds
            )
        _store(key, dashboard, seconds)
    except Exception:
        cache.set(_failed(key), True, PREPARE_FAILED_SECONDS)
        raise
    finally:
        cache.delete(_building(key))


def _scope_for(
    programme: Programme,
    *,
    organisation_id: int | None,
    city_id: int | None,
    choices: FilterChoices | None = None,
) -> ProgrammeScope:
    """The scope a dashboard is built from: a filtered one's own groups (three queries,
    as many rows as the filter covers); the whole programme's from `choices` when
    reading them built it in this request, else `cached_programme_scope`."""
    if organisation_id is not None or city_id is not None:
        return programme_scope(programme, organisation_id=organisation_id, city_id=city_id)
    if choices is not None and choices.scope is not None:
        return choices.scope
    return cached_programme_scope(programme)


def _page_key(programme: Programme, organisation_id: int | None, city_id: int | None) -> str:
    return _dashboard_key(programme.pk, organisation_id, city_id, translation.get_language() or "")


def _building(key: str) -> str:
    return f"{key}:building"


def _failed(key: str) -> str:
    return f"{key}:failed"


def _cached(
    programme: Programme,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
    choices: FilterChoices | None = None,
    miss: Literal["build", "small", "none"],
) -> Dashboard | None:
    """`build_dashboard`, kept in the cache for STETAPP_DASHBOARD_CACHE_SECONDS (0: not
    cached) per programme, filter and language (the reasons are translated text). The
    figures may be that many seconds old: nothing invalidates them earlier
    (docs/decisions.md). The cached entries hold counts, suppressed counts, group,
    organisation and city names and coded communities: no personal data.

    A page's cost is bounded by what it shows (docs/decisions.md, decision 57): the
    dashboard is kept as a head (every figure but the three long lists) and the lists in
    pages of PAGE_SIZE rows, each under its own key (`CachedRows`). A cached look reads
    the head, whatever the programme's size, and a list's page only when its rows are
    drawn (the page keeps its drawn HTML: templates/reporting/programme_dashboard.html).
    The scope is read only when the dashboard is built (`_scope_for`). One build at a time
    per entry: a look that finds another request building it waits for that result
    (BUILD_WAIT_SECONDS at most).

    On a miss, `miss` says what to do: "build" it here; "small": build it here only if it
    covers fewer than PREPARE_FROM_GROUPS groups, else None; "none": None."""

    def scope() -> ProgrammeScope:
        return _scope_for(
            programme, organisation_id=organisation_id, city_id=city_id, choices=choices
        )

    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if not seconds:
        # Nothing to prepare it into: built for every look that may build.
        if miss == "none":
            return None
        return build_dashboard(scope(), organisation_id=organisation_id, city_id=city_id)

    def build() -> Dashboard:
        """Build it and keep it (on a miss, or when a page expired before its head)."""
        dashboard = _build(
            scope(), organisation_id=organisation_id, city_id=city_id, seconds=seconds
        )
        _store(key, dashboard, seconds)
        return dashboard

    key = _page_key(programme, organisation_id, city_id)
    head = cache.get(key)
    if head is None and organisation_id is not None and city_id is None:
        # One organisation: made from the programme's counts if they are kept.
        sliced = _from_slice(programme, organisation_id=organisation_id, key=key)
        if sliced is not None:
            return sliced
    if head is None:
        if miss == "none" or (
            miss == "small"
            and dashboard_group_count(programme, organisation_id=organisation_id, city_id=city_id)
            >= PREPARE_FROM_GROUPS
        ):
            return None
        lock = _building(key)
        if cache.add(lock, True, BUILD_LOCK_SECONDS):
            try:
                return build()
            finally:
                cache.delete(lock)
        # Another request is building this very dashboard: wait for it rather than
        # count the same marks a second time at once.
        head = _wait_for(key)
        if head is None:
            return build()
    dashboard, lengths = head
    return _with_cached_rows(dashboard, key=key, lengths=lengths, rebuild=build)


def _build(
    scope: ProgrammeScope, *, organisation_id: int | None, city_id: int | None, seconds: int
) -> Dashboard:
    """`build_dashboard`; the programme's unfiltered counts are also kept cut per
    organisation for `seconds` (`_keep_slices`)."""
    counts = count_dashboard(scope, organisation_id=organisation_id, city_id=city_id)
    if organisation_id is None and city_id is None and seconds:
        _keep_slices(scope, counts, seconds)
    return dashboard_from_counts(scope, counts)


def slice_key(programme_id: int, organisation_id: int) -> str:
    """Where one organisation's slice of the programme's counts is kept."""
    return f"dashboard-slice:{programme_id}:{organisation_id}"


def _keep_slices(scope: ProgrammeScope, counts: DashboardCounts, seconds: int) -> None:
    """Each organisation's slice of the programme's counts (`organisation_slices`), in the
    cache for `seconds`, the same in every language: a coordinator who chooses an
    organisation in the filter after looking at the programme is shown its dashboard
    without counting anything (decision 75). They hold what the dashboard's scope and
    counts hold: no personal data."""
    slices = organisation_slices(scope, counts)
    cache.set_many(
        {slice_key(scope.programme.pk, pk): kept for pk, kept in slices.items()}, seconds
    )


def _from_slice(programme: Programme, *, organisation_id: int, key: str) -> Dashboard | None:
    """One organisation's dashboard made from its kept slice, and kept under `key` for
    what is left of the slice's lifetime, so that it is never older than the programme's
    own page may be; None when no slice is kept."""
    kept = cache.get(slice_key(programme.pk, organisation_id))
    if kept is None:
        return None
    scope, counts = kept
    age = (timezone.now() - counts.now).total_seconds()
    left = int(settings.STETAPP_DASHBOARD_CACHE_SECONDS - age)
    if left < 1:
        return None
    dashboard = dashboard_from_counts(scope, counts)
    _store(key, dashboard, left)
    return dashboard


def _wait_for(key: str) -> Any:
    """The cache's entry `key` once another request has stored it, or None after
    BUILD_WAIT_SECONDS."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(BUILD_POLL_SECONDS)
        head = cache.get(key)
        if head is not None:
            return head
    return None


def refresh_cached_dashboard(programme: Programme, *, languages: Iterable[str]) -> None:
    """Build the programme's unfiltered dashboard again, in each of `languages`, and put
    it in the cache in place of the old one, as `cached_dashboard` would on a miss. The
    scheduler does this before the entry expires (reporting/jobs.py), so a coordinator
    is served the cached page instead of waiting for the build (seconds at 10,000
    groups). The counting is done once for all languages: the scope (three queries) and
    `count_dashboard` (six). Nothing happens when the dashboard is not cached."""
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return
    scope = programme_scope(programme)
    _store_scope(scope, seconds)
    with without_jit():  # the whole programme's marks (stetapp/plans.py)
        counts = count_dashboard(scope)
    _keep_slices(scope, counts, seconds)
    for language in languages:
        with translation.override(language):
            dashboard = dashboard_from_counts(scope, counts)
            _store(_dashboard_key(programme.pk, None, None, language), dashboard, seconds)


def _chunk_key(key: str, kind: str, index: int) -> str:
    return f"{key}:{kind}:{index}"


def _lists(dashboard: Dashboard) -> dict[str, Sequence[Any]]:
    """The three long lists, each cached in pages of PAGE_SIZE rows: the groups against
    the norm, the groups at risk, reach per organisation."""
    return {"norm": dashboard.norm_rows, "risk": dashboard.at_risk, "reach": dashboard.reach.rows}


def _store(key: str, dashboard: Dashboard, seconds: int) -> None:
    """The head and every page of the three lists, with one time to live, in one call to
    the cache (the head last)."""
    dashboard.version = uuid.uuid4().hex
    lists = _lists(dashboard)
    entries: dict[str, Any] = {}
    for kind, rows in lists.items():
        pack = _PACK[kind]
        for index, start in enumerate(range(0, len(rows), PAGE_SIZE)):
            entries[_chunk_key(key, kind, index)] = [
                pack(row) for row in rows[start : start + PAGE_SIZE]
            ]
    head = replace(dashboard, norm_rows=(), at_risk=(), reach=replace(dashboard.reach, rows=()))
    entries[key] = (head, {kind: len(rows) for kind, rows in lists.items()})
    cache.set_many(entries, seconds)


def _with_cached_rows(
    dashboard: Dashboard,
    *,
    key: str,
    lengths: dict[str, int],
    rebuild: Callable[[], Dashboard],
) -> Dashboard:
    built: list[Dashboard] = []

    def once() -> Dashboard:
        if not built:
            built.append(rebuild())
        return built[0]

    def rows(kind: str) -> CachedRows:
        return CachedRows(kind=kind, key=key, length=lengths[kind], rebuild=once)

    return replace(
        dashboard,
        norm_rows=rows("norm"),
        at_risk=rows("risk"),
        reach=replace(dashboard.reach, rows=rows("reach")),
    )


class CachedRows(Sequence[Any]):
    """One of the dashboard's long lists as the cache keeps it: its length, and its rows
    in pages of PAGE_SIZE tuples under keys of their own, each made into its object only
    when read. Drawing a page of the dashboard reads one page of each list; the
    workbook, which reads every row, fetches all the pages in one round trip. Should a
    page have expired in the meantime, the list is built again (`_rebuilt`), so a reader
    never sees a gap. What the rows say is the same as the built ones, except
    `GroupMeetings.rated`, which only the at-risk rule needs while building."""

    def __init__(
        self,
        *,
        kind: str,
        key: str,
        length: int,
        rebuild: Callable[[], Dashboard],
    ):
        self.kind = kind
        self.rebuild = rebuild
        self.key = key
        self.length = length
        self.chunks: dict[int, list[tuple]] = {}  # the pages read so far, by number
        self._rows: Sequence[Any] | None = None  # the list built again, if it had to be

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            # Read when iterated: a page whose HTML is kept never unpacks its rows.
            return _Slice(self, range(*index.indices(self.length)))
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        if self._rows is not None:
            return self._rows[index]
        chunk = self._chunk(index // PAGE_SIZE)
        if chunk is None:
            return self._rebuilt()[index]
        return _UNPACK[self.kind](chunk[index % PAGE_SIZE])

    def __iter__(self):
        if self._rows is None:
            count = -(-self.length // PAGE_SIZE)
            missing = [i for i in range(count) if i not in self.chunks]
            if missing:
                found = cache.get_many([_chunk_key(self.key, self.kind, i) for i in missing])
                for i in missing:
                    if (packed := found.get(_chunk_key(self.key, self.kind, i))) is not None:
                        self.chunks[i] = packed
            if any(i not in self.chunks for i in range(count)):
                self._rebuilt()
        if self._rows is not None:
            yield from self._rows
            return
        unpack = _UNPACK[self.kind]
        for i in range(self.length):
            yield unpack(self.chunks[i // PAGE_SIZE][i % PAGE_SIZE])

    def _chunk(self, index: int) -> list[tuple] | None:
        if index not in self.chunks:
            packed = cache.get(_chunk_key(self.key, self.kind, index))
            if packed is None:
                return None
            self.chunks[index] = packed
        return self.chunks[index]

    def _rebuilt(self) -> Sequence[Any]:
        rows = _lists(self.rebuild())[self.kind]
        self._rows = rows
        # The figures may have moved on since the head was stored: show the new list whole.
        self.length = len(rows)
        return rows


class _Slice(Sequence[Any]):
    """Rows of a `CachedRows`, made into their objects when read."""

    def __init__(self, rows: CachedRows, indexes: range):
        self.rows = rows
        self.indexes = indexes

    def __len__(self) -> int:
        return len(self.indexes)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return _Slice(self.rows, self.indexes[index])
        return self.rows[self.indexes[index]]

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)


def _group_tuple(group: GroupRow) -> tuple:
    return tuple(getattr(group, f.name) for f in fields(GroupRow))


def _pack_meetings(row: GroupMeetings) -> tuple:
    return (
        _group_tuple(row.group),
        row.organisation,
        row.held_last_year,
        row.held_this_year,
        row.planned_rest_of_year,
        row.last_held,
    )


def _unpack_meetings(packed: tuple) -> GroupMeetings:
    group, organisation, last_year, this_year, planned, last_held = packed
    return GroupMeetings(
        group=GroupRow(*group),
        organisation=organisation,
        held_last_year=last_year,
        held_this_year=this_year,
        planned_rest_of_year=planned,
        last_held=last_held,
    )


def _pack_risk(item: GroupAtRisk) -> tuple:
    return (
        _group_tuple(item.group),
        item.organisation,
        tuple((r.code, r.text) for r in item.reasons),
    )


def _unpack_risk(packed: tuple) -> GroupAtRisk:
    group, organisation, reasons = packed
    return GroupAtRisk(
        group=GroupRow(*group),
        organisation=organisation,
        reasons=[Reason(code, text) for code, text in reasons],
    )


def _pack_reach(row: ReachRow) -> tuple:
    return (row.label, row.participants_now, row.participants_year, row.volunteers, row.hours)


def _unpack_reach(packed: tuple) -> ReachRow:
    return ReachRow(*packed)


_PACK: dict[str, Callable[[Any], tuple]] = {
    "norm": _pack_meetings,
    "risk": _pack_risk,
    "reach": _pack_reach,
}
_UNPACK = {"norm": _unpack_meetings, "risk": _unpack_risk, "reach": _unpack_reach}


# --- the workbook ----------------------------------------------------------------------


def _number(value: str):
    """A suppressed count as a spreadsheet cell: a number when it is one, else the text."""
    return int(value) if value.isdigit() else value


def _cross_sheet(title: str, first: str, table: CrossTable) -> Sheet:
    headers = [first] + [str(c.label).capitalize() for c in table.columns] + [_("Total")]
    rows = [[row["label"], *row["counts"], row["total"]] for row in table.rows]
    rows.append([_("Total"), *table.totals["counts"], table.totals["total"]])
    return Sheet(title, headers, rows)


def dashboard_sheets(dashboard: Dashboard) -> list[Sheet]:
    """The dashboard as sheets for stetapp.exports.workbook_response:
    the same numbers as the page, suppressed the same way. Sheet titles stay under Excel's
    31 characters."""
    yes, no = _("yes"), _("no")
    summary: list[list[Any]] = [
        [_("Programme"), dashboard.programme.name],
        [_("Organisation"), dashboard.organisation or _("All")],
        [_("City"), dashboard.city or _("All")],
        [_("Date"), dashboard.today],
        [_("Groups"), dashboard.group_count],
        [
            _("Groups meeting the norm"),
            f"{dashboard.meeting_norm_count} / {len(dashboard.norm_rows)}",
        ],
        [_("Groups at risk"), len(dashboard.at_risk)],
    ]
    sheets = [
        Sheet(_("Summary"), [_("Item"), _("Value")], summary),
        _cross_sheet(_("Groups by city and status"), _("City"), dashboard.by_city_status),
        _cross_sheet(
            _("Community and composition"), _("Community"), dashboard.by_community_composition
        ),
        Sheet(
            _("Meetings against the norm"),
            [
                _("Group"),
                _("Organisation"),
                _("City"),
                _("Status"),
                _("Held in the last 12 months"),
                _("Norm"),
                _("Meets the norm"),
            ],
            [
                [
                    row.group.name,
                    row.organisation,
                    row.group.city_name,
                    row.group.status_label,
                    row.held_last_year,
                    dashboard.norm,
                    yes if row.meets_norm else no,
                ]
                for row in dashboard.norm_rows
            ],
        ),
        Sheet(
            _("Attendance per month"),
            [_("Month"), _("Participant marks"), _("Present"), _("Attendance rate (percent)")],
            [
                [
                    m.label,
                    _number(m.marked_display),
                    _number(m.present_display),
                    "–" if m.rate is None else m.rate,
                ]
                for m in dashboard.trend
            ],
        ),
        Sheet(
            _("Groups at risk"),
            [_("Group"), _("Organisation"), _("City"), _("Reasons")],
            [
                [
                    item.group.name,
                    item.organisation,
                    item.group.city_name,
                    " ".join(r.text for r in item.reasons),
                ]
                for item in dashboard.at_risk
            ],
        ),
        Sheet(
            _("Reach"),
            [
                _("Organisation"),
                _("Participants now"),
                _("Participants this year"),
                _("Active volunteers"),
                _("Volunteer hours this year"),
            ],
            [
                [
                    row.label,
                    _number(row.participants_now),
                    _number(row.participants_year),
                    _number(row.volunteers),
                    row.hours,
                ]
                for row in [*dashboard.reach.rows, dashboard.reach.total]
            ],
        ),
    ]
    return sheets
