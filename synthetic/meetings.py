"""Fictional meetings for the demo (called by `manage.py seed_demo` after the participants).

For every running group: a meeting every other week from the group's start until the end
of next year, the past ones held and recorded with attendance, one cancelled, an agreed
summer break, ideas on the co-creation board and the three basic agreements. Idempotent:
a group that already has meetings is left alone. Seeded by the group's name, so every
machine gets the same demo.
"""

import datetime as dt
import random

from django.utils import timezone

from groups.models import GroupStatus
from meetings.models import (
    ActivityKind,
    Attendance,
    AttendanceStatus,
    GroupBreak,
    Icebreaker,
    Idea,
    IdeaSource,
    IdeaStatus,
    Meeting,
    MeetingStatus,
    Theme,
)
from meetings.services import agreement_save, calendar_suggest, series_create
from participants.models import Enrolment

IDEAS = [
    ("Samen koken voor het Suikerfeest", ActivityKind.COOKING),
    ("Uitje naar de Keukenhof", ActivityKind.OUTING),
    ("Voorlichting door de huisarts over diabetes", ActivityKind.GUEST),
    ("Stoelyoga", ActivityKind.MOVEMENT),
    ("Borduren en verhalen vertellen", ActivityKind.CRAFTS),
    ("Bezoek aan de bibliotheek in de wijk", ActivityKind.OUTING),
]

BASICS = [
    {
        "nl": "Wat hier verteld wordt, blijft in de groep.",
        "en": "What is shared here stays in the group.",
    },
    {
        "nl": "We luisteren naar elkaar en laten elkaar uitpraten.",
        "en": "We listen to each other and let everyone finish.",
    },
    {"nl": "Elke vraag mag gesteld worden.", "en": "Every question is welcome."},
]


def seed_meetings(*, groups, staff_by_group, fallback_user) -> int:
    today = timezone.localdate()
    for organisation in {g.organisation for g in groups}:
        for year in (today.year - 1, today.year, today.year + 1):
            calendar_suggest(organisation=organisation, year=year)
    themes = list(Theme.objects.filter(organisation__isnull=True))
    icebreakers = list(Icebreaker.objects.filter(organisation__isnull=True))
    for group in groups:
        if group.status not in (GroupStatus.RUNNING, GroupStatus.CONTINUING):
            continue
        if Meeting.objects.filter(group=group).exists():
            continue
        rng = random.Random(f"meetings/{group.name}")  # noqa: S311 - demo data
        staff = staff_by_group.get(group.pk, fallback_user)
        first = group.start_date or dt.date(today.year - 1, 9, 1)
        # The first meeting on the group's weekday of choice (a Tuesday or a Thursday).
        first += dt.timedelta(days=(rng.choice([1, 3]) - first.weekday()) % 7)
        until = min(first + dt.timedelta(days=2 * 365), dt.date(today.year + 1, 12, 31))
        series_create(
            group=group,
            first_date=first,
            until_date=until,
            interval_weeks=2,
            start_time=dt.time(10),
            end_time=dt.time(12),
            venue=group.venue,
            created_by=staff,
        )
        GroupBreak.objects.get_or_create(
            group=group,
            starts_on=dt.date(today.year, 7, 15),
            ends_on=dt.date(today.year, 8, 31),
            defaults={"reason": "Zomer: veel deelnemers zijn op familiebezoek"},
        )
        enrolments = list(Enrolment.objects.filter(group=group).select_related("participant"))
        meetings = list(Meeting.objects.filter(group=group).order_by("starts_at"))
        for meeting in meetings:
            day = meeting.date
            if dt.date(today.year, 7, 15) <= day <= dt.date(today.year, 8, 31):
                meeting.status = MeetingStatus.CANCELLED
                meeting.change_reason = "Zomerpauze"
                meeting.save(update_fields=["status", "change_reason"])
                continue
            if day >= today:
                continue
            if rng.random() < 0.05:
                meeting.status = MeetingStatus.CANCELLED
                meeting.change_reason = "Locatie niet beschikbaar"
                meeting.save(update_fields=["status", "change_reason"])
                continue
            present_people = [
                e.participant
                for e in enrolments
                if e.joined_on <= day and (e.left_on is None or e.left_on > day)
            ]
            meeting.status = MeetingStatus.HELD
            meeting.language = group.languages[0] if group.languages else "nl"
            meeting.icebreaker = rng.choice(icebreakers) if icebreakers else None
            meeting.activities = rng.sample(list(ActivityKind.values), 2)
            meeting.recorded_by = staff
            meeting.save()
            meeting.themes.set(rng.sample(themes, min(2, len(themes))))
            if present_people and rng.random() < 0.4:
                meeting.organisers.set(rng.sample(present_people, min(2, len(present_people))))
            Attendance.objects.bulk_create(
                Attendance(
                    meeting=meeting,
                    participant=p,
                    marked_by=staff,
                    status=rng.choices(
                        [
                            AttendanceStatus.PRESENT,
                            AttendanceStatus.ABSENT,
                            AttendanceStatus.EXCUSED,
                        ],
                        weights=[80, 12, 8],
                    )[0],
                )
                for p in present_people
            )
        held = [m for m in meetings if m.status == MeetingStatus.HELD]
        people = [e.participant for e in enrolments]
        for i, (title, kind) in enumerate(IDEAS):
            done = i < 3 and len(held) > i
            Idea.objects.create(
                group=group,
                title=title,
                activity_kind=kind,
                source=IdeaSource.INTAKE if i % 2 else IdeaSource.MEETING,
                proposed_by=people[i % len(people)] if people and i != 4 else None,
                proposed_by_staff=staff if i == 4 else None,
                votes=rng.randint(2, 11),
                status=IdeaStatus.REVIEWED
                if done and i == 0
                else (
                    IdeaStatus.DONE if done else (IdeaStatus.PLANNED if i == 3 else IdeaStatus.IDEA)
                ),
                meeting=held[-(i + 1)] if done else None,
            )
        for text in BASICS:
            agreement_save(group=group, texts=text, agreed_on=first)
    return Meeting.objects.filter(group__in=groups).count()
