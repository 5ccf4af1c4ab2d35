"""A synthetic programme of any size, from the same builders as the demo.

`build_programme(n)` makes a coordinator's programme of `n` groups, ten per organisation,
each group like a running demo group (14 members and a few more on their way in, a year
of weekly meetings with attendance, ideas, agreements), one volunteer per organisation,
and one grant covering five groups of the first organisation with its budget, expenses and
evidence (stories from the demo's templates, a selection round, observations, WHO-5 at
baseline and follow-up, continuation plans). `manage.py bench` measures pages on it.

Groups are added by `add_groups` in batches of a fixed size, each a few dozen bulk
INSERTs whatever the batch holds; a caller that wants to commit between batches (a larger
data set) calls it once per batch inside its own transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from funding.models import BudgetCategory, Fund, Grant
from groups.models import (
    City,
    Composition,
    Group,
    GroupStatus,
    Membership,
    Organisation,
    Role,
    Venue,
)
from groups.models import Programme as ProgrammeModel
from meetings.models import Attendance, Meeting, MeetingStatus
from participants.models import Participant
from reporting.models import ConsentScope, SelectionLevel
from stetapp.models import User

from . import evidence, funding, hub, meetings, participants

PARTICIPANTS_PER_GROUP = 14  # joined; two of them left after four months, three more on the way
WEEKS_BACK = 52  # a year of weekly meetings, held
WEEKS_AHEAD = 7  # and the next weeks planned (a series holds at most 60 meetings)
GROUPS_PER_ORGANISATION = 10
GRANT_GROUPS = 5
GROUPS_PER_BATCH = 500

# community, composition, languages: communities the name lists know
COMMUNITIES = [
    ("Turks", Composition.WOMEN, ["tr", "nl"]),
    ("Marokkaans", Composition.MEN, ["ar", "ber", "nl"]),
    ("Surinaams-Creools", Composition.MIXED, ["srn", "nl"]),
    ("Surinaams-Hindostaans", Composition.WOMEN, ["hns", "nl"]),
    ("Moluks", Composition.MIXED, ["ms", "nl"]),
    ("Marokkaans", Composition.WOMEN, ["ar", "ber"]),
]


@dataclass
class Programme:
    """A synthetic programme being built: what later batches and the timings need."""

    token: str
    today: dt.date
    programme: ProgrammeModel
    coordinator: User
    lead: User
    cities: list[City]
    groups: list[Group] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    held: dict[int, list[Meeting]] = field(default_factory=dict)


@dataclass
class Bench:
    """What the timings need from the synthetic programme."""

    programme: ProgrammeModel
    coordinator: User
    lead: User
    group: Group
    meeting: Meeting
    grant: Grant
    counts: dict


def start_programme(*, today: dt.date | None = None) -> Programme:
    """The programme, its coordinator and the project lead of all its organisations."""
    token = uuid.uuid4().hex[:8]
    cities = list(City.objects.order_by("cbs_code")[:4]) or [
        City.objects.create(cbs_code="GM9990", name="Bench city")
    ]
    coordinator, lead = hub.users(
        [
            (f"bench-coordinator-{token}@example.invalid", "Bench coordinator"),
            (f"bench-lead-{token}@example.invalid", "Bench project lead"),
        ]
    )
    programme = hub.programme(name=f"Bench programme {token}")
    hub.memberships(
        [Membership(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)]
    )
    return Programme(
        token=token,
        today=today or timezone.localdate(),
        programme=programme,
        coordinator=coordinator,
        lead=lead,
        cities=cities,
    )


def add_groups(
    p: Programme,
    count: int,
    *,
    members: int = PARTICIPANTS_PER_GROUP,
    in_funnel: int = 3,
    weeks_back: int = WEEKS_BACK,
    keep_held: bool = True,
) -> list[Group]:
    """`count` more groups with their organisations (ten groups each), facilitators,
    people (`members` enrolled, `in_funnel` on their way in), `weeks_back` weeks of
    weekly meetings with attendance, and volunteers. Without `keep_held` the held meetings
    are not kept in `p.held` (a large programme, written batch by batch, would otherwise
    hold them all in memory)."""
    first = len(p.groups)
    numbers = range(first, first + count)
    organisations: dict[int, Organisation] = {}
    for i in numbers:
        o = i // GROUPS_PER_ORGANISATION
        organisations.setdefault(
            o,
            Organisation(
                name=f"Bench organisation {p.token} {o + 1}", city=p.cities[o % len(p.cities)]
            ),
        )
    stored = hub.organisations(programme=p.programme, rows=list(organisations.values()))
    organisation_of = dict(zip(organisations, stored, strict=True))
    known = {org.pk for org in p.organisations}
    new_organisations = [org for org in stored if org.pk not in known]
    p.organisations += new_organisations
    hub.memberships(
        [
            Membership(user=p.lead, role=Role.PROJECT_LEAD, organisation=org)
            for org in new_organisations
        ]
    )
    venue_of = dict(
        zip(
            organisation_of,
            hub.venues(
                [
                    Venue(
                        organisation=org,
                        name=f"Bench venue {o + 1}",
                        address=f"Benchstraat {o + 1}",
                        city=org.city,
                        closed_room=True,
                        capacity=20,
                        step_free=True,
                    )
                    for o, org in organisation_of.items()
                ]
            ),
            strict=True,
        )
    )
    facilitators = hub.users(
        [
            (f"bench-facilitator-{p.token}-{i + 1}@example.invalid", f"Bench facilitator {i + 1}")
            for i in numbers
        ]
    )
    start_date = p.today - dt.timedelta(days=7 * weeks_back + 30)
    groups = hub.groups(
        [
            Group(
                organisation=organisation_of[i // GROUPS_PER_ORGANISATION],
                name=f"Bench group {i + 1}",
                city=p.cities[i % len(p.cities)],
                community=COMMUNITIES[i % len(COMMUNITIES)][0],
                composition=COMMUNITIES[i % len(COMMUNITIES)][1],
                languages=COMMUNITIES[i % len(COMMUNITIES)][2],
                target_size=15,
                status=GroupStatus.CONTINUING if i % 10 == 9 else GroupStatus.RUNNING,
                start_date=start_date,
                venue=venue_of[i // GROUPS_PER_ORGANISATION],
            )
            for i in numbers
        ]
    )
    p.groups += groups
    hub.memberships(
        [
            Membership(user=user, role=Role.FACILITATOR, group=group, invited_by=p.lead)
            for user, group in zip(facilitators, groups, strict=True)
        ]
    )
    staff = {group.pk: user for user, group in zip(facilitators, groups, strict=True)}
    participants.social_map(new_organisations)
    participants.people(
        groups,
        staff_by_group=staff,
        fallback_user=p.lead,
        members=members,
        in_funnel=in_funnel,
        first_phone=first * (members + in_funnel) + 1,
    )
    planned = meetings.meetings(
        groups,
        staff_by_group=staff,
        fallback_user=p.lead,
        today=p.today,
        interval_weeks=1,
        weeks_back=weeks_back,
        weeks_ahead=WEEKS_AHEAD,
        trial_guests=True,
    )
    for group_id, group_meetings in planned.items() if keep_held else ():
        p.held[group_id] = [m for m in group_meetings if m.status == MeetingStatus.HELD]
    funding.volunteers(
        new_organisations,
        groups,
        days=[p.today - dt.timedelta(days=30 * month) for month in range(10, 0, -1)],
    )
    return groups


def add_grant(p: Programme) -> Grant:
    """A fund's grant of the last year for (up to) five groups of the first organisation,
    with a budget sized by their meetings, an advance, a year of expenses, and evidence."""
    today = p.today
    lead = p.lead
    grant_groups = [g for g in p.groups if g.organisation_id == p.organisations[0].pk]
    grant_groups = grant_groups[:GRANT_GROUPS]
    held = sum(len(p.held.get(g.pk, [])) for g in grant_groups)
    fund = funding.funds(
        [Fund(name=f"Bench fund {p.token}", focus="ouderen, eenzaamheid", advance_percentage=80)]
    )[0]
    start = today - dt.timedelta(days=365)
    grant = funding.granted_application(
        organisation=p.organisations[0],
        fund=fund,
        groups=grant_groups,
        title="Bench application",
        by=lead,
        submitted_on=start - dt.timedelta(days=60),
        decided_on=start - dt.timedelta(days=20),
        budget=[
            (BudgetCategory.ROOM, "Huur ruimte", "bijeenkomst", held, "15.00"),
            (BudgetCategory.CATERING, "Thee en iets lekkers", "bijeenkomst", held, "10.00"),
            (BudgetCategory.ACTIVITIES, "Uitjes en materialen", "maand", 12, "100.00"),
            (BudgetCategory.VOLUNTEERS, "Vrijwilligersvergoeding", "jaar", 1, "1500.00"),
        ],
        period=(start, today),
        min_meetings=40,
        report_due=today + dt.timedelta(days=60),
        advance=Decimal("0.8"),
        expenses=[
            (BudgetCategory.ROOM, "60.00", "Huur ruimte"),
            (BudgetCategory.CATERING, "35.50", "Thee en iets lekkers"),
        ],
        expense_days=[today - dt.timedelta(days=30 * month + 5) for month in range(11, -1, -1)],
    )
    staff = {
        m.group_id: m.user
        for m in Membership.objects.filter(
            role=Role.FACILITATOR, group__in=grant_groups
        ).select_related("user")
    }
    kwargs: dict[str, Any] = {"staff_by_group": staff, "fallback_user": lead, "today": today}
    templates = [row[1:] for row in evidence.STORIES]
    stories = evidence.stories(
        [
            (group, templates[(2 * k + n) % len(templates)])
            for k, group in enumerate(grant_groups)
            for n in (0, 1)
        ],
        **kwargs,
    )
    for_funders = [s for s in stories.values() if s.consent_scope == ConsentScope.FUNDER]
    if for_funders:
        evidence.selection_round(
            by=lead,
            organisation=p.organisations[0],
            group=None,
            level=SelectionLevel.ORGANISATION,
            held_on=today - dt.timedelta(days=60),
            panel="Twee begeleiders en de projectleider",
            candidates=for_funders,
            selected=for_funders[0],
            reasons="Het laat zien hoe de groep een plek werd om bij te horen.",
        )
    feijenoord = [row[1:] for row in evidence.OBSERVATIONS if row[0] == evidence.FEIJENOORD]
    evidence.observations([(group, *row) for group in grant_groups for row in feijenoord], **kwargs)
    evidence.measurement_plans(grant_groups, instruments=["who5"])
    evidence.questionnaires(
        grant_groups, instruments=["who5"], people=PARTICIPANTS_PER_GROUP, **kwargs
    )
    plans = [row[1:] for row in evidence.PLANS]
    evidence.continuation_plans(
        [(group, plans[k % len(plans)]) for k, group in enumerate(grant_groups)], **kwargs
    )
    if grant is None:  # granted_application always makes the grant
        raise RuntimeError("the bench application has no grant")
    return grant


def counts(groups) -> dict:
    """How many groups, participants, meetings and attendance marks `groups` hold."""
    return {
        "groups": groups.count(),
        "participants": Participant.objects.filter(group__in=groups).count(),
        "meetings": Meeting.objects.filter(group__in=groups).count(),
        "attendance marks": Attendance.objects.filter(meeting__group__in=groups).count(),
    }


def existing_bench(programme_id: int | None = None) -> Bench:
    """What the timings need from a synthetic programme already in the database (made
    by `manage.py seed_scale`): the one given, or the newest. Raises LookupError when
    there is none, or when it is incomplete (no coordinator, grant or held meeting)."""
    programmes = ProgrammeModel.objects.filter(name__startswith="Bench programme")
    if programme_id is not None:
        programmes = programmes.filter(pk=programme_id)
    programme = programmes.order_by("-pk").first()
    if programme is None:
        raise LookupError("no synthetic programme (run seed_scale first)")
    roles = Membership.objects.select_related("user")
    coordinator = roles.filter(role=Role.PROGRAMME_COORDINATOR, programme=programme).first()
    grant = (
        Grant.objects.filter(application__organisation__in=programme.organisations.all())
        .select_related("application")
        .order_by("pk")
        .first()
    )
    if coordinator is None or grant is None:
        raise LookupError(f"programme {programme.pk} has no coordinator or no grant")
    organisation_id = grant.application.organisation_id
    lead = roles.filter(role=Role.PROJECT_LEAD, organisation_id=organisation_id).first()
    group = Group.objects.filter(organisation_id=organisation_id).order_by("pk").first()
    meeting = (
        Meeting.objects.filter(group=group).held().order_by("-starts_at").first() if group else None
    )
    if lead is None or group is None or meeting is None:
        raise LookupError(f"programme {programme.pk} has no lead, group or held meeting")
    groups = Group.objects.filter(organisation__programmes=programme)
    return Bench(
        programme=programme,
        coordinator=coordinator.user,
        lead=lead.user,
        group=group,
        meeting=meeting,
        grant=grant,
        counts={**counts(groups), "expenses": grant.expenses.count()},
    )


def build_programme(n_groups: int) -> Bench:
    """The whole synthetic programme (inside the caller's transaction)."""
    p = start_programme()
    while len(p.groups) < n_groups:
        add_groups(p, min(GROUPS_PER_BATCH, n_groups - len(p.groups)))
    grant = add_grant(p)
    first = p.groups[0]
    return Bench(
        programme=p.programme,
        coordinator=p.coordinator,
        lead=p.lead,
        group=first,
        meeting=p.held[first.pk][-1],
        grant=grant,
        counts={
            "groups": len(p.groups),
            "participants": Participant.objects.filter(group__in=p.groups).count(),
            "meetings": Meeting.objects.filter(group__in=p.groups).count(),
            "attendance marks": Attendance.objects.filter(meeting__group__in=p.groups).count(),
            "expenses": grant.expenses.count(),
        },
    )
