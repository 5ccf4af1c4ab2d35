"""python manage.py seed_demo — a realistic, fictional programme for trying stetapp.

Idempotent: running it again changes nothing. Every name, address and e-mail address is
made up. Refuses to run with DEBUG off unless --force is given, so it never lands in a
production database by accident.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from funding.models import Fund
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
from synthetic.evidence import seed_reporting
from synthetic.funding import seed_funding, seed_profiles
from synthetic.meetings import seed_meetings
from synthetic.participants import seed_participants

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
ACCOUNTS = [
    ("coordinator@example.org", "Carla Coördinator", Role.PROGRAMME_COORDINATOR, ("programme",)),
    ("lead@example.org", "Lotte Projectleider", Role.PROJECT_LEAD, ("organisation", 0)),
    ("lead.haaglanden@example.org", "Hasan Projectleider", Role.PROJECT_LEAD, ("organisation", 1)),
    ("facilitator@example.org", "Fatma Begeleider", Role.FACILITATOR, ("group", 0)),
    ("facilitator.charlois@example.org", "Youssef Begeleider", Role.FACILITATOR, ("group", 1)),
    ("facilitator.haaglanden@example.org", "Sita Begeleider", Role.FACILITATOR, ("group", 3)),
    ("volunteer@example.org", "Vera Vrijwilliger", Role.VOLUNTEER, ("group", 0)),
    ("funder@example.org", "Frank Fonds", Role.FUNDER, ("fund",)),
]


class Command(BaseCommand):
    help = "Load a fictional demo programme with one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo only runs with DEBUG on (or with --force).")
        cities = {c.cbs_code: c for c in City.objects.filter(cbs_code__in=self._codes())}
        missing = self._codes() - set(cities)
        if missing:
            raise CommandError(f"Cities missing; run migrate first: {sorted(missing)}")

        programme, _ = Programme.objects.get_or_create(
            name=PROGRAMME,
            defaults={"description": "Demo: groups of older migrants in four cities."},
        )
        organisations = []
        for name, code, kvk in ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(
                name=name, defaults={"city": cities[code], "kvk_number": kvk}
            )
            organisations.append(org)
        programme.organisations.add(*organisations)

        venues = []
        for org_i, name, address, postcode, code, closed, separate, capacity, step in VENUES:
            venue, _ = Venue.objects.get_or_create(
                organisation=organisations[org_i],
                name=name,
                defaults={
                    "address": address,
                    "postcode": postcode,
                    "city": cities[code],
                    "closed_room": closed,
                    "separate_rooms": separate,
                    "capacity": capacity,
                    "step_free": step,
                },
            )
            venues.append(venue)

        groups = []
        for org_i, venue_i, name, code, community, composition, status, langs, start in GROUPS:
            group, _ = Group.objects.get_or_create(
                organisation=organisations[org_i],
                name=name,
                defaults={
                    "city": cities[code],
                    "community": community,
                    "composition": composition,
                    "status": status,
                    "languages": langs,
                    "start_date": start,
                    "venue": venues[venue_i] if venue_i is not None else None,
                    "target_size": 14,
                },
            )
            groups.append(group)

        fund, _ = Fund.objects.get_or_create(
            name=FUND, defaults={"description": "A fictional fund for the demo."}
        )

        User = get_user_model()
        for email, full_name, role, scope in ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=DEMO_PASSWORD, full_name=full_name
                )
            target = {
                "programme": lambda s: {"programme": programme},
                "organisation": lambda s: {"organisation": organisations[s[1]]},
                "group": lambda s: {"group": groups[s[1]]},
                "fund": lambda s: {"fund": fund},
            }[scope[0]](scope)
            Membership.objects.get_or_create(user=user, role=role, **target)

        if not User.objects.filter(email="admin@example.org").exists():
            User.objects.create_superuser(
                email="admin@example.org", password=DEMO_PASSWORD, full_name="Site admin"
            )
        Group.objects.filter(pk__in=[g.pk for g in groups], community="Divers").update(
            is_diverse=True
        )
        staff_by_group = {
            m.group_id: m.user
            for m in Membership.objects.filter(role=Role.FACILITATOR, group__in=groups)
            .select_related("user")
            .order_by("pk")
        }
        people = seed_participants(
            groups=groups,
            organisations=organisations,
            staff_by_group=staff_by_group,
            fallback_user=User.objects.get(email="lead@example.org"),
        )
        meetings = seed_meetings(
            groups=groups,
            staff_by_group=staff_by_group,
            fallback_user=User.objects.get(email="lead@example.org"),
        )
        seed_funding(
            organisations=organisations,
            groups=groups,
            lead=User.objects.get(email="lead@example.org"),
            fund=fund,
        )
        seed_profiles(
            facilitators_by_language=[
                (User.objects.get(email="facilitator@example.org"), ["tr", "nl"]),
                (User.objects.get(email="facilitator.charlois@example.org"), ["ar", "ber", "nl"]),
                (User.objects.get(email="facilitator.haaglanden@example.org"), ["hns", "nl"]),
            ]
        )
        seed_reporting(
            groups=groups,
            staff_by_group=staff_by_group,
            fallback_user=User.objects.get(email="lead@example.org"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(organisations)} organisations, {len(groups)} groups, "
                f"{people} participants, {meetings} meetings, {len(ACCOUNTS) + 1} accounts "
                f"(password: {DEMO_PASSWORD})."
            )
        )

    @staticmethod
    def _codes():
        return (
            {code for _n, code, _k in ORGANISATIONS}
            | {v[4] for v in VENUES}
            | {g[3] for g in GROUPS}
        )
