"""Writes for attendance and the follow-up calls (views_attendance.py). Atomic;
ValidationError with field errors on bad input."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from participants.models import Participant

from .models import Attendance, AttendanceStatus, FollowUpCall, Meeting, MeetingStatus


def ensure_open(meeting: Meeting) -> None:
    """Attendance and the record are for a meeting that has started and is not cancelled
    (Meeting.has_started, docs/decisions.md 35): nothing is recorded that has not
    happened. Every write of attendance or of the record calls this first."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if not meeting.has_started():
        start = timezone.localtime(meeting.starts_at)
        raise ValidationError(
            _("This meeting has not started yet: it opens on %(day)s at %(time)s.")
            % {
                "day": formats.date_format(start, "DATE_FORMAT"),
                "time": formats.time_format(start, "TIME_FORMAT"),
            },
            code="not_started",
        )


@transaction.atomic
def attendance_mark(
    *, meeting: Meeting, participant: Participant, status: str, marked_by
) -> Attendance:
    """Mark one person. Repeating the same tap changes nothing; two people marking the
    same sheet at once never lose each other's marks (one row per person, created or
    updated; a concurrent insert of the same row is retried as an update)."""
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Unknown attendance status.")})
    ensure_open(meeting)
    defaults = {"status": status, "marked_by": marked_by}
    try:
        with transaction.atomic():
            mark, _created = Attendance.objects.update_or_create(
                meeting=meeting, participant=participant, defaults=defaults
            )
    except IntegrityError:
        # Someone else inserted this person's row between our look-up and insert.
        mark = Attendance.objects.select_for_update().get(meeting=meeting, participant=participant)
        mark.status, mark.marked_by = status, marked_by
        mark.save(update_fields=["status", "marked_by", "marked_at"])
    return mark


@transaction.atomic
def attendance_mark_rest_present(*, meeting: Meeting, participants, marked_by) -> int:
    """Mark everyone in `participants` who has no mark yet as present (one tap for the
    whole group; marks already made stay). Returns how many were marked."""
    ensure_open(meeting)
    marked = set(
        Attendance.objects.filter(meeting=meeting, participant__isnull=False).values_list(
            "participant_id", flat=True
        )
    )
    rows = [
        Attendance(
            meeting=meeting, participant=p, status=AttendanceStatus.PRESENT, marked_by=marked_by
        )
        for p in participants
        if p.pk not in marked
    ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def attendance_add_guest(*, meeting: Meeting, name: str, is_trial: bool, marked_by) -> Attendance:
    """Someone who came without being enrolled: a guest, or a newcomer trying the group."""
    ensure_open(meeting)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if len(name) > 150:
        raise ValidationError({"name": _("Use at most 150 characters.")})
    return Attendance.objects.create(
        meeting=meeting,
        guest_name=name,
        is_trial=is_trial,
        status=AttendanceStatus.PRESENT,
        marked_by=marked_by,
    )


@transaction.atomic
def follow_up_record(
    *,
    participant: Participant,
    called_by,
    outcome: str,
    notes: str = "",
    called_at: dt.datetime | None = None,
) -> FollowUpCall:
    call = FollowUpCall(
        participant=participant,
        called_by=called_by,
        outcome=outcome,
        notes=notes.strip(),
        called_at=called_at or timezone.now(),
    )
    call.full_clean()
    call.save()
    return call
