"""Reads for the programme dashboard (views_dashboard.py): how all groups of a programme are
doing, in aggregates only.

Nothing here reads a participant's name or any other personal field: participants and
volunteers are only ever counted, and counts of people from 1 to 4 are shown as "<5"
(stetapp.suppression.suppress_breakdown). Group names are not personal data.

The number of queries is fixed whatever the size of the programme (pinned in
tests/reporting/test_dashboard.py):

`programme_scope` (3): the programme's organisations; its groups (with city names); the
organisations' lists of communities (groups/communities.py).
`build_dashboard` (6): the meetings of the filtered groups from a year before today up to
the end of the year, each with its attendance counted; enrolments per organisation and in
total; volunteers per organisation and in total; volunteer hours per organisation.
Everything else (the cross tables, the norm, the trend, the groups at risk) is computed
from those rows in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.communities import CodedCommunities, CommunityList, community_lists
from groups.models import Composition, Group, GroupStatus, Programme
from meetings.models import AttendanceStatus, Meeting, MeetingStatus
from meetings.selectors_planning import MIN_MEETINGS_PER_YEAR
from stetapp.dates import month_abbreviation
from stetapp.exports import Sheet
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


# --- the scope: organisations and groups of the programme -----------------------------


@dataclass(frozen=True)
class GroupRow:
    pk: int
    name: str
    status: str
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
        return sorted({(g.city_id, g.city_name) for g in self.groups}, key=lambda c: c[1])

    def organisation_name(self, pk: int) -> str:
        return dict(self.organisations).get(pk, "")


def programme_scope(programme: Programme) -> ProgrammeScope:
    """The programme's organisations, all their groups and the organisations' lists of
    communities. Three queries."""
    organisations = list(programme.organisations.order_by("name").values_list("pk", "name"))
    rows = (
        Group.objects.filter(organisation_id__in=[pk for pk, _name in organisations])
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "status",
            "community",
            "composition",
            "organisation_id",
            "city_id",
            "city__name",
        )
    )
    return ProgrammeScope(
        programme=programme,
        organisations=organisations,
        groups=[GroupRow(*row) for row in rows],
        communities=community_lists(pk for pk, _name in organisations),
    )


# --- what the dashboard shows ----------------------------------------------------------


@dataclass
class CrossTable:
    """Rows × columns of group counts with totals; the shape partials/crosstab.html takes."""

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
    rated: list[tuple[dt.datetime, int, int]] = field(default_factory=list)  # (at, present, marked)

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
    rows: list[ReachRow]
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
    norm_rows: list[GroupMeetings]
    trend: list[MonthAttendance]
    trend_chart: TrendChart
    at_risk: list[GroupAtRisk]
    reach: Reach

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
    def meeting_norm_count(self) -> int:
        return sum(1 for row in self.norm_rows if row.meets_norm)

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


def _meeting_rows(group_ids: list[int], start: dt.datetime, end: dt.datetime, now: dt.datetime):
    """Not cancelled meetings of the groups starting in [start, end), each flagged started
    and held or not at `now` (Meeting.objects.started and held, docs/decisions.md 28 and
    34) and with its participant marks and participant marks present counted. One query."""
    participant = Q(attendance__participant__isnull=False)
    return (
        Meeting.objects.filter(group_id__in=group_ids, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
        .with_held(now)
        .annotate(
            marked=Count("attendance", filter=participant),
            present=Count(
                "attendance",
                filter=participant & Q(attendance__status=AttendanceStatus.PRESENT),
            ),
        )
        .values_list("group_id", "starts_at", "is_started", "is_held", "marked", "present")
    )


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


def _reach(scope: ProgrammeScope, groups: list[GroupRow], today: dt.date) -> Reach:
    """Participants (enrolled today; enrolled at any time this year), active volunteers of
    the groups and volunteer hours this year, per organisation and in total. Five
    queries: per organisation and distinct in total for people (someone can be in groups of
    two organisations), per organisation for hours (they add up)."""
    from funding.models import Volunteer, VolunteerHours
    from participants.models import Enrolment

    ids = [g.pk for g in groups]
    jan1 = dt.date(today.year, 1, 1)
    enrolments = Enrolment.objects.filter(group_id__in=ids, joined_on__lte=today).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=jan1)
    )
    current = Q(left_on__isnull=True) | Q(left_on__gt=today)
    people = {
        "now": Count("participant_id", distinct=True, filter=current),
        "year": Count("participant_id", distinct=True),
    }
    # The counts are annotated through **people, which django-stubs cannot see.
    per_org_people: dict[int, Mapping[str, Any]] = {
        row["group__organisation_id"]: row
        for row in enrolments.order_by().values("group__organisation_id").annotate(**people)
    }
    total_people = enrolments.order_by().aggregate(**people)
    helping = Volunteer.groups.through.objects.filter(group_id__in=ids, volunteer__active=True)
    per_org_volunteers = dict(
        helping.order_by()
        .values("group__organisation_id")
        .annotate(n=Count("volunteer_id", distinct=True))
        # django-stubs does not see "n" annotated on the auto-created through model.
        .values_list("group__organisation_id", "n")  # type: ignore[misc]
    )
    total_volunteers = helping.order_by().aggregate(n=Count("volunteer_id", distinct=True))["n"]
    per_org_hours = dict(
        VolunteerHours.objects.filter(group_id__in=ids, worked_on__gte=jan1, worked_on__lte=today)
        .order_by()
        .values("group__organisation_id")
        .annotate(hours=Sum("hours"))
        .values_list("group__organisation_id", "hours")
    )

    organisations = [
        (pk, name)
        for pk, name in scope.organisations
        if any(g.organisation_id == pk for g in groups)
    ]

    def column(values: dict) -> dict:
        return suppress_breakdown({pk: values.get(pk) or 0 for pk, _name in organisations})

    now = column({pk: row["now"] for pk, row in per_org_people.items()})
    year = column({pk: row["year"] for pk, row in per_org_people.items()})
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
    total_now = total_people["now"] or 0
    total_year = total_people["year"] or 0
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


def build_dashboard(
    scope: ProgrammeScope,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
) -> Dashboard:
    """Every figure of the dashboard for the programme's groups, optionally only those of
    one organisation and/or one city. Six queries (see the module's docstring)."""
    now = timezone.now()
    today = timezone.localdate(now)
    groups = [
        g
        for g in scope.groups
        if (organisation_id is None or g.organisation_id == organisation_id)
        and (city_id is None or g.city_id == city_id)
    ]
    by_pk = {g.pk: g for g in groups}
    coding = scope.coded_communities(groups)
    since = today - YEAR
    jan1 = dt.date(today.year, 1, 1)
    trend_start = _months_back(today, TREND_MONTHS - 1)
    start = _local_midnight(min(since, jan1, trend_start))
    end = _local_midnight(dt.date(today.year + 1, 1, 1))

    per_group = {
        g.pk: GroupMeetings(group=g, organisation=scope.organisation_name(g.organisation_id))
        for g in groups
    }
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
    month_of = {(m.month.year, m.month.month): m for m in months}

    rows = _meeting_rows(list(by_pk), start, end, now)
    for group_id, starts_at, started, held, marked, present in rows:
        row = per_group[group_id]
        day = timezone.localtime(starts_at).date()
        if not started:
            if day.year == today.year:
                row.planned_rest_of_year += 1
            continue
        month = month_of.get((day.year, day.month))
        if month is not None:
            month.marked += marked
            month.present += present
        if not held:
            continue
        if day >= since:
            row.held_last_year += 1
            if marked:
                row.rated.append((starts_at, present, marked))
        if day >= jan1:
            row.held_this_year += 1
        if row.last_held is None or day > row.last_held:
            row.last_held = day

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
            lambda g: coding.coded(g.organisation_id, g.community),
            "composition",
            list(Composition),
        ),
        norm_rows=norm_rows,
        trend=months,
        trend_chart=_trend_chart(months),
        at_risk=at_risk,
        reach=_reach(scope, groups, today),
    )


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
