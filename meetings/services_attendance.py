"""Writes for attendance and the follow-up calls (views_attendance.py). Atomic;
ValidationError with field errors on bad input."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from participants.models import Participant

from .models import (
    Attendance,
    AttendanceStatus,
    AttendanceTap,
    FollowUpCall,
    Meeting,
    MeetingStatus,
    TapOutcome,
)

if TYPE_CHECKING:
    from stetapp.models import User


def _who(user: User | None) -> str:
    return str(user) if user is not None else ""


@dataclass(frozen=True)
class Replaced:
    """A mark someone else made after the tapping device showed the sheet, which the tap
    replaced: what it was, who made it and when (docs/decisions.md 46)."""

    status: str
    by: str
    at: dt.datetime


def _replaced(mark: Attendance, *, base: str | None, status: str, marked_by) -> Replaced | None:
    """Whether saving `status` over `mark` replaces what someone else decided since the
    device showed `base` ("" for not marked; None: the device did not say)."""
    if base is None or mark.status in (base, status):
        return None
    if marked_by is not None and mark.marked_by_id == marked_by.pk:
        return None
    return Replaced(
        status=mark.status, by=_who(mark.marked_by), at=mark.tapped_at or mark.marked_at
    )


def _apply_mark(
    *,
    meeting: Meeting,
    participant: Participant,
    status: str,
    marked_by: User | None,
    tapped_at: dt.datetime,
    only_if_unmarked: bool = False,
    base: str | None = None,
) -> tuple[str, Attendance, Replaced | None]:
    """The conflict rule (docs/decisions.md, decision 40), in one place: the tap made
    latest (by the time it was made, `tapped_at`) decides a person's mark, whatever order
    the taps arrive in; an "everyone else present" tap never replaces a mark. Returns the
    outcome (TapOutcome), the person's mark as it now is and, when the tap replaced a mark
    someone else made since the device showed `base`, that mark (decision 46). A
    concurrent insert of the same row is retried as an update."""
    try:
        with transaction.atomic():
            mark = (
                Attendance.objects.select_for_update(of=("self",))
                .select_related("marked_by")
                .filter(meeting=meeting, participant=participant)
                .first()
            )
            if mark is None:
                mark = Attendance.objects.create(
                    meeting=meeting,
                    participant=participant,
                    status=status,
                    marked_by=marked_by,
                    tapped_at=tapped_at,
                )
                return TapOutcome.APPLIED, mark, None
    except IntegrityError:
        # Someone else inserted this person's row between our look-up and insert.
        mark = (
            Attendance.objects.select_for_update(of=("self",))
            .select_related("marked_by")
            .get(meeting=meeting, participant=participant)
        )
    if only_if_unmarked:
        return TapOutcome.KEPT, mark, None
    if tapped_at < (mark.tapped_at or mark.marked_at):
        return TapOutcome.SUPERSEDED, mark, None
    replaced = _replaced(mark, base=base, status=status, marked_by=marked_by)
    mark.status, mark.marked_by, mark.tapped_at = status, marked_by, tapped_at
    mark.save(update_fields=["status", "marked_by", "tapped_at", "marked_at"])
    return TapOutcome.APPLIED, mark, replaced


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


@dataclass(frozen=True)
class Marked:
    """A saved tap: the person's mark as it now is and, if the tap replaced a mark
    someone else made after the sheet was shown, that mark."""

    mark: Attendance
    replaced: Replaced | None = None


@transaction.atomic
def attendance_mark(
    *,
    meeting: Meeting,
    participant: Participant,
    status: str,
    marked_by,
    tapped_at: dt.datetime | None = None,
    base: str | None = None,
) -> Marked:
    """Mark one person. Repeating the same tap changes nothing; two people marking the
    same sheet at once never lose each other's marks (one row per person, created or
    updated). A tap made now (the default) is the latest and decides; an older
    `tapped_at` loses to a later tap already saved (decision 40). `base` is the mark the
    sheet showed ("" for none): when someone else changed it meanwhile, the tap still
    saves and the answer says what it replaced (decision 46)."""
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Unknown attendance status.")})
    ensure_open(meeting)
    now = timezone.now()
    _outcome, mark, replaced = _apply_mark(
        meeting=meeting,
        participant=participant,
        status=status,
        marked_by=marked_by,
        tapped_at=min(tapped_at or now, now),
        base=base,
    )
    return Marked(mark=mark, replaced=replaced)


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
    now = timezone.now()
    rows = [
        Attendance(
            meeting=meeting,
            participant=p,
            status=AttendanceStatus.PRESENT,
            marked_by=marked_by,
            tapped_at=now,
        )
        for p in participants
        if p.pk not in marked
    ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- taps sent from a device's queue (the offline sheet) -------------------------------


@dataclass(frozen=True)
class TapIn:
    """One tap as a device sends it. `participant` is None for a guest (`guest_name`);
    `seen_starts_at` is the meeting's start the device showed (a different start means
    the meeting was moved meanwhile)."""

    client_id: uuid.UUID
    tapped_at: dt.datetime
    status: str
    participant: Participant | None = None
    guest_name: str = ""
    is_trial: bool = False
    base: str = ""
    only_if_unmarked: bool = False
    seen_starts_at: dt.datetime | None = None


@dataclass(frozen=True)
class TapResult:
    """What became of one tap: `outcome` is a TapOutcome or "duplicate"; `status` and
    `by` are the person's mark on the server now and who made it."""

    client_id: str
    outcome: str
    status: str = ""
    by: str = ""
    participant_id: int | None = None
    replaced: Replaced | None = None


DUPLICATE = "duplicate"


def _moved_or_cancelled(meeting: Meeting, tap: TapIn, now: dt.datetime) -> bool:
    """Whether a tap must be kept aside: the meeting was cancelled, moved since the device
    saw it, or has not started (docs/decisions.md 35: nothing is recorded before it
    happens; a meeting that really took place earlier is moved first)."""
    if meeting.status == MeetingStatus.CANCELLED or not meeting.has_started(now):
        return True
    return tap.seen_starts_at is not None and tap.seen_starts_at != meeting.starts_at


def _result_for(tap: AttendanceTap, outcome: str, replaced: Replaced | None = None) -> TapResult:
    mark = None
    if tap.participant_id is not None:
        mark = (
            Attendance.objects.select_related("marked_by")
            .filter(meeting_id=tap.meeting_id, participant_id=tap.participant_id)
            .first()
        )
    return TapResult(
        client_id=str(tap.client_id),
        outcome=outcome,
        status=mark.status if mark else "",
        by=_who(mark.marked_by) if mark else "",
        participant_id=tap.participant_id,
        replaced=replaced,
    )


def _sync_one(*, meeting: Meeting, tap: TapIn, tapped_by: User, now: dt.datetime) -> TapResult:
    known = AttendanceTap.objects.filter(client_id=tap.client_id).first()
    if known is not None:
        return _result_for(known, DUPLICATE)
    replaced = None
    record = AttendanceTap(
        client_id=tap.client_id,
        meeting=meeting,
        participant=tap.participant,
        guest_name=tap.guest_name,
        is_trial=tap.is_trial,
        status=tap.status,
        only_if_unmarked=tap.only_if_unmarked,
        base=tap.base,
        tapped_at=min(tap.tapped_at, now),
        seen_starts_at=tap.seen_starts_at,
        tapped_by=tapped_by,
    )
    if _moved_or_cancelled(meeting, tap, now):
        record.outcome = TapOutcome.HELD
    elif tap.participant is None:
        Attendance.objects.create(
            meeting=meeting,
            guest_name=tap.guest_name,
            is_trial=tap.is_trial,
            status=AttendanceStatus.PRESENT,
            marked_by=tapped_by,
            tapped_at=record.tapped_at,
        )
        record.outcome = TapOutcome.APPLIED
    else:
        record.outcome, _mark, replaced = _apply_mark(
            meeting=meeting,
            participant=tap.participant,
            status=tap.status,
            marked_by=tapped_by,
            tapped_at=record.tapped_at,
            only_if_unmarked=tap.only_if_unmarked,
            base=tap.base,
        )
    record.save()
    return _result_for(record, record.outcome, replaced)


def attendance_sync(*, meeting: Meeting, taps: Sequence[TapIn], tapped_by: User) -> list[TapResult]:
    """Apply a batch of taps from a device's queue, in the order they were made. A tap
    whose client id was seen before changes nothing ("duplicate"); a tap arriving late
    still counts by the time it was made (decision 40); a tap for a meeting cancelled or
    moved meanwhile is kept aside ("held") for the facilitator (`held_taps_apply`,
    `held_taps_discard`). Each tap is its own transaction: one bad tap never loses the
    others."""
    now = timezone.now()
    results = []
    for tap in sorted(taps, key=lambda t: t.tapped_at):
        if tap.status not in AttendanceStatus.values:
            raise ValidationError({"status": _("Unknown attendance status.")})
        try:
            with transaction.atomic():
                results.append(_sync_one(meeting=meeting, tap=tap, tapped_by=tapped_by, now=now))
        except IntegrityError:
            # The same tap arrived twice at once: the other request saved it.
            known = AttendanceTap.objects.get(client_id=tap.client_id)
            results.append(_result_for(known, DUPLICATE))
    return results


@transaction.atomic
def held_taps_apply(
    *,
    meeting: Meeting,
    taps: Sequence[AttendanceTap],
    participants: Sequence[Participant],
    resolved_by: User,
) -> int:
    """Apply taps kept aside to the meeting at its new date, by the same rule as every
    tap (the latest by the time it was made wins). `participants` are the people enrolled
    on the new date; a tap for anyone else stays aside. Returns how many were applied."""
    ensure_open(meeting)
    enrolled = {p.pk: p for p in participants}
    now = timezone.now()
    applied = 0
    for tap in taps:
        if tap.participant_id is None:
            Attendance.objects.create(
                meeting=meeting,
                guest_name=tap.guest_name,
                is_trial=tap.is_trial,
                status=AttendanceStatus.PRESENT,
                marked_by=tap.tapped_by,
                tapped_at=tap.tapped_at,
            )
        elif tap.participant_id in enrolled:
            _apply_mark(
                meeting=meeting,
                participant=enrolled[tap.participant_id],
                status=tap.status,
                marked_by=tap.tapped_by,
                tapped_at=tap.tapped_at,
                only_if_unmarked=tap.only_if_unmarked,
            )
        else:
            continue
        tap.outcome, tap.resolved_by, tap.resolved_at = TapOutcome.RESOLVED, resolved_by, now
        tap.save(update_fields=["outcome", "resolved_by", "resolved_at"])
        applied += 1
    return applied


@transaction.atomic
def held_taps_discard(*, meeting: Meeting, taps: Sequence[AttendanceTap], resolved_by: User) -> int:
    """Discard taps kept aside, explicitly: they stay in the table, marked discarded, with
    who decided and when. Returns how many."""
    ids = [t.pk for t in taps]
    return AttendanceTap.objects.filter(
        pk__in=ids, meeting=meeting, outcome=TapOutcome.HELD
    ).update(outcome=TapOutcome.DISCARDED, resolved_by=resolved_by, resolved_at=timezone.now())


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
