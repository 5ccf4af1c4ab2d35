"""Evidence builders: stories of change with selection rounds, an observation log,
questionnaires (De Jong Gierveld and WHO-5, baseline and follow-up) and continuation
plans. The tables below are the demo's; a synthetic programme reuses them as templates.

Every story and note is made up. Idempotent: rows are looked up by their natural key
(group and title, group and text, participant, instrument and time point) before
anything is created. Seeded by names, so every machine gets the same evidence.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from participants.models import Consent, ConsentMethod, Enrolment, Participant
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
    ObservationKind,
    SelectionRound,
    Story,
    StoryDomain,
    Timepoint,
)
from reporting.services_evidence import selection_round_create

from .base import BATCH, ensure

# Indexes into demo.GROUPS.
FEIJENOORD, CHARLOIS, TRANSVAAL, MOLUKSE, OVERVECHT = 0, 1, 3, 4, 7

# group index, storyteller (index among the group's members by name, or None: anonymous),
# domain, own domain, title, language, text, translation, significance, quote, period,
# scope, verified, days after the group's start
STORIES = [
    (
        FEIJENOORD,
        0,
        StoryDomain.BELONGING,
        "",
        "Dinsdag is mijn dag",
        "tr",
        "Eskiden bütün hafta evde otururdum. Şimdi salı günleri gruba geliyorum ve beni "
        "bekliyorlar.",
        "Vroeger zat ik de hele week thuis. Nu ga ik op dinsdag naar de groep en daar "
        "wachten ze op me.",
        "Ze voelt zich weer iemand die gemist wordt als ze er niet is.",
        "Op dinsdag weet ik dat er mensen op me wachten.",
        "sinds het voorjaar",
        ConsentScope.FUNDER,
        True,
        220,
    ),
    (
        FEIJENOORD,
        1,
        StoryDomain.MUTUAL_SUPPORT,
        "",
        "Samen naar de huisarts",
        "nl",
        "Toen ik ziek was, ging een vrouw uit de groep met me mee naar de huisarts. Ze "
        "hielp me met de woorden die ik niet kende.",
        "",
        "Ze hoeft niet meer alleen te gaan en durft daardoor eerder hulp te vragen.",
        "",
        "afgelopen winter",
        ConsentScope.INTERNAL,
        False,
        260,
    ),
    (
        FEIJENOORD,
        None,
        StoryDomain.NEIGHBOURHOOD,
        "",
        "De buurvrouw groet nu terug",
        "nl",
        "Na het uitje naar de markt ken ik twee vrouwen uit mijn straat. We groeten elkaar "
        "en soms drinken we thee.",
        "",
        "Haar straat voelt minder vreemd; ze kent nu mensen om de hoek.",
        "Mijn straat voelt nu als mijn straat.",
        "na de zomer",
        ConsentScope.FUNDER,
        True,
        300,
    ),
    (
        FEIJENOORD,
        2,
        StoryDomain.GROWTH,
        "",
        "Ik durf weer Nederlands te praten",
        "nl",
        "In de groep oefen ik Nederlands zonder dat iemand lacht. Bij de apotheek praat ik "
        "nu zelf.",
        "",
        "Ze is minder afhankelijk van haar kinderen voor gewone dingen.",
        "Ik praat nu zelf bij de apotheek.",
        "de laatste maanden",
        ConsentScope.FUNDER,
        True,
        320,
    ),
    (
        CHARLOIS,
        None,
        StoryDomain.WELLBEING,
        "",
        "Een vaste plek aan tafel",
        "nl",
        "Na de dood van mijn vrouw at ik alleen. Nu eten we om de week samen en praat ik "
        "weer met mensen.",
        "",
        "Hij heeft weer een reden om zich op een dag te verheugen.",
        "",
        "dit jaar",
        ConsentScope.INTERNAL,
        False,
        240,
    ),
    (
        CHARLOIS,
        0,
        StoryDomain.OWN,
        "Zelf de regie nemen",
        "Van gast naar gastheer",
        "nl",
        "Eerst kwam ik alleen kijken. Nu zet ik de koffie klaar en bel ik de mannen die er "
        "niet waren.",
        "",
        "Hij voelt zich nodig en verantwoordelijk voor de groep.",
        "Nu bel ik zelf de mannen die er niet waren.",
        "sinds de zomer",
        ConsentScope.FUNDER,
        True,
        280,
    ),
    (
        TRANSVAAL,
        0,
        StoryDomain.BELONGING,
        "",
        "Zingen zoals vroeger",
        "hns",
        "Hamlog saath mein geet gaate hain, jaise pahle gaon mein.",
        "We zingen samen liederen, zoals vroeger in het dorp.",
        "De liederen brengen herinneringen terug die ze met anderen kan delen.",
        "",
        "het afgelopen jaar",
        ConsentScope.INTERNAL,
        True,
        400,
    ),
]

# group index, kind, days after the start, text
OBSERVATIONS = [
    (FEIJENOORD, ObservationKind.OBSERVATION, 30, "Twee deelnemers kwamen samen met de bus."),
    (
        FEIJENOORD,
        ObservationKind.CONVERSATION,
        75,
        "Bij de koffie vertelde iemand dat ze de groep in de week mist.",
    ),
    (
        FEIJENOORD,
        ObservationKind.OBSERVATION,
        120,
        "De groep koos zelf het thema voor de volgende keer.",
    ),
    (
        FEIJENOORD,
        ObservationKind.CONVERSATION,
        180,
        "Na afloop bleven vier vrouwen nog een uur napraten.",
    ),
    (CHARLOIS, ObservationKind.OBSERVATION, 40, "De mannen zetten zelf de tafels klaar."),
    (
        CHARLOIS,
        ObservationKind.CONVERSATION,
        95,
        "Een deelnemer vroeg of zijn buurman ook mag komen.",
    ),
    (
        CHARLOIS,
        ObservationKind.OBSERVATION,
        150,
        "Er werd voor het eerst om de beurt voorgelezen.",
    ),
    (TRANSVAAL, ObservationKind.OBSERVATION, 60, "Drie vrouwen wisselden telefoonnummers uit."),
    (
        TRANSVAAL,
        ObservationKind.CONVERSATION,
        130,
        "Iemand vertelde dat ze nu vaker zelf haar dochter belt.",
    ),
    (
        TRANSVAAL,
        ObservationKind.OBSERVATION,
        210,
        "De groep bereidde samen het Divali-feest voor.",
    ),
]

# group index, route, status, summary, room, volunteers, volunteer leads,
# steps (description, owner, days from today until due, done)
PLANS = [
    (
        FEIJENOORD,
        ContinuationRoute.NEW_GROUP,
        ContinuationStatus.DRAFT,
        "Er is een wachtlijst: met twee deelnemers als begeleider start een tweede groep.",
        "Wijkcentrum De Esch",
        "Twee deelnemers willen de nieuwe groep mee begeleiden.",
        2,
        [
            ("Wachtlijst bellen", "Begeleider", -20, True),
            ("Ruimte op woensdag vastleggen", "Projectleider", 30, False),
            ("Aanvraag bij het stadsfonds indienen", "Projectleider", 75, False),
        ],
    ),
    (
        MOLUKSE,
        ContinuationRoute.INDEPENDENT,
        ContinuationStatus.UNDER_WAY,
        "De groep gaat zelfstandig verder; twee deelnemers nemen de leiding over.",
        "Ontmoetingsplek Transvaal",
        "Twee deelnemers als vrijwillige trekkers, met steun van de begeleider.",
        2,
        [
            ("Trekkers inwerken", "Begeleider", -60, True),
            ("Sleutel en huur regelen", "Projectleider", -10, True),
            ("Evaluatie na drie maanden", "Begeleider", 60, False),
        ],
    ),
    (
        OVERVECHT,
        ContinuationRoute.EMBED,
        ContinuationStatus.DONE,
        "De groep is opgenomen in het vaste aanbod van het buurthuis.",
        "Huis van de Wijk Kanaleneiland",
        "Een vaste vrijwilliger van het buurthuis.",
        0,
        [
            ("Afspraken met het buurthuis", "Projectleider", -200, True),
            ("Overdracht aan de vrijwilliger", "Begeleider", -150, True),
            ("Laatste bijeenkomst met de begeleider", "Begeleider", -120, True),
        ],
    ),
]

MEASURED_PEOPLE = 8


def members_by_group(groups) -> dict[int, list[Participant]]:
    """Each group's current members, ordered by name (the same on every machine)."""
    members = defaultdict(list)
    current = Enrolment.objects.current().filter(group__in=groups).select_related("participant")
    for enrolment in current:
        members[enrolment.group_id].append(enrolment.participant)
    for people in members.values():
        people.sort(key=lambda p: (p.full_name, p.pk))
    return members


def day_in_last_year(group, days: int, today: dt.date) -> dt.date:
    """`days` into the last year (or into the group's life, when it started later), so
    the evidence falls in the period of a grant of the last year; never today or later."""
    year_ago = today - dt.timedelta(days=365)
    start = max(group.start_date or year_ago, year_ago)
    return min(start + dt.timedelta(days=days), today - dt.timedelta(days=1))


def stories(rows, *, staff_by_group, fallback_user, today) -> dict[tuple[int, str], Story]:
    """Stories from (group, template) pairs, a template being a row of STORIES without
    its group index. A named storyteller (an index among the group's members by name)
    of a story for funders or the public has consented to being quoted. Returns the
    stories by (group id, title)."""
    groups = {group.pk: group for group, _row in rows}
    found = {
        (s.group_id, s.title): s
        for s in Story.objects.filter(group__in=groups, title__in={row[3] for _g, row in rows})
    }
    members = members_by_group(groups.values())
    new: list[Any] = []
    consents: dict[Any, Any] = {}
    for group, row in rows:
        (teller, domain, own, title, language, text, translation) = row[:7]
        (why, quote, period, scope, verified, days) = row[7:]
        if (group.pk, title) in found:
            continue
        staff = staff_by_group.get(group.pk, fallback_user)
        people = members[group.pk]
        storyteller = people[teller] if teller is not None and teller < len(people) else None
        collected_on = day_in_last_year(group, days, today)
        if storyteller is not None and scope != ConsentScope.INTERNAL:
            purpose = "quote_public" if scope == ConsentScope.PUBLIC else "quote_funder"
            consents.setdefault(
                (storyteller.pk, purpose),
                Consent(
                    participant=storyteller,
                    purpose=purpose,
                    method=ConsentMethod.ORAL,
                    language=storyteller.preferred_language or "nl",
                    info_version="2025-01",
                    recorded_by=staff,
                    given_on=collected_on,
                ),
            )
        story = Story(
            group=group,
            collected_by=staff,
            storyteller=storyteller,
            domain=domain,
            own_domain=own,
            title=title,
            text=text,
            language=language,
            translation=translation,
            significance=why,
            quote=quote,
            event_period=period,
            collected_on=collected_on,
            consent_scope=scope,
            verified=verified,
        )
        new.append(story)
        found[(group.pk, title)] = story
    given = set(
        Consent.objects.active()
        .filter(participant_id__in={k[0] for k in consents}, purpose__in={k[1] for k in consents})
        .values_list("participant_id", "purpose")
    )
    Consent.objects.bulk_create(c for k, c in consents.items() if k not in given)
    Story.objects.bulk_create(new, batch_size=BATCH)
    return found


def selection_round(*, organisation, group, level, **fields) -> SelectionRound | None:
    """A selection round (through the service, which checks it), unless the organisation
    has one at this level for this group (or for the whole organisation) already."""
    if SelectionRound.objects.filter(organisation=organisation, group=group, level=level).exists():
        return None
    return selection_round_create(organisation=organisation, group=group, level=level, **fields)


def observations(rows, *, staff_by_group, fallback_user, today) -> None:
    """Observations from (group, kind, days into the last year, text)."""
    ensure(
        Observation,
        (
            Observation(
                group=group,
                text=text,
                kind=kind,
                observed_on=day_in_last_year(group, days, today),
                observed_by=staff_by_group.get(group.pk, fallback_user),
            )
            for group, kind, days, text in rows
        ),
        key=("text", "group_id"),
    )


def measurement_plans(groups, *, instruments) -> None:
    ensure(
        MeasurementPlan,
        (MeasurementPlan(group=group, instruments=instruments) for group in groups),
        key=("group_id",),
    )


def _answers(instrument: str, timepoint: str, rng: random.Random) -> list:
    """Plausible answers: lonelier and less well at baseline than at follow-up."""
    later = timepoint == Timepoint.FOLLOW_UP
    if instrument == Instrument.WHO5:
        low, high = (2, 4) if later else (1, 3)
        return [rng.randint(low, high) for _ in range(5)]
    lonely_chance = 0.3 if later else 0.6
    answers = []
    for item in range(1, 7):
        negative = item in (1, 4, 6)
        roll = rng.random()
        if roll < lonely_chance * 0.5:
            answers.append("more_or_less")
        elif roll < lonely_chance:
            answers.append("yes" if negative else "no")
        else:
            answers.append("no" if negative else "yes")
    return answers


def questionnaires(
    groups,
    *,
    instruments,
    people: int,
    staff_by_group,
    fallback_user,
    today,
    days: tuple[int, int] = (14, 300),
) -> None:
    """Each instrument at baseline and follow-up (`days` into the last year) for the
    first `people` members of each group, by name; every other person answered in an
    interview in the group's first language, the others in Dutch. The fourth person
    left one De Jong Gierveld item unanswered at baseline."""
    members = members_by_group(groups)
    existing = set(
        Administration.objects.filter(group__in=groups).values_list(
            "participant_id", "instrument", "timepoint"
        )
    )
    rows = []
    for group in groups:
        staff = staff_by_group.get(group.pk, fallback_user)
        dates = {
            Timepoint.BASELINE: day_in_last_year(group, days[0], today),
            Timepoint.FOLLOW_UP: day_in_last_year(group, days[1], today),
        }
        language = group.languages[0] if group.languages else "nl"
        for index, participant in enumerate(members[group.pk][:people]):
            rng = random.Random(f"measurement/{participant.full_name}")  # noqa: S311
            for instrument in instruments:
                for timepoint in (Timepoint.BASELINE, Timepoint.FOLLOW_UP):
                    if (participant.pk, instrument, timepoint) in existing:
                        continue
                    answers = _answers(instrument, timepoint, rng)
                    if (index, instrument, timepoint) == (3, Instrument.DJG6, Timepoint.BASELINE):
                        answers[4] = None  # one item left unanswered: the total counts five
                    rows.append(
                        Administration(
                            participant=participant,
                            group=group,
                            instrument=instrument,
                            language=language if index % 2 else "nl",
                            mode=AdministrationMode.INTERVIEW_TRANSLATED
                            if index % 2
                            else AdministrationMode.INTERVIEW,
                            timepoint=timepoint,
                            administered_on=dates[timepoint],
                            administered_by=staff,
                            answers=answers,
                        )
                    )
    Administration.objects.bulk_create(rows, batch_size=BATCH)


def continuation_plans(rows, *, staff_by_group, fallback_user, today) -> None:
    """Plans from (group, template) pairs, a template being a row of PLANS without its
    group index; the steps are made with a new plan only."""
    _stored, created = ensure(
        ContinuationPlan,
        (
            ContinuationPlan(
                group=group,
                route=route,
                status=status,
                summary=summary,
                room=room,
                volunteers=volunteers,
                volunteer_leads=leads,
                updated_by=staff_by_group.get(group.pk, fallback_user),
            )
            for group, (route, status, summary, room, volunteers, leads, _steps) in rows
        ),
        key=("group_id",),
    )
    steps_of = {group.pk: row[-1] for group, row in rows}
    ContinuationStep.objects.bulk_create(
        (
            ContinuationStep(
                plan=plan,
                description=description,
                owner=owner,
                due_on=today + dt.timedelta(days=due_in),
                done_on=min(today + dt.timedelta(days=due_in), today) if done else None,
            )
            for plan in created
            for description, owner, due_in, done in steps_of[plan.group_id]
        ),
        batch_size=BATCH,
    )
