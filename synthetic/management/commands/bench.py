"""python manage.py bench [--groups N] [--repeat R] [--strict] [--json FILE]

Speed targets live here, not in timed unit tests. The command builds a synthetic,
fictional programme of N groups (about 14 participants each, a year of weekly meetings
with attendance, volunteer hours, ideas, a grant covering five groups with its budget and
approved expenses, stories, measurement and continuation plans) inside one transaction,
times the heaviest pages and the fund report R times each, and rolls the transaction back:
the database is left exactly as it was, also the demo database.

For every measurement it prints the median and the slowest time in milliseconds, the
number of SQL queries and the target; a median above its target is SLOW. With --strict
the command exits with status 1 when anything is slow. docs/deployment.md ("Benchmarks")
explains how to read the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from funding.models import (
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    CoverageKind,
    CoverageLine,
    CoverageStatus,
    Expense,
    ExpenseStatus,
    Fund,
    FundingApplication,
    Grant,
    GrantPayment,
    Volunteer,
    VolunteerHours,
)
from groups.models import (
    City,
    Composition,
    Group,
    GroupStatus,
    Membership,
    Organisation,
    Programme,
    Role,
    Venue,
)
from meetings.models import (
    ActivityKind,
    Attendance,
    AttendanceStatus,
    Idea,
    IdeaSource,
    IdeaStatus,
    Meeting,
    MeetingStatus,
)
from participants.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Enrolment,
    FunnelStatus,
    Gender,
    LeaveReason,
    Participant,
)
from reporting import report as reports
from reporting.models import (
    Administration,
    AdministrationMode,
    ConsentScope,
    ContinuationPlan,
    ContinuationRoute,
    ContinuationStatus,
    ContinuationStep,
    Instrument,
    MeasurementPlan,
    Observation,
    SelectionLevel,
    SelectionRound,
    Story,
    StoryDomain,
    Timepoint,
)

# The median each measurement should stay under, in milliseconds, with the default 40
# groups on the smallest machine we support (2 cores): about twice the median measured
# there on SQLite and PostgreSQL (dashboard 95, group list 36, group detail 36, attendance
# sheet 29, fund report page 71, building the report 46, PDF 760, XLSX 24), and at least
# 100 ms, so a real slow-down shows and noise does not.
TARGETS_MS = {
    "dashboard": 200,
    "group_list": 100,
    "group_detail": 100,
    "attendance_sheet": 100,
    "grant_report": 150,
    "build_grant_report": 100,
    "report_pdf": 1500,
    "report_xlsx": 100,
}

PARTICIPANTS_PER_GROUP = 14  # still enrolled today; one more per group left during the year
WEEKS_BACK = 52  # a year of weekly meetings, held
WEEKS_AHEAD = 8  # and two months planned
GRANT_GROUPS = 5
GROUPS_PER_ORGANISATION = 10
BATCH = 1000

# community, group language, composition
COMMUNITIES = [
    ("Turkish", "tr", Composition.WOMEN),
    ("Moroccan", "ar", Composition.MEN),
    ("Surinamese", "srn", Composition.MIXED),
    ("Chinese", "zh", Composition.MIXED),
    ("Eritrean", "ti", Composition.WOMEN),
    ("Mixed", "nl", Composition.MIXED),
]


@dataclass
class Bench:
    """What the timings need from the synthetic programme."""

    programme: Programme
    coordinator: object
    lead: object
    group: Group
    meeting: Meeting
    grant: Grant
    counts: dict


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_programme(n_groups: int, *, rng: random.Random) -> Bench:
    """Create the synthetic programme (inside the caller's transaction)."""
    token = uuid.uuid4().hex[:8]
    today = timezone.localdate()
    User = get_user_model()

    cities = list(City.objects.order_by("cbs_code")[:4])
    if not cities:
        cities = [City.objects.create(cbs_code="GM9990", name="Bench city")]

    programme = Programme.objects.create(name=f"Bench programme {token}")
    n_orgs = -(-n_groups // GROUPS_PER_ORGANISATION)
    organisations = [
        Organisation.objects.create(
            name=f"Bench organisation {token} {o + 1}", city=cities[o % len(cities)]
        )
        for o in range(n_orgs)
    ]
    programme.organisations.set(organisations)
    venues = Venue.objects.bulk_create(
        Venue(
            organisation=org,
            name=f"Bench venue {o + 1}",
            address=f"Benchstraat {o + 1}",
            city=org.city,
            closed_room=True,
            capacity=20,
            step_free=True,
        )
        for o, org in enumerate(organisations)
    )

    coordinator = User.objects.create_user(
        email=f"bench-coordinator-{token}@example.invalid", full_name="Bench coordinator"
    )
    lead = User.objects.create_user(
        email=f"bench-lead-{token}@example.invalid", full_name="Bench project lead"
    )
    facilitators = User.objects.bulk_create(
        User(
            email=f"bench-facilitator-{token}-{i + 1}@example.invalid",
            full_name=f"Bench facilitator {i + 1}",
            password=make_password(None),
        )
        for i in range(n_groups)
    )

    start_date = today - dt.timedelta(days=7 * WEEKS_BACK + 30)
    groups = []
    for i in range(n_groups):
        community, language, composition = COMMUNITIES[i % len(COMMUNITIES)]
        o = i // GROUPS_PER_ORGANISATION
        groups.append(
            Group(
                organisation=organisations[o],
                name=f"Bench group {i + 1}",
                city=cities[i % len(cities)],
                community=community,
                composition=composition,
                languages=sorted({language, "nl"}),
                is_diverse=community == "Mixed",
                target_size=15,
                status=GroupStatus.CONTINUING if i % 10 == 9 else GroupStatus.RUNNING,
                start_date=start_date,
                venue=venues[o],
            )
        )
    groups = Group.objects.bulk_create(groups)

    Membership.objects.bulk_create(
        [Membership(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)]
        + [Membership(user=lead, role=Role.PROJECT_LEAD, organisation=org) for org in organisations]
        + [
            Membership(user=facilitators[i], role=Role.FACILITATOR, group=g, invited_by=lead)
            for i, g in enumerate(groups)
        ]
    )

    # Participants: PARTICIPANTS_PER_GROUP still enrolled, one who left four months ago.
    left_on = today - dt.timedelta(days=120)
    people = []
    number = 0
    for i, g in enumerate(groups):
        community, language, composition = COMMUNITIES[i % len(COMMUNITIES)]
        for k in range(PARTICIPANTS_PER_GROUP + 1):
            number += 1
            if composition == Composition.WOMEN:
                gender = Gender.WOMAN
            elif composition == Composition.MEN:
                gender = Gender.MAN
            else:
                gender = (Gender.WOMAN, Gender.MAN, Gender.WOMAN, Gender.UNKNOWN)[k % 4]
            people.append(
                Participant(
                    group=g,
                    full_name=f"Bench person {number}",
                    phone=f"06 0000 {number % 10000:04d}",
                    birth_year=rng.randint(1940, 1968),
                    gender=gender,
                    country_of_origin=community,
                    community=community,
                    languages=sorted({language, "nl"}),
                    preferred_language=language,
                    lives_alone=k % 3 == 0,
                    status=FunnelStatus.JOINED,
                    created_by=lead,
                )
            )
    people = Participant.objects.bulk_create(people, batch_size=BATCH)
    per_group = len(people) // n_groups
    members = {g.pk: people[i * per_group : (i + 1) * per_group] for i, g in enumerate(groups)}
    leavers = {g.pk: members[g.pk][-1] for g in groups}
    Enrolment.objects.bulk_create(
        (
            Enrolment(
                participant=p,
                group=g,
                joined_on=start_date,
                left_on=left_on if p is leavers[g.pk] else None,
                leave_reason=LeaveReason.MOVED if p is leavers[g.pk] else "",
            )
            for g in groups
            for p in members[g.pk]
        ),
        batch_size=BATCH,
    )
    Consent.objects.bulk_create(
        (
            Consent(
                participant=p,
                purpose=ConsentPurpose.DATA_PROCESSING,
                given_on=start_date,
                method=ConsentMethod.WRITTEN,
                language="nl",
                info_version="bench-1",
                recorded_by=lead,
            )
            for p in people
        ),
        batch_size=BATCH,
    )

    # A year of weekly meetings (one cancelled now and then), two months planned.
    meetings = []
    for i, g in enumerate(groups):
        language = COMMUNITIES[i % len(COMMUNITIES)][1]
        for week in range(-WEEKS_BACK, WEEKS_AHEAD + 1):
            if week == 0:
                continue
            day = today + dt.timedelta(days=7 * week)
            held = week < 0
            cancelled = held and week % 17 == 0
            meetings.append(
                Meeting(
                    group=g,
                    starts_at=_aware(day, 10),
                    ends_at=_aware(day, 12),
                    venue=g.venue,
                    status=MeetingStatus.CANCELLED
                    if cancelled
                    else (MeetingStatus.HELD if held else MeetingStatus.PLANNED),
                    change_reason="Bench: a holiday" if cancelled else "",
                    language=language if held else "",
                    activities=[rng.choice(ActivityKind.values)] if held else [],
                    recorded_by=facilitators[i] if held else None,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    held_by_group: dict[int, list[Meeting]] = {g.pk: [] for g in groups}
    for m in meetings:
        if m.status == MeetingStatus.HELD:
            held_by_group[m.group_id].append(m)
    facilitator_of = {g.pk: facilitators[i] for i, g in enumerate(groups)}

    marks = []
    organisers = []
    for g in groups:
        for n, m in enumerate(held_by_group[g.pk]):
            day = timezone.localdate(m.starts_at)
            for p in members[g.pk]:
                if p is leavers[g.pk] and day >= left_on:
                    continue
                draw = rng.random()
                status = (
                    AttendanceStatus.PRESENT
                    if draw < 0.72
                    else (AttendanceStatus.ABSENT if draw < 0.88 else AttendanceStatus.EXCUSED)
                )
                marks.append(
                    Attendance(
                        meeting=m, participant=p, status=status, marked_by=facilitator_of[g.pk]
                    )
                )
            if n % 10 == 3:
                marks.append(
                    Attendance(
                        meeting=m,
                        guest_name="Bench guest",
                        is_trial=True,
                        status=AttendanceStatus.PRESENT,
                        marked_by=facilitator_of[g.pk],
                    )
                )
            if n % 4 == 0:
                organisers.append(
                    Meeting.organisers.through(
                        meeting_id=m.pk, participant_id=members[g.pk][n % PARTICIPANTS_PER_GROUP].pk
                    )
                )
    Attendance.objects.bulk_create(marks, batch_size=BATCH)
    Meeting.organisers.through.objects.bulk_create(organisers, batch_size=BATCH)

    # Volunteers and their hours (every other meeting).
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(organisation=org, full_name=f"Bench volunteer {o + 1}")
        for o, org in enumerate(organisations)
    )
    Volunteer.groups.through.objects.bulk_create(
        Volunteer.groups.through(
            volunteer_id=volunteers[i // GROUPS_PER_ORGANISATION].pk, group_id=g.pk
        )
        for i, g in enumerate(groups)
    )
    VolunteerHours.objects.bulk_create(
        (
            VolunteerHours(
                volunteer=volunteers[i // GROUPS_PER_ORGANISATION],
                group=g,
                meeting=m,
                worked_on=timezone.localdate(m.starts_at),
                hours=Decimal("2.50"),
            )
            for i, g in enumerate(groups)
            for m in held_by_group[g.pk][::2]
        ),
        batch_size=BATCH,
    )

    # The co-creation board: six ideas per group, some done at a meeting.
    idea_statuses = [
        IdeaStatus.DONE,
        IdeaStatus.REVIEWED,
        IdeaStatus.PLANNED,
        IdeaStatus.IDEA,
        IdeaStatus.DONE,
        IdeaStatus.IDEA,
    ]
    ideas = []
    for g in groups:
        for k, status in enumerate(idea_statuses):
            done = status in (IdeaStatus.DONE, IdeaStatus.REVIEWED)
            ideas.append(
                Idea(
                    group=g,
                    title=f"Bench idea {k + 1}",
                    activity_kind=rng.choice(ActivityKind.values),
                    source=IdeaSource.MEETING if k % 3 else IdeaSource.INTAKE,
                    proposed_by=members[g.pk][k] if k % 2 == 0 else None,
                    proposed_by_staff=None if k % 2 == 0 else facilitator_of[g.pk],
                    votes=rng.randint(0, 10),
                    status=status,
                    meeting=held_by_group[g.pk][-1 - 3 * k] if done else None,
                )
            )
    Idea.objects.bulk_create(ideas, batch_size=BATCH)

    # One fund, one granted application covering (up to) five groups of the first
    # organisation, its budget, a payment and a year of approved expenses.
    grant_groups = [g for g in groups if g.organisation_id == organisations[0].pk][:GRANT_GROUPS]
    held_meetings = sum(len(held_by_group[g.pk]) for g in grant_groups)
    fund = Fund.objects.create(
        name=f"Bench fund {token}", focus="older people, loneliness", advance_percentage=80
    )
    application = FundingApplication.objects.create(
        organisation=organisations[0],
        fund=fund,
        title="Bench application",
        status=ApplicationStatus.GRANTED,
        submitted_on=start_date - dt.timedelta(days=60),
        decided_on=start_date - dt.timedelta(days=20),
        created_by=lead,
    )
    application.groups.set(grant_groups)
    lines = BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=application,
                category=BudgetCategory.ROOM,
                description="Room rent",
                unit="meeting",
                quantity=Decimal(held_meetings),
                unit_cost=Decimal("15.00"),
            ),
            BudgetLine(
                application=application,
                category=BudgetCategory.CATERING,
                description="Tea and something to eat",
                unit="meeting",
                quantity=Decimal(held_meetings),
                unit_cost=Decimal("10.00"),
            ),
            BudgetLine(
                application=application,
                category=BudgetCategory.ACTIVITIES,
                description="Outings and materials",
                unit="month",
                quantity=Decimal(12),
                unit_cost=Decimal("100.00"),
            ),
            BudgetLine(
                application=application,
                category=BudgetCategory.VOLUNTEERS,
                description="Volunteer allowances",
                unit="year",
                quantity=Decimal(1),
                unit_cost=Decimal("1500.00"),
            ),
        ]
    )
    total = sum((line.total for line in lines), Decimal("0.00"))
    application.amount_requested = total
    application.save(update_fields=["amount_requested"])
    CoverageLine.objects.create(
        application=application,
        kind=CoverageKind.FUND,
        fund=fund,
        amount=total,
        status=CoverageStatus.GRANTED,
    )
    grant = Grant.objects.create(
        application=application,
        amount=total,
        period_start=today - dt.timedelta(days=365),
        period_end=today,
        min_meetings=40,
        report_due=today + dt.timedelta(days=60),
    )
    GrantPayment.objects.create(
        grant=grant,
        received_on=grant.period_start,
        amount=(total * Decimal("0.8")).quantize(Decimal("0.01")),
    )
    expenses = []
    for g in grant_groups:
        for month in range(12):
            spent_on = today - dt.timedelta(days=30 * month)
            for line, amount in ((lines[0], "60.00"), (lines[1], "35.50")):
                expenses.append(
                    Expense(
                        group=g,
                        grant=grant,
                        budget_line=line,
                        category=line.category,
                        spent_on=spent_on,
                        amount=Decimal(amount),
                        description=f"Bench: {line.description.lower()}",
                        status=ExpenseStatus.SUBMITTED if month == 0 else ExpenseStatus.APPROVED,
                        submitted_by=facilitator_of[g.pk],
                        decided_by=None if month == 0 else lead,
                        decided_at=None if month == 0 else _aware(spent_on, 15),
                    )
                )
    Expense.objects.bulk_create(expenses, batch_size=BATCH)

    # Evidence of the grant's groups: stories (one shareable with the funder, told by
    # someone who consented to being quoted, one anonymous and internal), a selection
    # round, observations, WHO-5 at baseline and follow-up, and continuation plans.
    domains = list(StoryDomain.values)
    storytellers = [members[g.pk][0] for g in grant_groups]
    Consent.objects.bulk_create(
        Consent(
            participant=p,
            purpose=ConsentPurpose.QUOTE_FUNDER,
            given_on=today - dt.timedelta(days=200),
            method=ConsentMethod.WRITTEN,
            language="nl",
            info_version="bench-1",
            recorded_by=lead,
        )
        for p in storytellers
    )
    stories = []
    for k, g in enumerate(grant_groups):
        for shared in (True, False):
            stories.append(
                Story(
                    group=g,
                    storyteller=storytellers[k] if shared else None,
                    domain=domains[(2 * k + shared) % (len(domains) - 1)],
                    title=f"Bench story {len(stories) + 1}",
                    text="Bench: a fictional story about meeting people every week.",
                    significance="Bench: it made the week less empty.",
                    quote="Bench: I look forward to Tuesdays now." if shared else "",
                    collected_by=facilitator_of[g.pk],
                    collected_on=today - dt.timedelta(days=90 + 7 * k),
                    consent_scope=ConsentScope.FUNDER if shared else ConsentScope.INTERNAL,
                    verified=shared,
                )
            )
    stories = Story.objects.bulk_create(stories)
    selection = SelectionRound.objects.create(
        organisation=organisations[0],
        level=SelectionLevel.ORGANISATION,
        held_on=today - dt.timedelta(days=60),
        panel="Bench panel: two facilitators and the project lead",
        selected=stories[0],
        reasons="Bench: it shows how the group became a place to belong.",
        recorded_by=lead,
    )
    selection.candidates.set([s for s in stories if s.consent_scope == ConsentScope.FUNDER])
    Observation.objects.bulk_create(
        Observation(
            group=g,
            observed_on=today - dt.timedelta(days=45),
            observed_by=facilitator_of[g.pk],
            text="Bench: people stayed on after the meeting to talk.",
        )
        for g in grant_groups
    )
    MeasurementPlan.objects.bulk_create(
        MeasurementPlan(group=g, instruments=[Instrument.WHO5]) for g in grant_groups
    )
    administrations = []
    for g in grant_groups:
        for p in members[g.pk][:PARTICIPANTS_PER_GROUP]:
            for timepoint, days_ago, low in (
                (Timepoint.BASELINE, 330, 1),
                (Timepoint.FOLLOW_UP, 20, 2),
            ):
                administrations.append(
                    Administration(
                        participant=p,
                        group=g,
                        instrument=Instrument.WHO5,
                        mode=AdministrationMode.SELF,
                        timepoint=timepoint,
                        administered_on=today - dt.timedelta(days=days_ago),
                        administered_by=facilitator_of[g.pk],
                        answers=[rng.randint(low, low + 3) for _item in range(5)],
                    )
                )
    Administration.objects.bulk_create(administrations, batch_size=BATCH)
    plans = ContinuationPlan.objects.bulk_create(
        ContinuationPlan(
            group=g,
            route=ContinuationRoute.EMBED,
            status=ContinuationStatus.AGREED,
            summary="Bench: the group carries on in the organisation's regular work.",
            room=g.venue.name,
            volunteer_leads=2,
            updated_by=lead,
        )
        for g in grant_groups
    )
    ContinuationStep.objects.bulk_create(
        step
        for plan in plans
        for step in (
            ContinuationStep(
                plan=plan,
                description="Bench: agree on the room for next year",
                owner="project lead",
                due_on=today - dt.timedelta(days=20),
                done_on=today - dt.timedelta(days=10),
            ),
            ContinuationStep(
                plan=plan,
                description="Bench: apply for follow-up funding",
                owner="project lead",
                due_on=today + dt.timedelta(days=30),
            ),
        )
    )

    # The attendance sheet timed is that of the first group's last held meeting.
    first = groups[0]
    return Bench(
        programme=programme,
        coordinator=coordinator,
        lead=lead,
        group=first,
        meeting=held_by_group[first.pk][-1],
        grant=grant,
        counts={
            "groups": len(groups),
            "participants": len(people),
            "meetings": len(meetings),
            "attendance marks": len(marks),
            "expenses": len(expenses),
        },
    )


@dataclass
class Result:
    name: str
    median_ms: float
    max_ms: float
    queries: int
    target_ms: int

    @property
    def ok(self) -> bool:
        return self.median_ms <= self.target_ms

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "median_ms": round(self.median_ms, 1),
            "max_ms": round(self.max_ms, 1),
            "queries": self.queries,
            "target_ms": self.target_ms,
            "ok": self.ok,
        }


class Command(BaseCommand):
    help = (
        "Time the heaviest pages and the fund report on a synthetic programme built inside a "
        "transaction that is always rolled back (the database is left unchanged)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--groups",
            type=int,
            default=40,
            help="How many groups the synthetic programme has (default: %(default)s).",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=3,
            help="How many timed runs per measurement (default: %(default)s).",
        )
        parser.add_argument(
            "--warmup",
            type=int,
            default=1,
            help="Untimed runs per measurement before the timed ones (default: %(default)s).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit with status 1 when a median is above its target.",
        )
        parser.add_argument(
            "--json", dest="json_path", metavar="FILE", help="Also write the results as JSON."
        )

    def handle(self, *args, groups, repeat, warmup, strict, json_path, **options):
        if groups < 1:
            raise CommandError("--groups must be at least 1.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        if warmup < 0:
            raise CommandError("--warmup cannot be negative.")
        self.repeat = repeat
        self.warmup = warmup
        connection = connections[DEFAULT_DB_ALIAS]
        results: list[Result] = []
        with transaction.atomic():
            try:
                self.stdout.write(f"building {groups} groups…")
                started = time.perf_counter()
                bench = build_programme(groups, rng=random.Random(groups))  # noqa: S311 (fake data)
                built_ms = (time.perf_counter() - started) * 1000
                self.stdout.write(
                    "built "
                    + ", ".join(f"{n} {what}" for what, n in bench.counts.items())
                    + f" in {built_ms:.0f} ms"
                )
                results = self._time_all(bench, connection)
            finally:
                # Whatever happened, nothing of the synthetic programme is kept.
                transaction.set_rollback(True)

        self._print_table(results)
        slow = [r.name for r in results if not r.ok]
        if json_path:
            payload = {
                "groups": groups,
                "repeat": repeat,
                "database": connection.vendor,
                "results": [r.as_dict() for r in results],
            }
            try:
                Path(json_path).write_text(json.dumps(payload, indent=2) + "\n")
            except OSError as exc:
                raise CommandError(f"Cannot write {json_path}: {exc.strerror}") from None
            self.stdout.write(f"wrote {json_path}")
        if slow:
            message = "slower than the target: " + ", ".join(slow)
            if strict:
                raise CommandError(message, returncode=1)
            self.stdout.write(message)
        else:
            self.stdout.write("all within their targets")

    # --- timing ------------------------------------------------------------------------

    def _time_all(self, bench: Bench, connection) -> list[Result]:
        hosts = [*settings.ALLOWED_HOSTS, "localhost"]
        # The pages are measured, not two-factor set-up: a benchmark user has no
        # authenticator, so the two-factor requirement is switched off for the run.
        with override_settings(
            ALLOWED_HOSTS=hosts, STETAPP_MFA_REQUIRED_ROLES=[], STETAPP_MFA_REQUIRED_FOR_STAFF=False
        ):
            coordinator = Client(HTTP_HOST="localhost")
            coordinator.force_login(bench.coordinator)
            lead = Client(HTTP_HOST="localhost")
            lead.force_login(bench.lead)
            pages = [
                (
                    "dashboard",
                    coordinator,
                    reverse("programme_dashboard", args=[bench.programme.pk]),
                ),
                ("group_list", lead, reverse("group_list")),
                ("group_detail", lead, reverse("group_detail", args=[bench.group.pk])),
                ("attendance_sheet", lead, reverse("attendance_sheet", args=[bench.meeting.pk])),
                ("grant_report", lead, reverse("grant_report", args=[bench.grant.pk])),
            ]
            results = [
                self._measure(name, self._page(name, client, url), connection)
                for name, client, url in pages
            ]

        with translation.override(settings.LANGUAGE_CODE):
            results.append(
                self._measure(
                    "build_grant_report",
                    lambda: reports.build_grant_report(bench.grant),
                    connection,
                )
            )
            report = reports.build_grant_report(bench.grant)
            results.append(
                self._measure("report_pdf", lambda: reports.report_pdf(report), connection)
            )
            results.append(
                self._measure("report_xlsx", lambda: reports.report_xlsx(report), connection)
            )
        return results

    @staticmethod
    def _page(name: str, client: Client, url: str) -> Callable[[], object]:
        def get():
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{name}: {url} answered {response.status_code}, not 200.")
            return response

        return get

    def _measure(self, name: str, run: Callable[[], object], connection) -> Result:
        self.stdout.write(f"timing {name}…")
        for _run in range(self.warmup):
            run()
        times = []
        queries = 0
        for _run in range(self.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(captured))
        return Result(
            name=name,
            median_ms=statistics.median(times),
            max_ms=max(times),
            queries=queries,
            target_ms=TARGETS_MS[name],
        )

    def _print_table(self, results: list[Result]) -> None:
        header = f"{'name':<20} {'median ms':>10} {'max ms':>10} {'queries':>8} {'target ms':>10}"
        self.stdout.write("")
        self.stdout.write(header + "  result")
        self.stdout.write("-" * (len(header) + 8))
        for r in results:
            self.stdout.write(
                f"{r.name:<20} {r.median_ms:>10.1f} {r.max_ms:>10.1f} {r.queries:>8} "
                f"{r.target_ms:>10}  {'OK' if r.ok else 'SLOW'}"
            )
