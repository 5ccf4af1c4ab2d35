"""The accountability report of one grant over one period: its numbers (build_grant_report)
and its two forms, a PDF (report_pdf) and an Excel workbook (report_xlsx), which show the
same numbers. docs/reports.md defines every number.

The report goes to funders, so it holds aggregates only: no participant, volunteer or
staff name, no phone number, address or note, and no storyteller. Counts of participants
from 1 to 4 are shown as "<5" (stetapp.suppression.suppress), breakdowns with
complementary suppression (suppress_breakdown). Stories and quotes appear only where the
story's consent scope reaches funders and the storyteller's consent is still active (or
the story is anonymous). The one text not computed is the project lead's own: a written
summary and a contact line for the period (ReportSummary), written for the funder on the
report page.

build_grant_report runs a fixed number of queries whatever the amount of data
(REPORT_QUERIES); the PDF and the workbook are made from the built report without any
query.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from funding.models import FundingApplication, Grant, VolunteerHours, leap_days
from funding.selectors import BudgetAgainstActual, budget_against_actual
from groups.communities import CommunityList, community_list
from groups.languages import language_direction
from groups.models import Group, Organisation
from meetings.models import IDEA_DONE_STATUSES, ActivityKind, Meeting, MeetingStatus
from meetings.models import Idea as MeetingIdea
from participants.models import Consent, Enrolment, Gender
from participants.selectors import AGE_BANDS
from stetapp.charts import Chart, bar_chart
from stetapp.dates import short_date
from stetapp.exports import Sheet, Table, workbook_bytes
from stetapp.money import Euros
from stetapp.pdf import layout_pdf, render_pdf, resource_url
from stetapp.suppression import suppress, suppress_breakdown

from .models import (
    SCOPE_CONSENT_PURPOSES,
    SCOPES_FOR_FUNDERS,
    ContinuationPlan,
    Observation,
    ObservationKind,
    ReportSummary,
    SelectionLevel,
    SelectionRound,
    Story,
    StoryDomain,
)
from .scoring import CITATIONS
from .selectors import measurement_results

# The queries build_grant_report runs, whatever the size of the data (pinned in
# tests/reporting/test_grant_report.py).
REPORT_QUERIES = 17
# Up to this many held meetings with attendance, the chart shows every meeting; above
# it, one bar per month.
CHART_MEETINGS_MAX = 24
# A logo larger than this is left out of the PDF (the upload form allows 1 MB).
LOGO_MAX_BYTES = 1024 * 1024
LOGO_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ONE_DECIMAL = Decimal("0.1")


# --- the report's parts --------------------------------------------------------------


@dataclass
class GroupLine:
    name: str
    city: str


@dataclass
class CountCell:
    """A count of people and how the report shows it ("<5" for 1–4)."""

    n: int
    shown: str


@dataclass
class BreakdownRow:
    key: str
    label: str
    n: int
    shown: str


@dataclass
class ParticipantSection:
    unique: CountCell
    new: CountCell
    left: CountCell
    by_gender: list[BreakdownRow]
    by_age: list[BreakdownRow]
    by_community: list[BreakdownRow]


@dataclass
class VolunteerSection:
    volunteers: int
    hours: Decimal


@dataclass
class GroupMeetings:
    name: str
    city: str
    held: int
    cancelled: int
    required: int | None

    @property
    def met(self) -> bool | None:
        return None if self.required is None else self.held >= self.required


@dataclass
class MeetingSection:
    held: int
    cancelled: int
    min_per_year: int | None  # the grant's condition; None when it sets none
    required_per_group: int | None
    days_counted: int
    per_group: list[GroupMeetings]

    @property
    def groups_meeting_condition(self) -> int:
        return sum(1 for g in self.per_group if g.met)

    @property
    def condition_met(self) -> bool | None:
        if self.required_per_group is None:
            return None
        return all(g.met for g in self.per_group)


@dataclass
class ChartPoint:
    label: str
    present: int


@dataclass
class Figure:
    """One figure as every form of the report shows it: the page and the PDF show `shown`
    next to `label`, the workbook `value` (a number) next to `sheet_label`."""

    label: str
    value: Decimal | int | None
    percent: bool = False

    @property
    def shown(self) -> str:
        if self.value is None:
            return "–"
        places = 1 if isinstance(self.value, Decimal) else 0
        digits = number_format(self.value, places, use_l10n=True, force_grouping=True)
        return f"{digits} %" if self.percent else digits

    @property
    def sheet_label(self) -> str:
        return _("%(figure)s, percent") % {"figure": self.label} if self.percent else self.label


@dataclass
class AttendanceSection:
    participant_marks: int  # participant marks (present, absent, excused) at held meetings
    participants_present: int
    meetings_with_marks: int
    present_with_guests: int
    per: str  # "meeting" or "month"
    points: list[ChartPoint]
    chart: Chart | None

    @property
    def rate(self) -> Decimal | None:
        if not self.participant_marks:
            return None
        return _ratio(100 * self.participants_present, self.participant_marks)

    @property
    def average_present(self) -> Decimal | None:
        if not self.meetings_with_marks:
            return None
        return _ratio(self.present_with_guests, self.meetings_with_marks)

    @property
    def figures(self) -> list[Figure]:
        """The attendance figures, in the order the page, the PDF and the workbook show
        them (one list, so that the three cannot drift apart)."""
        return [
            Figure(_("Participant marks at held meetings"), self.participant_marks),
            Figure(_("Participants present"), self.participants_present),
            Figure(_("Attendance rate"), self.rate, percent=True),
            Figure(_("Held meetings with attendance marked"), self.meetings_with_marks),
            Figure(_("Present, guests included"), self.present_with_guests),
            Figure(_("Average present per meeting"), self.average_present),
        ]


@dataclass
class ActivityRow:
    code: str
    label: str
    meetings: int


@dataclass
class ActivitySection:
    rows: list[ActivityRow]
    meetings_held: int
    ideas_done: int
    ideas_by_participants: int
    meetings_co_organised: int

    @property
    def proposed_share(self) -> int | None:
        return _percent(self.ideas_by_participants, self.ideas_done)

    @property
    def organised_share(self) -> int | None:
        return _percent(self.meetings_co_organised, self.meetings_held)


@dataclass
class ChoiceReason:
    held_on: dt.date
    level: str
    reasons: str


@dataclass
class ChosenStory:
    title: str
    domain: str
    text: str
    translated: bool
    direction: str  # "rtl" or "ltr"
    choices: list[ChoiceReason]


@dataclass
class Quote:
    text: str
    attribution: str


@dataclass
class Measurement:
    instrument: str
    label: str
    pairs: int
    pairs_shown: str
    shown: bool
    baseline_mean: Decimal | None
    follow_up_mean: Decimal | None
    change: Decimal | None
    citation: str


@dataclass
class ImpactSection:
    stories_collected: int
    observations: int
    conversations: int
    chosen: list[ChosenStory]
    chosen_withheld: int  # chosen stories whose consent does not reach funders
    quotes: list[Quote]
    measurements: list[Measurement]


@dataclass
class ContinuationStepLine:
    description: str
    due_on: dt.date
    done_on: dt.date | None


@dataclass
class FollowUpLine:
    title: str
    fund: str
    status: str


@dataclass
class ContinuationLine:
    group: str
    has_plan: bool
    route: str = ""
    status: str = ""
    summary: str = ""
    volunteer_leads: int = 0
    has_room: bool = False
    steps: list[ContinuationStepLine] = field(default_factory=list)
    follow_ups: list[FollowUpLine] = field(default_factory=list)


@dataclass
class GrantReport:
    grant_pk: int
    organisation: str
    logo_name: str  # the organisation's logo in private storage ("" when none)
    fund: str
    application_title: str
    grant_amount: Decimal
    start: dt.date
    end: dt.date
    groups: list[GroupLine]
    made_on: dt.date
    participants: ParticipantSection
    volunteers: VolunteerSection
    meetings: MeetingSection
    attendance: AttendanceSection
    activities: ActivitySection
    costs: BudgetAgainstActual
    impact: ImpactSection
    continuation: list[ContinuationLine]
    # The project lead's own words for this period (ReportSummary), "" when none.
    summary: str = ""
    contact: str = ""

    @property
    def period_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def counted_until(self) -> dt.date:
        """The last day the report can count: the period's end, or the day it is made
        when the period has not ended yet (no meeting still to come is counted)."""
        return min(self.end, self.made_on)

    @property
    def period_running(self) -> bool:
        return self.end > self.made_on


# --- arithmetic ----------------------------------------------------------------------


def _ratio(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> int | None:
    """A whole percentage rounded half up, as meetings.selectors_cocreation.cocreation_share does;
    None when there is nothing to divide."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high, label in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return str(label)
    return "unknown"  # pragma: no cover


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- building the report -------------------------------------------------------------


def build_grant_report(
    grant,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> GrantReport:
    """The report of `grant` over [start, end] (both days included; by default the
    grant's period) as it stands at `now` (by default the clock). ValueError when end is
    before start. REPORT_QUERIES queries."""
    grant = Grant.objects.select_related("application__organisation", "application__fund").get(
        pk=grant.pk
    )
    start = start or grant.period_start
    end = end or grant.period_end
    if end < start:
        raise ValueError("the period ends before it starts")
    application = grant.application
    organisation = application.organisation
    groups = list(
        Group.objects.filter(funding_applications=application)
        .select_related("city")
        .order_by("name", "pk")
    )
    ids = [g.pk for g in groups]
    now = now or timezone.now()
    meeting_rows = _meeting_rows(ids, start, end, now)
    held_rows = [r for r in meeting_rows if r["is_held"]]
    return GrantReport(
        grant_pk=grant.pk,
        organisation=organisation.name,
        logo_name=organisation.logo.name or "",
        fund=application.fund.name,
        application_title=application.title,
        grant_amount=grant.amount,
        start=start,
        end=end,
        groups=[GroupLine(g.name, g.city.name) for g in groups],
        made_on=timezone.localdate(now),
        participants=_participants(ids, start, end, community_list(organisation.pk)),
        volunteers=_volunteers(ids, start, end),
        meetings=_meetings(groups, meeting_rows, held_rows, grant, start, end),
        attendance=_attendance(
            held_rows, group_names={g.pk: g.name for g in groups} if len(groups) > 1 else None
        ),
        activities=_activities(ids, held_rows, start, end, now),
        costs=_costs(application, start, end),
        impact=_impact(ids, start, end),
        continuation=_continuation(groups),
        **period_summary(grant, start=start, end=end),
    )


def period_summary(grant, *, start: dt.date, end: dt.date) -> dict:
    """One query: the project lead's summary and contact line of this very period."""
    row = (
        ReportSummary.objects.filter(grant=grant, start=start, end=end)
        .values("text", "contact")
        .first()
    )
    return {"summary": row["text"], "contact": row["contact"]} if row else {}


def _participants(ids, start, end, communities_of: CommunityList) -> ParticipantSection:
    """One query: per participant with an enrolment in a report group overlapping the
    period, their first joining date among those enrolments and how many of them still
    ran after the period. Communities are coded by `communities_of`, the organisation's
    list (loaded by the caller: one query)."""
    rows = (
        Enrolment.objects.filter(group_id__in=ids, joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .order_by()
        .values(
            "participant_id",
            "participant__gender",
            "participant__birth_year",
            "participant__community",
        )
        .annotate(
            first_joined=Min("joined_on"),
            still_there=Count("pk", filter=Q(left_on__isnull=True) | Q(left_on__gt=end)),
        )
    )
    people: dict[int, Any] = {}
    for row in rows:
        # A participant's own fields are the same on every row of theirs.
        people.setdefault(row["participant_id"], row)
    unique = len(people)
    new = sum(1 for r in people.values() if r["first_joined"] >= start)
    left = sum(1 for r in people.values() if r["still_there"] == 0)

    genders = Counter(r["participant__gender"] or Gender.UNKNOWN for r in people.values())
    gender_labels = {g.value: str(g.label) for g in Gender}
    gender_counts = {g.value: genders.get(g.value, 0) for g in Gender}

    ages = Counter(
        age_band(end.year - r["participant__birth_year"] if r["participant__birth_year"] else None)
        for r in people.values()
    )
    age_labels = {str(label): str(label) for _low, _high, label in AGE_BANDS}
    age_counts = {key: ages.get(key, 0) for key in age_labels}
    if ages.get("unknown"):
        age_labels["unknown"] = _("not recorded")
        age_counts["unknown"] = ages["unknown"]

    # The organisation's coded categories only: typed text never reaches a funder
    # (groups/communities.py).
    communities = Counter(communities_of.code(r["participant__community"]) for r in people.values())
    community_keys = sorted(
        communities,
        key=lambda k: (communities_of.sort_key(k)[0], -communities[k], communities_of.label(k)),
    )
    community_labels = {k: communities_of.label(k) for k in community_keys}
    community_counts = {k: communities[k] for k in community_keys}

    return ParticipantSection(
        unique=CountCell(unique, suppress(unique)),
        new=CountCell(new, suppress(new)),
        left=CountCell(left, suppress(left)),
        by_gender=_breakdown(gender_counts, gender_labels),
        by_age=_breakdown(age_counts, age_labels),
        by_community=_breakdown(community_counts, community_labels),
    )


def _breakdown(counts: dict, labels: dict) -> list[BreakdownRow]:
    shown = suppress_breakdown(counts)
    return [BreakdownRow(key, labels[key], n, shown[key]) for key, n in counts.items()]


def _volunteers(ids, start, end) -> VolunteerSection:
    totals = VolunteerHours.objects.filter(
        group_id__in=ids, worked_on__gte=start, worked_on__lte=end
    ).aggregate(volunteers=Count("volunteer_id", distinct=True), hours=Sum("hours"))
    hours = Decimal(totals["hours"] or 0).quantize(Decimal("0.01"))
    return VolunteerSection(volunteers=totals["volunteers"] or 0, hours=hours)


def _meeting_rows(ids, start, end, now) -> list[dict]:
    """One query: every meeting of the report groups starting in the period (local
    time), with its attendance counts, whether a participant helped organise it and
    whether it was held at `now` (Meeting.objects.held, docs/decisions.md 26)."""
    present = Q(attendance__status="present")
    participant_mark = Q(attendance__participant__isnull=False)
    return list(
        Meeting.objects.filter(
            group_id__in=ids,
            starts_at__gte=_aware(start),
            starts_at__lt=_aware(end + dt.timedelta(1)),
        )
        .order_by("starts_at", "pk")
        .with_held(now)
        .annotate(
            marks=Count("attendance"),
            participant_marks=Count("attendance", filter=participant_mark),
            participants_present=Count("attendance", filter=participant_mark & present),
            present_all=Count("attendance", filter=present),
            co_organised=Exists(
                Meeting.organisers.through.objects.filter(meeting_id=OuterRef("pk"))
            ),
        )
        .values(
            "pk",
            "group_id",
            "starts_at",
            "status",
            "activities",
            "marks",
            "participant_marks",
            "participants_present",
            "present_all",
            "co_organised",
            "is_held",
            "is_started",
        )
    )


def _meetings(groups, rows, held_rows, grant, start, end) -> MeetingSection:
    required = grant.required_meetings(start, end)
    min_per_year = grant.min_meetings
    held = Counter(r["group_id"] for r in held_rows)
    # Like held: only meetings that were due by now (a cancellation still to come is not
    # counted in a period that has not ended; docs/decisions.md 35).
    cancelled = Counter(
        r["group_id"] for r in rows if r["status"] == MeetingStatus.CANCELLED and r["is_started"]
    )
    return MeetingSection(
        held=len(held_rows),
        cancelled=sum(cancelled.values()),
        min_per_year=min_per_year or None,
        required_per_group=required,
        days_counted=(end - start).days + 1 - leap_days(start, end),
        per_group=[
            GroupMeetings(g.name, g.city.name, held[g.pk], cancelled[g.pk], required)
            for g in groups
        ],
    )


def _attendance(held_rows, *, group_names: dict | None) -> AttendanceSection:
    """Attendance over the held meetings; the chart per meeting (labelled with the group
    when the grant covers several), or per month above CHART_MEETINGS_MAX meetings."""
    marked = [r for r in held_rows if r["marks"]]
    if len(marked) <= CHART_MEETINGS_MAX:
        per = "meeting"
        points = []
        for row in marked:
            label = short_date(timezone.localtime(row["starts_at"]).date())
            if group_names is not None:
                label = f"{label} · {group_names.get(row['group_id'], '')}"
            points.append(ChartPoint(label, row["present_all"]))
    else:
        per = "month"
        months: dict[dt.date, list[int]] = {}
        for row in marked:
            day = timezone.localtime(row["starts_at"]).date().replace(day=1)
            months.setdefault(day, []).append(row["present_all"])
        points = [
            ChartPoint(
                date_format(month, "YEAR_MONTH_FORMAT"),
                int(_ratio(sum(values), len(values)).to_integral_value(ROUND_HALF_UP)),
            )
            for month, values in sorted(months.items())
        ]
    chart = None
    if points:
        chart = bar_chart(
            chart_id="attendance-chart",
            title=_("Present per meeting") if per == "meeting" else _("Present per month"),
            items=[(p.label, p.present) for p in points],
            value_heading=_("Present"),
        )
    return AttendanceSection(
        participant_marks=sum(r["participant_marks"] for r in held_rows),
        participants_present=sum(r["participants_present"] for r in held_rows),
        meetings_with_marks=len(marked),
        present_with_guests=sum(r["present_all"] for r in marked),
        per=per,
        points=points,
        chart=chart,
    )


def _activities(ids, held_rows, start, end, now) -> ActivitySection:
    kinds: Counter[str] = Counter()
    for row in held_rows:
        for code in set(row["activities"] or []):
            kinds[code] += 1
    ideas = MeetingIdea.objects.filter(
        group_id__in=ids,
        status__in=IDEA_DONE_STATUSES,
        # Done at a meeting held by `now`: never one still to come (decision 35).
        meeting__in=Meeting.objects.held(now),
        meeting__starts_at__gte=_aware(start),
        meeting__starts_at__lt=_aware(end + dt.timedelta(1)),
    ).aggregate(total=Count("pk"), by_participants=Count("pk", filter=Q(proposed_by__isnull=False)))
    return ActivitySection(
        rows=[ActivityRow(k.value, str(k.label), kinds.get(k.value, 0)) for k in ActivityKind],
        meetings_held=len(held_rows),
        ideas_done=ideas["total"] or 0,
        ideas_by_participants=ideas["by_participants"] or 0,
        meetings_co_organised=sum(1 for r in held_rows if r["co_organised"]),
    )


def _costs(application, start, end) -> BudgetAgainstActual:
    """Two queries (funding.selectors.budget_against_actual with the period)."""
    return budget_against_actual(application=application, start=start, end=end)


def _consents(storyteller_ref: str) -> dict:
    """Per scope that reaches funders: does the storyteller hold an active consent that
    allows it (SCOPE_CONSENT_PURPOSES)?"""
    return {
        f"allowed_{scope}": Exists(
            Consent.objects.filter(
                participant_id=OuterRef(storyteller_ref),
                withdrawn_at__isnull=True,
                purpose__in=SCOPE_CONSENT_PURPOSES[scope],
            )
        )
        for scope in SCOPES_FOR_FUNDERS
    }


def _shareable(row: dict, prefix: str = "") -> bool:
    """A story may reach a funder when its scope is funder or public and it is anonymous
    or its storyteller's consent for that scope is active."""
    scope = row[f"{prefix}consent_scope"]
    if scope not in SCOPES_FOR_FUNDERS:
        return False
    if row[f"{prefix}storyteller_id"] is None:
        return True
    return bool(row[f"allowed_{scope}"])


def _impact(ids, start, end) -> ImpactSection:
    """Four queries: the stories collected in the period (with consent), the selection
    rounds held in the period, the observations by kind, the measurement results."""
    stories = list(
        Story.objects.filter(group_id__in=ids, collected_on__gte=start, collected_on__lte=end)
        .annotate(**_consents("storyteller_id"))
        .order_by("collected_on", "pk")
        .values(
            "quote",
            "consent_scope",
            "storyteller_id",
            "collected_on",
            "group__city__name",
            *(f"allowed_{s}" for s in SCOPES_FOR_FUNDERS),
        )
    )
    quotes = [
        Quote(
            text=row["quote"].strip(),
            attribution=_("(Participant, %(city)s, %(year)s)")
            % {"city": row["group__city__name"], "year": row["collected_on"].year},
        )
        for row in stories
        if row["quote"].strip() and _shareable(row)
    ]
    rounds = (
        SelectionRound.objects.filter(
            selected__group_id__in=ids, held_on__gte=start, held_on__lte=end
        )
        .annotate(**_consents("selected__storyteller_id"))
        .order_by("held_on", "pk")
        .values(
            "held_on",
            "level",
            "reasons",
            "selected_id",
            "selected__title",
            "selected__domain",
            "selected__own_domain",
            "selected__text",
            "selected__translation",
            "selected__language",
            "selected__consent_scope",
            "selected__storyteller_id",
            *(f"allowed_{s}" for s in SCOPES_FOR_FUNDERS),
        )
    )
    chosen: dict[int, ChosenStory] = {}
    withheld = set()
    level_labels = dict(SelectionLevel.choices)
    domain_labels = dict(StoryDomain.choices)
    for row in rounds:
        if not _shareable(row, "selected__"):
            withheld.add(row["selected_id"])
            continue
        story = chosen.get(row["selected_id"])
        if story is None:
            translation = (row["selected__translation"] or "").strip()
            domain = row["selected__domain"]
            story = ChosenStory(
                title=row["selected__title"],
                domain=(
                    row["selected__own_domain"]
                    if domain == "own" and row["selected__own_domain"]
                    else str(domain_labels.get(domain, domain))
                ),
                text=translation or row["selected__text"],
                translated=bool(translation),
                direction="ltr" if translation else language_direction(row["selected__language"]),
                choices=[],
            )
            chosen[row["selected_id"]] = story
        story.choices.append(
            ChoiceReason(
                held_on=row["held_on"],
                level=str(level_labels.get(row["level"], row["level"])),
                reasons=row["reasons"],
            )
        )
    kinds = dict(
        Observation.objects.filter(group_id__in=ids, observed_on__gte=start, observed_on__lte=end)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    measurements = [
        Measurement(
            instrument=result.instrument,
            label=result.label,
            pairs=result.pairs,
            pairs_shown=suppress(result.pairs),
            shown=result.shown,
            baseline_mean=result.baseline_mean,
            follow_up_mean=result.follow_up_mean,
            change=result.change,
            citation=CITATIONS[result.instrument],
        )
        for result in measurement_results(groups=ids, start=start, end=end)
    ]
    return ImpactSection(
        stories_collected=len(stories),
        observations=kinds.get(ObservationKind.OBSERVATION, 0),
        conversations=kinds.get(ObservationKind.CONVERSATION, 0),
        chosen=list(chosen.values()),
        chosen_withheld=len(withheld),
        quotes=quotes,
        measurements=measurements,
    )


def _continuation(groups) -> list[ContinuationLine]:
    """Three queries: the plans, their steps, their follow-up applications with fund."""
    plans = {
        plan.group_id: plan
        for plan in ContinuationPlan.objects.filter(
            group__in=[g.pk for g in groups]
        ).prefetch_related(
            "steps",
            Prefetch(
                "follow_up_applications",
                queryset=FundingApplication.objects.select_related("fund").order_by("title"),
            ),
        )
    }
    lines = []
    for group in groups:
        plan = plans.get(group.pk)
        if plan is None:
            lines.append(ContinuationLine(group=group.name, has_plan=False))
            continue
        lines.append(
            ContinuationLine(
                group=group.name,
                has_plan=True,
                route=plan.get_route_display(),
                status=plan.get_status_display(),
                summary=plan.summary,
                volunteer_leads=plan.volunteer_leads,
                has_room=bool(plan.room.strip()),
                steps=[
                    ContinuationStepLine(s.description, s.due_on, s.done_on)
                    for s in plan.steps.all()
                ],
                follow_ups=[
                    FollowUpLine(a.title, a.fund.name, a.get_status_display())
                    for a in plan.follow_up_applications.all()
                ],
            )
        )
    return lines


# --- file names, the PDF and the workbook ----------------------------------------------


# The file name keeps the whole period (21 characters) whatever the names before it.
FILENAME_HEAD_MAX = 60


def report_filename(report: GrantReport, ext: str) -> str:
    """A safe ASCII file name that names the whole period:
    fund-report-<grant>-<organisation>-<fund>-<start>-<end>.<ext> ("fondsrapport-…" in
    Dutch). Long organisation and fund names are cut short, never the period."""
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext or ""):
        raise ValueError(f"not a file extension: {ext!r}")
    # Translators: the start of a fund report's file name, e.g. "fund-report-12-….pdf".
    kind = _("fund report")
    head = slugify(f"{kind} {report.grant_pk} {report.organisation} {report.fund}")
    head = head[:FILENAME_HEAD_MAX].strip("-")
    period = f"{report.start:%Y-%m-%d}-{report.end:%Y-%m-%d}"
    # slugify leaves ASCII letters, digits and hyphens only (stetapp.exports.safe_filename).
    return f"{head or 'report'}-{period}.{ext}"


def logo_resource(name: str) -> tuple[bytes, str] | None:
    """The organisation's logo as (bytes, mime type) from private storage, when it is a
    PNG or JPEG of at most 1 MB (judged by its first bytes, not its name); else None."""
    if not name:
        return None
    storage = Organisation._meta.get_field("logo").storage
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > LOGO_MAX_BYTES:
        return None
    for signature, mime_type in LOGO_SIGNATURES:
        if data.startswith(signature):
            return data, mime_type
    return None


def _pdf_parts(report: GrantReport) -> tuple[str, dict, dict | None]:
    logo = logo_resource(report.logo_name)
    ctx = {"report": report, "logo_url": resource_url("logo") if logo else ""}
    return "reporting/pdf/grant_report.html", ctx, {"logo": logo} if logo else None


def report_pdf(report: GrantReport) -> bytes:
    """The report as an A4 PDF (WeasyPrint, through stetapp.pdf.render_pdf), in the
    active language. The logo is handed over in memory; nothing else is fetched."""
    template_name, ctx, resources = _pdf_parts(report)
    return render_pdf(template_name, ctx, resources=resources)


def report_pdf_layout(report: GrantReport):
    """The laid-out pages of report_pdf (stetapp.pdf.layout_pdf), for checking the print
    layout: which block lands on which page, in which type size."""
    template_name, ctx, resources = _pdf_parts(report)
    return layout_pdf(template_name, ctx, resources=resources)


def _number(shown: str):
    """A shown count as a spreadsheet value: a number, or the text "<5" / "≥5"."""
    return int(shown) if shown.isdigit() else shown


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "–"
    return _("yes") if value else _("no")


def report_xlsx(report: GrantReport) -> bytes:
    """The report as an Excel workbook with the same numbers as the PDF, one sheet per
    part: Summary, Participants, Meetings, Activities, Costs, Impact, Continuation."""
    p, m, a = report.participants, report.meetings, report.attendance
    acts, costs_part, imp = report.activities, report.costs, report.impact
    summary = [
        (_("Organisation"), report.organisation),
        (_("Fund"), report.fund),
        (_("Application"), report.application_title),
        (_("Grant amount (euro)"), Euros(report.grant_amount)),
        (_("Period from"), report.start),
        (_("Period until"), report.end),
        (_("Groups"), "; ".join(f"{g.name} ({g.city})" for g in report.groups)),
        (_("Made on"), report.made_on),
        (_("Unique participants"), _number(p.unique.shown)),
        (_("New participants"), _number(p.new.shown)),
        (_("Participants who left"), _number(p.left.shown)),
        (_("Volunteers"), report.volunteers.volunteers),
        (_("Volunteer hours"), report.volunteers.hours),
        (_("Meetings held"), m.held),
        (_("Meetings cancelled"), m.cancelled),
        (_("Required meetings per group"), m.required_per_group),
        (_("Attendance rate, percent"), a.rate),
        (_("Average present per meeting"), a.average_present),
        (_("Activities proposed by participants, percent"), acts.proposed_share),
        (_("Meetings organised with participants, percent"), acts.organised_share),
        (_("Total budget (euro)"), Euros(costs_part.total_budgeted)),
        (_("Total spent (euro)"), Euros(costs_part.total_actual)),
        (_("Variance, percent"), costs_part.total_variance_percent),
        (_("Stories collected"), imp.stories_collected),
        (_("Observations"), imp.observations),
        (_("Informal conversations"), imp.conversations),
    ]
    # The project lead's own words, when written (as in the PDF).
    if report.contact:
        summary.insert(8, (_("Contact"), report.contact))
    if report.summary:
        summary.append((_("Summary for the funder"), report.summary))
    participants = [
        (_("Total"), _("Unique participants"), _number(p.unique.shown)),
        (_("Total"), _("New participants"), _number(p.new.shown)),
        (_("Total"), _("Participants who left"), _number(p.left.shown)),
    ]
    for heading, rows in (
        (_("Gender"), p.by_gender),
        (_("Age at the end of the period"), p.by_age),
        (_("Community"), p.by_community),
    ):
        participants += [(heading, r.label, _number(r.shown)) for r in rows]
    meetings = [
        (g.name, g.city, g.held, g.cancelled, g.required, _yes_no(g.met)) for g in m.per_group
    ]
    meetings.append((_("Total"), "", m.held, m.cancelled, None, _yes_no(m.condition_met)))
    attendance = [(f.sheet_label, f.value) for f in a.figures]
    cocreation = [
        (_("Activities done at a meeting"), acts.ideas_done),
        (_("Proposed by a participant"), acts.ideas_by_participants),
        (_("Activities proposed by participants, percent"), acts.proposed_share),
        (_("Meetings held"), acts.meetings_held),
        (_("Meetings with a participant among the organisers"), acts.meetings_co_organised),
        (_("Meetings organised with participants, percent"), acts.organised_share),
    ]
    costs = [
        (r.label, Euros(r.budgeted), Euros(r.actual), Euros(r.remaining), r.variance_percent)
        for r in costs_part.rows
    ]
    costs.append(
        (
            _("Total"),
            Euros(costs_part.total_budgeted),
            Euros(costs_part.total_actual),
            Euros(costs_part.total_remaining),
            costs_part.total_variance_percent,
        )
    )
    steps, follow_ups = [], []
    for line in report.continuation:
        steps += [(line.group, s.description, s.due_on, s.done_on) for s in line.steps]
        follow_ups += [(line.group, f.title, f.fund, f.status) for f in line.follow_ups]
    sheets = [
        Sheet(_("Summary"), [_("Item"), _("Value")], summary),
        Sheet(_("Participants"), [_("Breakdown"), _("Category"), _("Participants")], participants),
        Sheet(
            _("Meetings"),
            [
                _("Group"),
                _("City"),
                _("Held"),
                _("Cancelled"),
                _("Required for the period"),
                _("Condition met"),
            ],
            meetings,
            tables=[
                Table(_("Attendance"), [_("Item"), _("Value")], attendance),
                Table(
                    _("Present per meeting") if a.per == "meeting" else _("Present per month"),
                    [_("Meeting") if a.per == "meeting" else _("Month"), _("Present")],
                    [(pt.label, pt.present) for pt in a.points],
                ),
            ],
        ),
        Sheet(
            _("Activities"),
            [_("Activity"), _("Held meetings")],
            [(r.label, r.meetings) for r in acts.rows],
            tables=[Table(_("Co-creation"), [_("Item"), _("Value")], cocreation)],
        ),
        Sheet(
            _("Costs"),
            [
                _("Category"),
                _("Budgeted (euro)"),
                _("Spent (euro)"),
                _("Remaining (euro)"),
                _("Variance, percent"),
            ],
            costs,
        ),
        Sheet(
            _("Impact"),
            [_("Item"), _("Number")],
            [
                (_("Stories collected"), imp.stories_collected),
                (_("Observations"), imp.observations),
                (_("Informal conversations"), imp.conversations),
                (_("Chosen stories that may not be shared"), imp.chosen_withheld),
            ],
            tables=[
                Table(
                    _("Chosen stories"),
                    [_("Title"), _("Domain"), _("Story"), _("Chosen on"), _("Level"), _("Why")],
                    [
                        (s.title, s.domain, s.text, ch.held_on, ch.level, ch.reasons)
                        for s in imp.chosen
                        for ch in s.choices
                    ],
                ),
                Table(
                    _("Quotes"),
                    [_("Quote"), _("Source")],
                    [(q.text, q.attribution) for q in imp.quotes],
                ),
                Table(
                    _("Measurement"),
                    [
                        _("Instrument"),
                        _("Participants with both time points"),
                        _("Baseline mean"),
                        _("Follow-up mean"),
                        pgettext("measurement", "Change"),
                        _("Source"),
                    ],
                    [
                        (
                            ms.label,
                            _number(ms.pairs_shown),
                            ms.baseline_mean if ms.shown else _("not enough data"),
                            ms.follow_up_mean if ms.shown else _("not enough data"),
                            ms.change if ms.shown else None,
                            ms.citation,
                        )
                        for ms in imp.measurements
                    ],
                ),
            ],
        ),
        Sheet(
            _("Continuation"),
            [
                _("Group"),
                _("Route"),
                _("Status"),
                _("Plan"),
                _("Participants who will lead as volunteers"),
                _("Room"),
            ],
            [
                (
                    line.group,
                    line.route if line.has_plan else _("no plan yet"),
                    line.status,
                    line.summary,
                    line.volunteer_leads if line.has_plan else None,
                    _yes_no(line.has_room) if line.has_plan else "",
                )
                for line in report.continuation
            ],
            tables=[
                Table(_("Steps"), [_("Group"), _("Step"), _("Due"), _("Done on")], steps),
                Table(
                    _("Follow-up funding"),
                    [_("Group"), _("Application"), _("Fund"), _("Status")],
                    follow_ups,
                ),
            ],
        ),
    ]
    return workbook_bytes(sheets)


__all__ = [
    "GrantReport",
    "REPORT_QUERIES",
    "build_grant_report",
    "report_filename",
    "report_pdf",
    "report_xlsx",
]
