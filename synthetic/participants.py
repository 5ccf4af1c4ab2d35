"""Fictional participants for the demo (called by `manage.py seed_demo`).

Every name is assembled from lists of common first and family names and belongs to nobody;
phone numbers are in a range that is never handed out. Idempotent: people are looked up
by group and name before they are created. A fixed random seed keeps the demo the same
on every machine.
"""

import datetime as dt
import random

from groups.models import Group, GroupStatus
from participants.models import (
    Channel,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Enrolment,
    FunnelStatus,
    GroupFit,
    Intake,
    IntakeLocation,
    LeaveReason,
    Participant,
    ServiceKind,
    SocialService,
)

NAMES = {
    "Turks": (
        [
            "Ayşe",
            "Fatma",
            "Emine",
            "Hatice",
            "Zeynep",
            "Elif",
            "Hülya",
            "Sevim",
            "Nuran",
            "Gülsüm",
            "Meryem",
            "Şükran",
            "Leyla",
            "Nermin",
            "Hasan",
            "Mehmet",
            "Ali",
            "Osman",
        ],
        ["Yıldız", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan", "Doğan"],
        ["tr"],
    ),
    "Marokkaans": (
        [
            "Fatima",
            "Khadija",
            "Aicha",
            "Malika",
            "Naima",
            "Zohra",
            "Rachida",
            "Mohamed",
            "Ahmed",
            "Hassan",
            "Mustafa",
            "Driss",
            "Brahim",
            "Youssef",
            "Omar",
            "Rachid",
        ],
        ["El Amrani", "Bennani", "Ouali", "Boukhari", "El Idrissi", "Azzouzi", "Tahiri"],
        ["ar", "ber"],
    ),
    "Surinaams-Hindostaans": (
        ["Sita", "Radha", "Kamla", "Shanti", "Indira", "Savitri", "Lakshmi", "Asha"],
        ["Ramdin", "Sewnath", "Mangal", "Ramlal", "Bhagwandin", "Kalloe", "Jagesar"],
        ["hns", "nl"],
    ),
    "Surinaams-Creools": (
        ["Marlene", "Johan", "Rinia", "Harold", "Yvonne", "Ronald", "Carmen", "Edgar"],
        ["Pinas", "Sabajo", "Linger", "Fraenk", "Doelwijt", "Emanuels", "Vreden"],
        ["srn", "nl"],
    ),
    "Moluks": (
        ["Johanna", "Frans", "Wilhelmina", "Hendrik", "Elisabeth", "Jacob", "Maria"],
        ["Latuheru", "Pattiasina", "Soplantila", "Tahapary", "Manuhutu"],
        ["ms", "nl"],
    ),
}
WOMEN = {
    "Ayşe",
    "Fatma",
    "Emine",
    "Hatice",
    "Zeynep",
    "Elif",
    "Hülya",
    "Sevim",
    "Nuran",
    "Gülsüm",
    "Meryem",
    "Şükran",
    "Leyla",
    "Nermin",
    "Fatima",
    "Khadija",
    "Aicha",
    "Malika",
    "Naima",
    "Zohra",
    "Rachida",
    "Sita",
    "Radha",
    "Kamla",
    "Shanti",
    "Indira",
    "Savitri",
    "Lakshmi",
    "Asha",
    "Marlene",
    "Rinia",
    "Yvonne",
    "Carmen",
    "Johanna",
    "Wilhelmina",
    "Elisabeth",
    "Maria",
}

INTERESTS = [
    "koken",
    "handwerken",
    "wandelen",
    "tuinieren",
    "muziek",
    "bakken",
    "voorlezen",
    "bewegen",
    "uitstapjes",
    "religieuze feestdagen vieren",
]

SERVICES = [
    ("Huisartsenpraktijk De Linde", ServiceKind.GP),
    ("Stichting Welzijn Dichtbij", ServiceKind.WELFARE),
    ("Moskee Ulu Camii (demo)", ServiceKind.MOSQUE),
    ("Wijkteam Zuid", ServiceKind.MUNICIPALITY),
    ("Mantelzorgpunt", ServiceKind.HEALTH),
    ("Buurtvrouwen Netwerk", ServiceKind.MIGRANT),
]


def _people_for(group: Group, count: int, rng: random.Random):
    first, last, languages = NAMES.get(group.community, NAMES["Turks"])
    if group.composition == "women":
        first = [n for n in first if n in WOMEN]
    elif group.composition == "men":
        first = [n for n in first if n not in WOMEN] or first
    seen = set()
    while len(seen) < count:
        name = f"{rng.choice(first)} {rng.choice(last)}"
        if name not in seen:
            seen.add(name)
            yield name, ("woman" if name.split()[0] in WOMEN else "man"), languages


def seed_participants(*, groups, organisations, staff_by_group, fallback_user) -> int:
    """Create social map entries per organisation and participants for the demo groups.
    Returns the number of participants in the database for these groups."""
    for organisation in organisations:
        for name, kind in SERVICES[:4]:
            SocialService.objects.get_or_create(
                organisation=organisation,
                city=organisation.city,
                name=name,
                defaults={
                    "kind": kind,
                    "phone": "010 000 0000",
                    "offers_speakers": kind in (ServiceKind.GP, ServiceKind.WELFARE),
                },
            )
    phone = 0
    for group in groups:
        if group.community not in NAMES:
            continue
        running = group.status in (GroupStatus.RUNNING, GroupStatus.CONTINUING)
        recruiting = group.status == GroupStatus.RECRUITING
        if not (running or recruiting):
            continue
        size = 14 if running else 6
        recorder = staff_by_group.get(group.pk, fallback_user)
        start = group.start_date or dt.date(2025, 9, 1)
        referral = SocialService.objects.filter(organisation=group.organisation).first()
        # Seeded by the group's and the person's name, so a second run draws the same
        # people and finds them already there.
        names = list(_people_for(group, size + 3, random.Random(group.name)))  # noqa: S311
        for i, (name, gender, languages) in enumerate(names):
            phone += 1
            if Participant.objects.filter(group=group, full_name=name).exists():
                continue
            rng = random.Random(f"{group.name}/{name}")  # noqa: S311 - demo data
            if running and i < size:
                status = FunnelStatus.JOINED
            else:
                status = rng.choice(
                    [
                        FunnelStatus.CONTACTED,
                        FunnelStatus.INTAKE_PLANNED,
                        FunnelStatus.INTAKE_DONE,
                        FunnelStatus.WAITING_LIST,
                    ]
                )
            participant = Participant.objects.create(
                group=group,
                full_name=name,
                gender=gender,
                phone=f"06 0000 {phone:04d}",
                postcode=f"{3000 + rng.randint(0, 99)} AB",
                birth_year=rng.randint(1940, 1968),
                community=group.community,
                languages=languages,
                preferred_language=languages[0],
                needs_dutch_support=rng.random() < 0.6,
                lives_alone=rng.random() < 0.5,
                widowed=rng.random() < 0.45,
                interests=", ".join(rng.sample(INTERESTS, 2)),
                channel=rng.choice(list(Channel.values)),
                status=status,
                created_by=recorder,
            )
            if status in (FunnelStatus.CONTACTED, FunnelStatus.INTAKE_PLANNED):
                continue
            Consent.objects.create(
                participant=participant,
                purpose=ConsentPurpose.DATA_PROCESSING,
                method=ConsentMethod.ORAL,
                language=languages[0],
                info_version="2025-01",
                recorded_by=recorder,
                given_on=start - dt.timedelta(days=14),
            )
            if rng.random() < 0.8:
                Consent.objects.create(
                    participant=participant,
                    purpose=ConsentPurpose.PHONE,
                    method=ConsentMethod.ORAL,
                    language=languages[0],
                    info_version="2025-01",
                    recorded_by=recorder,
                    given_on=start - dt.timedelta(days=14),
                )
            Intake.objects.create(
                participant=participant,
                held_on=start - dt.timedelta(days=rng.randint(15, 40)),
                location=rng.choice(list(IntakeLocation.values)),
                conducted_by=recorder,
                situation="Woont sinds jaren in de wijk; kinderen wonen verder weg.",
                wishes="Graag samen koken en andere mensen leren kennen.",
                practical_needs="Vervoer naar de locatie is lastig." if i % 4 == 0 else "",
                group_fits=GroupFit.YES,
                next_step="Uitnodigen voor de eerste bijeenkomst.",
            )
            if status == FunnelStatus.JOINED:
                enrolment = Enrolment.objects.create(
                    participant=participant,
                    group=group,
                    joined_on=start + dt.timedelta(days=rng.choice([0, 0, 0, 14, 28])),
                )
                if i in (3, 9) and running:
                    enrolment.left_on = enrolment.joined_on + dt.timedelta(days=120)
                    enrolment.leave_reason = LeaveReason.HEALTH if i == 3 else LeaveReason.ABROAD
                    enrolment.referred_to = referral if i == 3 else None
                    enrolment.save()
    return Participant.objects.filter(group__in=groups).count()
