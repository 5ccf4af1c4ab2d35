"""Meeting builders: for every running group a series of meetings from its start (or
from some weeks back) into the future, the past ones held and recorded with attendance,
a few cancelled, an agreed summer break, ideas on the co-creation board and the three
basic agreements.

A group that already has meetings is left alone, so the demo can run again. Seeded by the
group's name, so every machine gets the same meetings. Rows are written in bulk: a few
queries per batch of groups, whatever their number.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from groups.models import GroupStatus
from meetings.models import (
    ActivityKind,
    AgreementText,
    Attendance,
    AttendanceStatus,
    GroupAgreement,
    GroupBreak,
    Icebreaker,
    Idea,
    IdeaSource,
    IdeaStatus,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Theme,
)
from meetings.services_planning import calendar_suggest
from participants.models import Enrolment

from .base import BATCH, aware, insert

START, END = dt.time(10), dt.time(12)
CANCEL_CHANCE = 0.05
ATTENDANCE = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]
ATTENDANCE_WEIGHTS = [80, 12, 8]

IDEAS = [
    ("Samen koken voor het Suikerfeest", ActivityKind.COOKING),
    ("Uitje naar de Keukenhof", ActivityKind.OUTING),
    ("Voorlichting door de huisarts over diabetes", ActivityKind.GUEST),
    ("Stoelyoga", ActivityKind.MOVEMENT),
    ("Borduren en verhalen vertellen", ActivityKind.CRAFTS),
    ("Bezoek aan de bibliotheek in de wijk", ActivityKind.OUTING),
]

# The three basic agreements, in Dutch and in the languages of the groups that speak
# Turkish or Arabic (written for this demo), so the agreements page and its PDF show a
# right-to-left script. A group gets Dutch and those of its own languages listed here.
BASICS = [
    {
        "nl": "Wat hier verteld wordt, blijft in de groep.",
        "tr": "Burada anlatılanlar grupta kalır.",
        "ar": "ما يُقال هنا يبقى داخل المجموعة.",
    },
    {
        "nl": "We luisteren naar elkaar en laten elkaar uitpraten.",
        "tr": "Birbirimizi dinleriz ve herkesin sözünü bitirmesine izin veririz.",
        "ar": "نستمع إلى بعضنا ونترك كل واحد يُكمل كلامه.",
    },
    {
        "nl": "Elke vraag mag gesteld worden.",
        "tr": "Her soru sorulabilir.",
        "ar": "كل سؤال مرحَّب به.",
    },
]


def agreement_languages(group) -> list[str]:
    """Dutch, then the group's own languages that BASICS is written in."""
    return ["nl"] + [code for code in ("tr", "ar") if code in (group.languages or [])]


def holiday_suggestions(organisations, *, years) -> None:
    """The dates to plan around (holidays, Ramadan, the Eids) for each organisation."""
    for organisation in organisations:
        for year in years:
            calendar_suggest(organisation=organisation, year=year)


def meetings(
    groups,
    *,
    staff_by_group: dict,
    fallback_user,
    today: dt.date | None = None,
    interval_weeks: int = 2,
    weeks_back: int | None = None,
    weeks_ahead: int | None = None,
    trial_guests: bool = False,
    last_unrecorded: bool = False,
) -> dict[int, list[Meeting]]:
    """Meetings of every running or continuing group that has none yet, on a Tuesday or
    Thursday every `interval_weeks` weeks: from the group's start (or `weeks_back` weeks
    ago) for two years but not past the end of next year (or until `weeks_ahead` weeks
    from today). With `trial_guests` every tenth held meeting has a newcomer on trial.
    With `last_unrecorded` the most recent past meeting is left as planned, without
    attendance: the one the facilitator still has to record. Returns the new meetings per
    group id, in date order."""
    today = today or timezone.localdate()
    summer = (dt.date(today.year, 7, 15), dt.date(today.year, 8, 31))
    running = [g for g in groups if g.status in (GroupStatus.RUNNING, GroupStatus.CONTINUING)]
    planned = set(
        Meeting.objects.filter(group__in=running).values_list("group_id", flat=True).distinct()
    )
    running = [g for g in running if g.pk not in planned]
    themes = list(Theme.objects.filter(organisation__isnull=True))
    icebreakers = list(Icebreaker.objects.filter(organisation__isnull=True))
    enrolments = defaultdict(list)
    for e in Enrolment.objects.filter(group__in=running).order_by("-joined_on", "pk"):
        enrolments[e.group_id].append(e)

    series, breaks, agreements, texts, ideas = [], [], [], [], []
    by_group: dict[int, list[Meeting]] = {}
    theme_links, organiser_links, marks = [], [], []  # (meeting, id) pairs and unsaved marks
    for group in running:
        rng = random.Random(f"meetings/{group.name}")  # noqa: S311 - fictional data
        staff = staff_by_group.get(group.pk, fallback_user)
        if weeks_back is None:
            first = group.start_date or dt.date(today.year - 1, 9, 1)
        else:
            first = today - dt.timedelta(weeks=weeks_back)
        # The first meeting on the group's weekday of choice (a Tuesday or a Thursday).
        first += dt.timedelta(days=(rng.choice([1, 3]) - first.weekday()) % 7)
        if weeks_ahead is None:
            until = min(first + dt.timedelta(days=2 * 365), dt.date(today.year + 1, 12, 31))
        else:
            until = today + dt.timedelta(weeks=weeks_ahead)
        plan = MeetingSeries(
            group=group,
            first_date=first,
            until_date=until,
            interval_weeks=interval_weeks,
            start_time=START,
            end_time=END,
            venue=group.venue,
            created_by=staff,
        )
        series.append(plan)
        breaks.append(
            GroupBreak(
                group=group,
                starts_on=summer[0],
                ends_on=summer[1],
                reason="Zomer: veel deelnemers zijn op familiebezoek",
            )
        )
        group_meetings = by_group[group.pk] = []
        held: list[Any] = []
        day = first
        # The last meeting day before today outside the summer break.
        last_past = max(
            (
                d
                for d in (
                    first + dt.timedelta(weeks=interval_weeks * k)
                    for k in range((until - first).days // (7 * interval_weeks) + 1)
                )
                if d < today and not summer[0] <= d <= summer[1]
            ),
            default=None,
        )
        while day <= until:
            meeting = Meeting(
                group=group,
                series=plan,
                starts_at=aware(day, START),
                ends_at=aware(day, END),
                venue=group.venue,
            )
            group_meetings.append(meeting)
            if summer[0] <= day <= summer[1]:
                meeting.status = MeetingStatus.CANCELLED
                meeting.change_reason = "Zomerpauze"
            elif last_unrecorded and day == last_past:
                pass  # planned, still to record
            elif day < today and rng.random() < CANCEL_CHANCE:
                meeting.status = MeetingStatus.CANCELLED
                meeting.change_reason = "Locatie niet beschikbaar"
            elif day < today:
                present = [
                    e.participant_id
                    for e in enrolments[group.pk]
                    if e.joined_on <= day and (e.left_on is None or e.left_on > day)
                ]
                meeting.status = MeetingStatus.HELD
                meeting.language = group.languages[0] if group.languages else "nl"
                meeting.icebreaker = rng.choice(icebreakers) if icebreakers else None
                meeting.activities = rng.sample(list(ActivityKind.values), 2)
                meeting.recorded_by = staff
                theme_links += [(meeting, t.pk) for t in rng.sample(themes, min(2, len(themes)))]
                if present and rng.random() < 0.4:
                    organiser_links += [
                        (meeting, pk) for pk in rng.sample(present, min(2, len(present)))
                    ]
                marks += [
                    Attendance(
                        meeting=meeting,
                        participant_id=pk,
                        marked_by=staff,
                        status=rng.choices(ATTENDANCE, weights=ATTENDANCE_WEIGHTS)[0],
                    )
                    for pk in present
                ]
                if trial_guests and len(held) % 10 == 3:
                    marks.append(
                        Attendance(
                            meeting=meeting,
                            guest_name="Gast op proef",
                            is_trial=True,
                            status=AttendanceStatus.PRESENT,
                            marked_by=staff,
                        )
                    )
                held.append(meeting)
            day += dt.timedelta(weeks=interval_weeks)
        people = [e.participant_id for e in enrolments[group.pk]]
        for i, (title, kind) in enumerate(IDEAS):
            done = i < 3 and len(held) > i
            ideas.append(
                Idea(
                    group=group,
                    title=title,
                    activity_kind=kind,
                    source=IdeaSource.INTAKE if i % 2 else IdeaSource.MEETING,
                    proposed_by_id=people[i % len(people)] if people and i != 4 else None,
                    proposed_by_staff=staff if i == 4 else None,
                    votes=rng.randint(2, 11),
                    status=IdeaStatus.REVIEWED
                    if done and i == 0
                    else (
                        IdeaStatus.DONE
                        if done
                        else (IdeaStatus.PLANNED if i == 3 else IdeaStatus.IDEA)
                    ),
                    meeting=held[-(i + 1)] if done else None,
                )
            )
        for position, text in enumerate(BASICS, start=1):
            agreement = GroupAgreement(group=group, position=position, agreed_on=first)
            agreements.append(agreement)
            texts += [
                AgreementText(agreement=agreement, language=code, text=text[code])
                for code in agreement_languages(group)
            ]

    MeetingSeries.objects.bulk_create(series, batch_size=BATCH)
    GroupBreak.objects.bulk_create(breaks, batch_size=BATCH)
    Meeting.objects.bulk_create([m for ms in by_group.values() for m in ms], batch_size=BATCH)
    insert(
        Meeting.themes.through,
        (Meeting.themes.through(meeting_id=m.pk, theme_id=pk) for m, pk in theme_links),
    )
    insert(
        Meeting.organisers.through,
        (
            Meeting.organisers.through(meeting_id=m.pk, participant_id=pk)
            for m, pk in organiser_links
        ),
    )
    insert(Attendance, marks)
    insert(Idea, ideas)
    GroupAgreement.objects.bulk_create(agreements, batch_size=BATCH)
    insert(AgreementText, texts)
    return by_group
