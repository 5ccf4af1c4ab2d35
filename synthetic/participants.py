"""Participant builders: the social map, and people for groups with consents, intakes
and enrolments.

Every name is assembled from lists of common first and family names and belongs to
nobody; phone numbers are in a range that is never handed out. A group's people are drawn
from a generator seeded by the group's name and each person's details from one seeded by
the person's name, so every machine gets the same people, and a second run finds them
already there. Rows are written in bulk: a few queries per batch of groups.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

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
from participants.services_records import status_moment

from .base import BATCH, ensure, insert

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


def names_for(group: Group, count: int, rng: random.Random):
    """`count` different (name, gender, languages) fitting the group's community and
    composition."""
    first, last, languages = NAMES.get(group.community, NAMES["Turks"])
    if group.composition == "women":
        first = [n for n in first if n in WOMEN]
    elif group.composition == "men":
        first = [n for n in first if n not in WOMEN] or first
    seen: set[Any] = set()
    while len(seen) < count:
        name = f"{rng.choice(first)} {rng.choice(last)}"
        if name not in seen:
            seen.add(name)
            yield name, ("woman" if name.split()[0] in WOMEN else "man"), languages


def social_map(organisations) -> None:
    """Four local services per organisation (a GP, welfare, a mosque, the municipality)."""
    ensure(
        SocialService,
        (
            SocialService(
                organisation=organisation,
                city=organisation.city,
                name=name,
                kind=kind,
                phone="010 000 0000",
                offers_speakers=kind in (ServiceKind.GP, ServiceKind.WELFARE),
            )
            for organisation in organisations
            for name, kind in SERVICES[:4]
        ),
        key=("name", "organisation_id", "city_id"),
    )


@dataclass
class _Person:
    participant: Participant
    consents: list[Consent] = field(default_factory=list)
    intake: Intake | None = None
    enrolment: Enrolment | None = None


def people(
    groups,
    *,
    staff_by_group: dict,
    fallback_user,
    members: int = 14,
    recruiting: int = 6,
    in_funnel: int = 3,
    first_phone: int = 1,
    default_start: dt.date = dt.date(2025, 9, 1),
) -> int:
    """People for every running or continuing group (`members` joined, two of whom left
    after four months, and `in_funnel` more on their way in) and every recruiting group
    (`recruiting` + `in_funnel`, none joined yet), in a community the name lists know.
    Everyone past the first contact has consented to data processing (most also to phone
    calls) and had an intake. Returns how many participants were created."""
    groups = [g for g in groups if g.community in NAMES]
    existing = set(
        Participant.objects.filter(group__in=groups).values_list("group_id", "full_name")
    )
    referral: dict[Any, Any] = {}
    for service in SocialService.objects.filter(organisation__in={g.organisation for g in groups}):
        referral.setdefault(service.organisation_id, service)
    rows: list[_Person] = []
    phone = first_phone - 1
    for group in groups:
        running = group.status in (GroupStatus.RUNNING, GroupStatus.CONTINUING)
        if not (running or group.status == GroupStatus.RECRUITING):
            continue
        size = members if running else recruiting
        recorder = staff_by_group.get(group.pk, fallback_user)
        start = group.start_date or default_start
        names = list(names_for(group, size + in_funnel, random.Random(group.name)))  # noqa: S311
        for i, (name, gender, languages) in enumerate(names):
            phone += 1
            if (group.pk, name) in existing:
                continue
            rows.append(
                _person(
                    group, i, name, gender, languages, f"06 0000 {phone % 10000:04d}",
                    joined=running and i < size, start=start, recorder=recorder,
                    referral=referral.get(group.organisation_id),
                )
            )  # fmt: skip
    Participant.objects.bulk_create([r.participant for r in rows], batch_size=BATCH)
    for r in rows:  # now that the participants have their keys
        for row in (*r.consents, r.intake, r.enrolment):
            if row is not None:
                row.participant = r.participant
    insert(Consent, (c for r in rows for c in r.consents))
    insert(Intake, (r.intake for r in rows if r.intake))
    insert(Enrolment, (r.enrolment for r in rows if r.enrolment))
    return len(rows)


def _person(group, i, name, gender, languages, phone, *, joined, start, recorder, referral):
    rng = random.Random(f"{group.name}/{name}")  # noqa: S311 - fictional data
    if joined:
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
    person = _Person(
        Participant(
            group=group,
            full_name=name,
            gender=gender,
            phone=phone,
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
    )
    if status in (FunnelStatus.CONTACTED, FunnelStatus.INTAKE_PLANNED):
        return person
    purposes = [ConsentPurpose.DATA_PROCESSING]
    if rng.random() < 0.8:
        purposes.append(ConsentPurpose.PHONE)
    person.consents = [
        Consent(
            purpose=purpose,
            method=ConsentMethod.ORAL,
            language=languages[0],
            info_version="2025-01",
            recorded_by=recorder,
            given_on=start - dt.timedelta(days=14),
        )
        for purpose in purposes
    ]
    person.intake = Intake(
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
        joined_on = start + dt.timedelta(days=rng.choice([0, 0, 0, 14, 28]))
        left = i in (3, 9)
        person.enrolment = Enrolment(
            group=group,
            joined_on=joined_on,
            left_on=joined_on + dt.timedelta(days=120) if left else None,
            leave_reason=(LeaveReason.HEALTH if i == 3 else LeaveReason.ABROAD) if left else "",
            referred_to=referral if i == 3 else None,
        )
    # "Status since": the day the status was reached, as the services record it.
    reached = person.enrolment.joined_on if person.enrolment else person.intake.held_on
    person.participant.status_changed_at = status_moment(reached)
    return person
