"""Fictional evidence of impact and continuation plans for the demo (called by
`manage.py seed_demo` after the participants, meetings and funding).

Stories of change with a selection round per level, an observation log, questionnaires
(De Jong Gierveld and WHO-5, baseline and follow-up) for one group and continuation plans
for three groups. Every story and note is made up. Idempotent: rows are looked up by
their natural key (group and title, group and text, participant, instrument and time
point) before anything is created. Seeded by names, so every machine gets the same demo.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from participants.models import Consent, ConsentMethod, Enrolment, Participant
from participants.services import consent_record
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
    SelectionLevel,
    SelectionRound,
    Story,
    StoryDomain,
    Timepoint,
)
from reporting.services_evidence import selection_round_create, story_save

# Indexes into seed_demo.GROUPS.
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


def _members(group) -> list[Participant]:
    """The group's current members, ordered by name (the same on every machine)."""
    return list(
        Participant.objects.filter(
            pk__in=Enrolment.objects.current().filter(group=group).values("participant_id")
        ).order_by("full_name", "pk")
    )


def _day(group, days: int, today: dt.date) -> dt.date:
    """`days` into the last year (or into the group's life, when it started later), so
    the evidence falls in the period of the demo grants; never today or later."""
    year_ago = today - dt.timedelta(days=365)
    start = max(group.start_date or year_ago, year_ago)
    return min(start + dt.timedelta(days=days), today - dt.timedelta(days=1))


def _ensure_quote_consent(participant, scope: str, by, on: dt.date) -> None:
    purpose = "quote_public" if scope == ConsentScope.PUBLIC else "quote_funder"
    if Consent.objects.active().filter(participant=participant, purpose=purpose).exists():
        return
    consent_record(
        participant=participant,
        purpose=purpose,
        method=ConsentMethod.ORAL,
        language=participant.preferred_language or "nl",
        info_version="2025-01",
        recorded_by=by,
        given_on=on,
    )


def _seed_stories(groups, staff_by_group, fallback_user, today) -> dict[str, Story]:
    stories = {}
    for row in STORIES:
        (index, teller, domain, own, title, language, text, translation) = row[:8]
        (why, quote, period, scope, verified, days) = row[8:]
        group = groups[index]
        story = Story.objects.filter(group=group, title=title).first()
        if story is None:
            staff = staff_by_group.get(group.pk, fallback_user)
            members = _members(group)
            storyteller = members[teller] if teller is not None and teller < len(members) else None
            collected_on = _day(group, days, today)
            if storyteller is not None and scope != ConsentScope.INTERNAL:
                _ensure_quote_consent(storyteller, scope, staff, collected_on)
            story = story_save(
                group=group,
                by=staff,
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
        stories[title] = story
    return stories


def _seed_rounds(groups, stories, staff_by_group, fallback_user, today) -> None:
    feijenoord = groups[FEIJENOORD]
    organisation = feijenoord.organisation
    if not SelectionRound.objects.filter(
        organisation=organisation, group=feijenoord, level=SelectionLevel.GROUP
    ).exists():
        held_on = _day(feijenoord, 340, today)
        selection_round_create(
            by=staff_by_group.get(feijenoord.pk, fallback_user),
            organisation=organisation,
            group=feijenoord,
            level=SelectionLevel.GROUP,
            held_on=held_on,
            panel="De begeleider en drie deelnemers, bij toerbeurt gekozen.",
            candidates=[
                stories["Dinsdag is mijn dag"],
                stories["Samen naar de huisarts"],
                stories["De buurvrouw groet nu terug"],
                stories["Ik durf weer Nederlands te praten"],
            ],
            selected=stories["Dinsdag is mijn dag"],
            reasons="Het verhaal laat zien waar de groep om draait: iemand die thuis zat, "
            "hoort er weer bij en wordt gemist als ze er niet is.",
            feedback_given_on=min(held_on + dt.timedelta(days=14), today),
        )
    if not SelectionRound.objects.filter(
        organisation=organisation, group__isnull=True, level=SelectionLevel.ORGANISATION
    ).exists():
        selection_round_create(
            by=fallback_user,
            organisation=organisation,
            group=None,
            level=SelectionLevel.ORGANISATION,
            held_on=today - dt.timedelta(days=7),
            panel="De projectleider, beide begeleiders en een sleutelfiguur uit de wijk.",
            candidates=[stories["Dinsdag is mijn dag"], stories["Van gast naar gastheer"]],
            selected=stories["Van gast naar gastheer"],
            reasons="Een deelnemer wordt zelf iemand die anderen ophaalt; dat is wat de "
            "groep na de subsidie nodig heeft.",
        )


def _seed_observations(groups, staff_by_group, fallback_user, today) -> None:
    for index, kind, days, text in OBSERVATIONS:
        group = groups[index]
        Observation.objects.get_or_create(
            group=group,
            text=text,
            defaults={
                "kind": kind,
                "observed_on": _day(group, days, today),
                "observed_by": staff_by_group.get(group.pk, fallback_user),
            },
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


def _seed_measurement(groups, staff_by_group, fallback_user, today) -> None:
    instruments = [Instrument.DJG6.value, Instrument.WHO5.value]
    for index in (FEIJENOORD, TRANSVAAL):
        MeasurementPlan.objects.get_or_create(
            group=groups[index], defaults={"instruments": instruments}
        )
    group = groups[FEIJENOORD]
    staff = staff_by_group.get(group.pk, fallback_user)
    dates = {
        Timepoint.BASELINE: _day(group, 14, today),
        Timepoint.FOLLOW_UP: _day(group, 300, today),
    }
    existing = set(
        Administration.objects.filter(group=group).values_list(
            "participant_id", "instrument", "timepoint"
        )
    )
    rows = []
    for person_index, participant in enumerate(_members(group)[:MEASURED_PEOPLE]):
        rng = random.Random(f"measurement/{participant.full_name}")  # noqa: S311 - demo data
        for instrument in instruments:
            for timepoint in (Timepoint.BASELINE, Timepoint.FOLLOW_UP):
                if (participant.pk, instrument, timepoint) in existing:
                    continue
                answers = _answers(instrument, timepoint, rng)
                if (
                    person_index == 3
                    and instrument == Instrument.DJG6
                    and timepoint == Timepoint.BASELINE
                ):
                    answers[4] = None  # one item left unanswered: the total counts five
                rows.append(
                    Administration(
                        participant=participant,
                        group=group,
                        instrument=instrument,
                        language="tr" if person_index % 2 else "nl",
                        mode=AdministrationMode.INTERVIEW_TRANSLATED
                        if person_index % 2
                        else AdministrationMode.INTERVIEW,
                        timepoint=timepoint,
                        administered_on=dates[timepoint],
                        administered_by=staff,
                        answers=answers,
                    )
                )
    Administration.objects.bulk_create(rows)


def _seed_plans(groups, staff_by_group, fallback_user, today) -> None:
    for index, route, status, summary, room, volunteers, leads, steps in PLANS:
        group = groups[index]
        plan, created = ContinuationPlan.objects.get_or_create(
            group=group,
            defaults={
                "route": route,
                "status": status,
                "summary": summary,
                "room": room,
                "volunteers": volunteers,
                "volunteer_leads": leads,
                "updated_by": staff_by_group.get(group.pk, fallback_user),
            },
        )
        if not created:
            continue
        for description, owner, due_in, done in steps:
            due_on = today + dt.timedelta(days=due_in)
            ContinuationStep.objects.create(
                plan=plan,
                description=description,
                owner=owner,
                due_on=due_on,
                done_on=min(due_on, today) if done else None,
            )


def seed_reporting(*, groups, staff_by_group, fallback_user) -> int:
    """Stories, two selection rounds, observations, questionnaires and continuation plans.
    `fallback_user` is the first organisation's project lead. Returns the number of
    stories of these groups."""
    today = timezone.localdate()
    stories = _seed_stories(groups, staff_by_group, fallback_user, today)
    _seed_rounds(groups, stories, staff_by_group, fallback_user, today)
    _seed_observations(groups, staff_by_group, fallback_user, today)
    _seed_measurement(groups, staff_by_group, fallback_user, today)
    _seed_plans(groups, staff_by_group, fallback_user, today)
    return Story.objects.filter(group__in=groups).count()
