"""The demo programme: four organisations in four cities, ten groups, one account per
role (README.md lists them), and for the running groups people, meetings with attendance,
a granted application with its expenses, stories, questionnaires and continuation plans.

Every name, address and e-mail address is made up. `seed_demo()` is idempotent: running
it again changes nothing, and changes made in the demo are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from funding.models import Fund, FundingApplication
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
from meetings.models import Meeting
from participants.models import Participant
from reporting.models import SelectionLevel

from . import evidence, funding, hub, meetings, participants
from .evidence import FEIJENOORD, OBSERVATIONS, PLANS, STORIES, TRANSVAAL

DEMO_PASSWORD = "samen-tegen-eenzaamheid"  # noqa: S105  (demo data only)

PROGRAMME = "Samen tegen Eenzaamheid 2025–2027"

# name, city (CBS code), KvK
ORGANISATIONS = [
    ("Stichting Buurtkracht Rotterdam", "GM0599", "90000001"),
    ("Welzijn Haaglanden Samen", "GM0518", "90000002"),
    ("Vereniging Ontmoeting Utrecht", "GM0344", "90000003"),
    ("Stichting Brug Amsterdam-Oost", "GM0363", "90000004"),
]

# organisation index, venue name, address, postcode, city, closed, separate, capacity, step-free
VENUES = [
    (0, "Wijkcentrum De Esch", "Esch 12", "3063 AB", "GM0599", True, True, 30, True),
    (0, "Buurthuis Het Anker", "Ankerstraat 3", "3072 CD", "GM0599", True, False, 18, False),
    (
        1,
        "Ontmoetingsplek Transvaal",
        "Paul Krugerlaan 40",
        "2571 EF",
        "GM0518",
        True,
        True,
        25,
        True,
    ),
    (
        2,
        "Huis van de Wijk Kanaleneiland",
        "Kanaleneiland 7",
        "3526 GH",
        "GM0344",
        True,
        False,
        20,
        True,
    ),
    (3, "Buurtkamer Indische Buurt", "Javastraat 88", "1094 JK", "GM0363", False, False, 16, True),
]

# organisation index, venue index or None, name, city, community, composition, status,
# languages, start
GROUPS = [
    (
        0,
        0,
        "Turkse vrouwen Feijenoord",
        "GM0599",
        "Turks",
        Composition.WOMEN,
        GroupStatus.RUNNING,
        ["tr", "nl"],
        dt.date(2025, 2, 4),
    ),
    (
        0,
        1,
        "Marokkaanse mannen Charlois",
        "GM0599",
        "Marokkaans",
        Composition.MEN,
        GroupStatus.RUNNING,
        ["ar", "ber", "nl"],
        dt.date(2025, 3, 6),
    ),
    (
        0,
        0,
        "Kaapverdiaanse ouderen Delfshaven",
        "GM0599",
        "Kaapverdiaans",
        Composition.MIXED,
        GroupStatus.RECRUITING,
        ["kea", "pt"],
        None,
    ),
    (
        1,
        2,
        "Hindostaanse vrouwen Transvaal",
        "GM0518",
        "Surinaams-Hindostaans",
        Composition.WOMEN,
        GroupStatus.RUNNING,
        ["hns", "nl"],
        dt.date(2024, 9, 10),
    ),
    (
        1,
        2,
        "Molukse ouderen Den Haag",
        "GM0518",
        "Moluks",
        Composition.MIXED,
        GroupStatus.CONTINUING,
        ["ms", "nl"],
        dt.date(2023, 10, 3),
    ),
    (
        1,
        None,
        "Chinese ouderen Den Haag",
        "GM0518",
        "Chinees",
        Composition.MIXED,
        GroupStatus.PREPARING,
        ["zh", "yue"],
        None,
    ),
    (
        2,
        3,
        "Marokkaanse vrouwen Kanaleneiland",
        "GM0344",
        "Marokkaans",
        Composition.WOMEN,
        GroupStatus.RUNNING,
        ["ar", "ber"],
        dt.date(2025, 1, 15),
    ),
    (
        2,
        3,
        "Turkse mannen Overvecht",
        "GM0344",
        "Turks",
        Composition.MEN,
        GroupStatus.ENDED,
        ["tr"],
        dt.date(2023, 4, 12),
    ),
    (
        3,
        4,
        "Surinaamse ouderen Oost",
        "GM0363",
        "Surinaams-Creools",
        Composition.MIXED,
        GroupStatus.RUNNING,
        ["srn", "nl"],
        dt.date(2025, 5, 20),
    ),
    (
        3,
        4,
        "Gemengde groep Indische Buurt",
        "GM0363",
        "Divers",
        Composition.MIXED,
        GroupStatus.RECRUITING,
        ["nl", "ar", "tr"],
        None,
    ),
]

FUND = "Fonds Ouderen Dichtbij (demo)"

# e-mail, name, role, scope: ("programme",) / ("organisation", i) / ("group", i) / ("fund",)
ACCOUNTS: list[tuple[str, str, str, tuple[Any, ...]]] = [
    ("coordinator@example.org", "Carla Coördinator", Role.PROGRAMME_COORDINATOR, ("programme",)),
    ("lead@example.org", "Lotte Projectleider", Role.PROJECT_LEAD, ("organisation", 0)),
    ("lead.haaglanden@example.org", "Hasan Projectleider", Role.PROJECT_LEAD, ("organisation", 1)),
    ("facilitator@example.org", "Fatma Begeleider", Role.FACILITATOR, ("group", 0)),
    ("facilitator.charlois@example.org", "Youssef Begeleider", Role.FACILITATOR, ("group", 1)),
    ("facilitator.haaglanden@example.org", "Sita Begeleider", Role.FACILITATOR, ("group", 3)),
    ("volunteer@example.org", "Vera Vrijwilliger", Role.VOLUNTEER, ("group", 0)),
    ("funder@example.org", "Frank Fonds", Role.FUNDER, ("fund",)),
    ("privacy@example.org", "Pieter Privacy", Role.PRIVACY_OFFICER, ("organisation", 0)),
]


class MissingCities(Exception):
    """The municipalities are loaded by a migration; run `migrate` first."""


@dataclass
class Summary:
    organisations: int
    groups: int
    participants: int
    meetings: int
    accounts: int


def city_codes() -> set[str]:
    return (
        {code for _n, code, _k in ORGANISATIONS} | {v[4] for v in VENUES} | {g[3] for g in GROUPS}
    )


def seed_demo() -> Summary:
    """Store what is missing of the demo programme (inside the caller's transaction)."""
    today = timezone.localdate()
    cities = {c.cbs_code: c for c in City.objects.filter(cbs_code__in=city_codes())}
    missing = city_codes() - set(cities)
    if missing:
        raise MissingCities(sorted(missing))

    programme = hub.programme(
        name=PROGRAMME, description="Demo: groepen oudere migranten in vier steden."
    )
    organisations = hub.organisations(
        programme=programme,
        rows=[
            Organisation(name=name, city=cities[code], kvk_number=kvk)
            for name, code, kvk in ORGANISATIONS
        ],
    )
    venues = hub.venues(
        [
            Venue(
                organisation=organisations[org_i],
                name=name,
                address=address,
                postcode=postcode,
                city=cities[code],
                closed_room=closed,
                separate_rooms=separate,
                capacity=capacity,
                step_free=step,
            )
            for org_i, name, address, postcode, code, closed, separate, capacity, step in VENUES
        ]
    )
    groups = hub.groups(
        [
            Group(
                organisation=organisations[org_i],
                name=name,
                city=cities[code],
                community=community,
                composition=composition,
                status=status,
                languages=langs,
                start_date=start,
                venue=venues[venue_i] if venue_i is not None else None,
                target_size=14,
                is_diverse=community == "Divers",
            )
            for org_i, venue_i, name, code, community, composition, status, langs, start in GROUPS
        ]
    )
    fund = funding.funds([Fund(name=FUND, description="Een verzonnen fonds voor de demo.")])[0]

    users = hub.users([(email, name) for email, name, _r, _s in ACCOUNTS], password=DEMO_PASSWORD)
    by_email = {u.email: u for u in users}
    scopes = {
        "programme": lambda s: {"programme": programme},
        "organisation": lambda s: {"organisation": organisations[s[1]]},
        "group": lambda s: {"group": groups[s[1]]},
        "fund": lambda s: {"fund": fund},
    }
    hub.memberships(
        [
            Membership(user=by_email[email], role=role, **scopes[str(scope[0])](scope))
            for email, _name, role, scope in ACCOUNTS
        ]
    )
    User = get_user_model()
    if not User.objects.filter(email="admin@example.org").exists():
        User.objects.create_superuser(
            email="admin@example.org", password=DEMO_PASSWORD, full_name="Sitebeheerder"
        )

    lead = by_email["lead@example.org"]
    staff = {
        m.group_id: m.user
        for m in Membership.objects.filter(role=Role.FACILITATOR, group__in=groups)
        .select_related("user")
        .order_by("pk")
    }
    participants.social_map(organisations)
    participants.people(groups, staff_by_group=staff, fallback_user=lead)
    new_meetings = meetings.meetings(
        groups, staff_by_group=staff, fallback_user=lead, today=today, last_unrecorded=True
    )
    for organisation in organisations:
        years = {today.year - 1, today.year, today.year + 1} | {
            m.starts_at.year
            for g in groups
            if g.organisation_id == organisation.pk
            for m in new_meetings.get(g.pk, [])
        }
        meetings.holiday_suggestions([organisation], years=sorted(years))
    _funding(organisations, groups, lead, fund, today, by_email["volunteer@example.org"])
    funding.profiles(
        facilitators_by_language=[
            (by_email["facilitator@example.org"], ["tr", "nl"]),
            (by_email["facilitator.charlois@example.org"], ["ar", "ber", "nl"]),
            (by_email["facilitator.haaglanden@example.org"], ["hns", "nl"]),
        ]
    )
    _evidence(groups, staff, lead, today)
    return Summary(
        organisations=len(organisations),
        groups=len(groups),
        participants=Participant.objects.filter(group__in=groups).count(),
        meetings=Meeting.objects.filter(group__in=groups).count(),
        accounts=len(ACCOUNTS) + 1,
    )


def _funding(organisations, groups, lead, fund, today, volunteer_account) -> None:
    """The demo funder's fund granted the first organisation's application for its first
    two groups in 2026, in full: the coverage plan is the grant, and balances the budget.
    A second application is being written. The volunteer with an account is the first
    organisation's volunteer in the register, with hours in the grant's year up to today,
    so the fund report counts them."""
    organisation = organisations[0]
    own_groups = [g for g in groups if g.organisation_id == organisation.pk]
    catalogue = funding.catalogue_funds()
    grant = funding.granted_application(
        organisation=organisation,
        fund=fund,
        groups=own_groups[:2],
        title="Samen tegen Eenzaamheid Rotterdam-Zuid 2026",
        by=lead,
        submitted_on=dt.date(2025, 10, 1),
        decided_on=dt.date(2025, 11, 15),
        introduction="Oudere migranten in Feijenoord en Charlois voelen zich vaak "
        "eenzaam; sleutelfiguren zien dat mensen thuis blijven.",
        project_description="Twee besloten groepen komen elke twee weken samen en "
        "kiezen zelf hun thema's en activiteiten.",
        budget=funding.BUDGET,
        period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        min_meetings=10,
        conditions="Minstens tien bijeenkomsten per groep.",
        report_due=dt.date(2027, 3, 1),
        advance=Decimal("0.75"),
        expenses=[("room", "90.00", "Huur zaal"), ("catering", "118.40", "Boodschappen lunch")],
        expense_days=[dt.date(2026, month, 5) for month in range(1, 11)],
    )
    if grant is not None:
        FundingApplication.objects.create(
            organisation=organisation,
            fund=catalogue[1],
            title="Uitjes en ontmoeting 2027",
            amount_requested=Decimal("3500.00"),
            deadline=dt.date(2027, 1, 15),
            created_by=lead,
        )
    funding.volunteers(
        organisations,
        groups,
        days=[day for day in (dt.date(2026, month, 10) for month in range(1, 13)) if day < today],
        accounts={organisations[0].pk: volunteer_account},
    )


def _evidence(groups, staff, lead, today) -> None:
    kwargs = {"staff_by_group": staff, "fallback_user": lead, "today": today}
    stories = evidence.stories([(groups[row[0]], row[1:]) for row in STORIES], **kwargs)
    feijenoord = groups[FEIJENOORD]

    def story(title):
        return stories[(groups[next(r[0] for r in STORIES if r[4] == title)].pk, title)]

    held_on = evidence.day_in_last_year(feijenoord, 340, today)
    evidence.selection_round(
        by=staff.get(feijenoord.pk, lead),
        organisation=feijenoord.organisation,
        group=feijenoord,
        level=SelectionLevel.GROUP,
        held_on=held_on,
        panel="De begeleider en drie deelnemers, bij toerbeurt gekozen.",
        candidates=[
            story("Dinsdag is mijn dag"),
            story("Samen naar de huisarts"),
            story("De buurvrouw groet nu terug"),
            story("Ik durf weer Nederlands te praten"),
        ],
        selected=story("Dinsdag is mijn dag"),
        reasons="Het verhaal laat zien waar de groep om draait: iemand die thuis zat, "
        "hoort er weer bij en wordt gemist als ze er niet is.",
        feedback_given_on=min(held_on + dt.timedelta(days=14), today),
    )
    evidence.selection_round(
        by=lead,
        organisation=feijenoord.organisation,
        group=None,
        level=SelectionLevel.ORGANISATION,
        held_on=today - dt.timedelta(days=7),
        panel="De projectleider, beide begeleiders en een sleutelfiguur uit de wijk.",
        candidates=[story("Dinsdag is mijn dag"), story("Van gast naar gastheer")],
        selected=story("Van gast naar gastheer"),
        reasons="Een deelnemer wordt zelf iemand die anderen ophaalt; dat is wat de "
        "groep na de subsidie nodig heeft.",
    )
    evidence.observations(
        [(groups[index], kind, days, text) for index, kind, days, text in OBSERVATIONS],
        **kwargs,
    )
    instruments = ["djg6", "who5"]
    evidence.measurement_plans([groups[FEIJENOORD], groups[TRANSVAAL]], instruments=instruments)
    evidence.questionnaires(
        [feijenoord], instruments=instruments, people=evidence.MEASURED_PEOPLE, **kwargs
    )
    evidence.continuation_plans([(groups[row[0]], row[1:]) for row in PLANS], **kwargs)
