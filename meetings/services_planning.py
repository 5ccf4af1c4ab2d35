"""Writes for planning (views_planning.py): series and single meetings, moving and
cancelling, the meeting record, agreed breaks and the organisation's calendar. Atomic;
ValidationError with field errors on bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, Organisation, Venue
from participants.models import Participant, SocialService
from stetapp.services import UNSET, Unset, given, model_update

from .calendar import suggestions
from .models import (
    ACTIVITY_CODES,
    Attendance,
    CalendarEvent,
    CalendarFeed,
    EventSource,
    GroupBreak,
    Icebreaker,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Theme,
)
from .services_attendance import ensure_open

if TYPE_CHECKING:
    from stetapp.models import User

MAX_SERIES_MEETINGS = 60


class ConflictError(Exception):
    """The meeting record changed since the editor loaded it; nothing was saved."""


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


@transaction.atomic
def calendar_suggest(*, organisation: Organisation, year: int) -> int:
    """Store the computed dates for `year` as the organisation's calendar events, once.
    Returns how many were added; a suggestion the organisation changed or dismissed is
    left as it is."""
    added = 0
    for s in suggestions(school_region=organisation.school_region, year=year):
        _event, created = CalendarEvent.objects.get_or_create(
            organisation=organisation,
            suggestion_key=s.key,
            defaults={
                "name": s.name,
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "category": s.category,
                "source": s.source,
                "is_estimate": s.is_estimate,
            },
        )
        added += created
    return added


def _suggest_for_dates(organisation: Organisation, dates: Iterable[dt.date]) -> None:
    for year in sorted({d.year for d in dates}):
        calendar_suggest(organisation=organisation, year=year)


@transaction.atomic
def series_create(
    *,
    group: Group,
    first_date: dt.date,
    until_date: dt.date,
    interval_weeks: int,
    start_time: dt.time,
    end_time: dt.time,
    venue: Venue | None = None,
    created_by: User | None = None,
) -> MeetingSeries:
    """Plan a rhythm (e.g. every other Tuesday) and create its meetings. Holidays are
    not skipped: the planning page shows which dates clash, and the facilitator moves
    or cancels them."""
    series = MeetingSeries(
        group=group,
        first_date=first_date,
        until_date=until_date,
        interval_weeks=interval_weeks,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        created_by=created_by,
    )
    series.full_clean()
    if venue is not None and venue.organisation_id != group.organisation_id:
        raise ValidationError({"venue": _("Choose a venue of the group's organisation.")})
    days = []
    day = first_date
    while day <= until_date:
        days.append(day)
        day += dt.timedelta(weeks=interval_weeks)
    if len(days) > MAX_SERIES_MEETINGS:
        raise ValidationError(
            {
                "until_date": _("A series can hold at most %(n)d meetings.")
                % {"n": MAX_SERIES_MEETINGS}
            }
        )
    series.save()
    Meeting.objects.bulk_create(
        Meeting(
            group=group,
            series=series,
            starts_at=_aware(d, start_time),
            ends_at=_aware(d, end_time),
            venue=venue,
        )
        for d in days
    )
    _suggest_for_dates(group.organisation, days)
    return series


@transaction.atomic
def meeting_create(
    *, group: Group, starts_at: dt.datetime, ends_at: dt.datetime, venue: Venue | None = None
) -> Meeting:
    meeting = Meeting(group=group, starts_at=starts_at, ends_at=ends_at, venue=venue)
    meeting.full_clean()
    if venue is not None and venue.organisation_id != group.organisation_id:
        raise ValidationError({"venue": _("Choose a venue of the group's organisation.")})
    meeting.save()
    _suggest_for_dates(group.organisation, [timezone.localtime(starts_at).date()])
    return meeting


@transaction.atomic
def meeting_move(
    *, meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime, reason: str
) -> Meeting:
    """Move a meeting; the first planned time is kept in `moved_from`. Its attendance
    marks move with it (docs/decisions.md 35), so a meeting with marks took place and
    cannot move to a time that has not come yet."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting moves.")})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be moved; plan a new one."))
    if meeting.moved_from is None:
        meeting.moved_from = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    if not meeting.has_started() and meeting.attendance.exists():
        raise ValidationError(
            {
                "date": _(
                    "This meeting has attendance marks, so it took place: move it to when "
                    "it happened, not to a time still to come."
                )
            }
        )
    meeting.change_reason = reason.strip()
    meeting.full_clean()
    meeting.version = F("version") + 1
    meeting.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "moved_from",
            "change_reason",
            "version",
            "updated_at",
        ]
    )
    meeting.refresh_from_db()
    _suggest_for_dates(meeting.group.organisation, [meeting.date])
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, remove_marks: bool = False) -> Meeting:
    """Cancel a meeting. A cancelled meeting did not take place, so its attendance marks
    are removed (docs/decisions.md 35): only with `remove_marks`, which the cancel form
    asks the facilitator to confirm when there are marks."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    marks = Attendance.objects.filter(meeting_id=meeting.pk)
    if marks.exists():
        if not remove_marks:
            raise ValidationError(
                {"remove_marks": _("Confirm that the attendance marks are removed.")}
            )
        marks.delete()
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CANCELLED,
        change_reason=reason.strip(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    meeting.refresh_from_db()
    return meeting


RECORD_FIELDS = (
    "language",
    "other_themes",
    "icebreaker",
    "activities",
    "guest",
    "partner",
    "notes",
)


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    version: int,
    recorded_by: User,
    themes: Iterable[Theme] | None = None,
    organisers: Iterable[Participant] | None = None,
    language: str | Unset = UNSET,
    other_themes: str | Unset = UNSET,
    icebreaker: Icebreaker | None | Unset = UNSET,
    activities: Iterable[str] | Unset = UNSET,
    guest: str | Unset = UNSET,
    partner: SocialService | None | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> Meeting:
    """Save what happened at a meeting (RECORD_FIELDS, themes, organisers) and mark it
    held. Optimistic locking: a stale `version` raises ConflictError and saves nothing.
    The partner comes from the organisation's social map; organisers must be participants
    of the group's organisation."""
    current = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    if current.version != version:
        raise ConflictError
    ensure_open(current)
    if activities is not UNSET:
        activities = [a for a in activities if a]
        if set(activities) - ACTIVITY_CODES:
            raise ValidationError({"activities": _("Unknown activity.")})
    organisation_id = current.group.organisation_id
    if isinstance(partner, SocialService) and partner.organisation_id != organisation_id:
        raise ValidationError({"partner": _("Choose from your organisation's social map.")})
    if organisers is not None:
        organisers = list(organisers)
        if any(p.group.organisation_id != organisation_id for p in organisers):
            raise ValidationError({"organisers": _("Choose participants of this group.")})
    data = given(
        language=language,
        other_themes=other_themes,
        icebreaker=icebreaker,
        activities=activities,
        guest=guest,
        partner=partner,
        notes=notes,
    )
    data.update(status=MeetingStatus.HELD, recorded_by=recorded_by)
    model_update(instance=current, fields=(*RECORD_FIELDS, "status", "recorded_by"), data=data)
    # Every record save counts as an edit, changed or not: the version always moves on.
    Meeting.objects.filter(pk=current.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if themes is not None:
        current.themes.set(themes)
    if organisers is not None:
        current.organisers.set(organisers)
    current.refresh_from_db()
    return current


@transaction.atomic
def break_create(
    *, group: Group, starts_on: dt.date, ends_on: dt.date, reason: str = ""
) -> GroupBreak:
    """Record a break the group agreed on (e.g. the summer): its days are not counted as
    a gap between meetings."""
    agreed = GroupBreak(
        group=group, starts_on=starts_on, ends_on=ends_on, reason=" ".join(reason.split())
    )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A break ends on or after the day it starts.")})
    agreed.full_clean()
    agreed.save()
    return agreed


CALENDAR_EVENT_FIELDS = ("name", "starts_on", "ends_on", "category", "dismissed")


@transaction.atomic
def calendar_event_save(
    *,
    organisation: Organisation,
    event: CalendarEvent | None = None,
    name: str | Unset = UNSET,
    starts_on: dt.date | Unset = UNSET,
    ends_on: dt.date | Unset = UNSET,
    category: str | Unset = UNSET,
    dismissed: bool | Unset = UNSET,
) -> CalendarEvent:
    """Add a date the organisation plans around (event=None), or correct or dismiss one
    (only the CALENDAR_EVENT_FIELDS given change). A computed suggestion keeps its key, so
    calendar_suggest never brings it back."""
    if event is not None and event.organisation_id != organisation.pk:
        raise ValidationError(_("This date belongs to another organisation."))
    if name is not UNSET:
        name = " ".join(name.split())
    data = given(
        name=name, starts_on=starts_on, ends_on=ends_on, category=category, dismissed=dismissed
    )
    first = data.get("starts_on", event.starts_on if event else None)
    last = data.get("ends_on", event.ends_on if event else None)
    if first and last and last < first:
        raise ValidationError({"ends_on": _("The last day is on or after the first.")})
    if event is None:
        event = CalendarEvent(organisation=organisation, source=EventSource.MANUAL, **data)
        event.full_clean()
        event.save()
        return event
    event, _changed = model_update(instance=event, fields=CALENDAR_EVENT_FIELDS, data=data)
    return event


# --- calendar feed links (meetings.feeds) ----------------------------------------------


def _feed_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.STETAPP_CALENDAR_FEED_DAYS)


def calendar_feed_current(*, user: User, group: Group) -> CalendarFeed:
    """The person's current feed link for the group; the first time, a link of
    generation 0 that expires STETAPP_CALENDAR_FEED_DAYS from now (which also dates the
    links made before links expired). The caller has checked that the user sees the group."""
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, group=group, defaults={"expires_at": _feed_expiry()}
    )
    return feed


@transaction.atomic
def calendar_feed_renew(*, user: User, group: Group) -> CalendarFeed:
    """A new link for the person's feed: every older link stops working at once, and the
    new one works for STETAPP_CALENDAR_FEED_DAYS."""
    current = calendar_feed_current(user=user, group=group)
    feed = CalendarFeed.objects.select_for_update().get(pk=current.pk)
    feed.generation += 1
    feed.expires_at = _feed_expiry()
    feed.save(update_fields=["generation", "expires_at"])
    return feed
