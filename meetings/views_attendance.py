"""Attendance in seconds, and the follow-up calls.

The attendance sheet is one phone-sized screen: every participant enrolled on the
meeting's date with three big buttons. Each tap is a POST (htmx swaps the row; without
JavaScript the form posts and comes back to the sheet), saved at once; a repeated tap is
harmless. Volunteers may record attendance; programme coordinators never see it.

Every view: access rule → scoped fetch (meetings.selectors*, participants.selectors) →
form → service → redirect or render.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import Need, can, rule_for
from participants.models import Enrolment, Participant
from participants.selectors import participant_get_for_user
from stetapp.access import access

from . import selectors, selectors_attendance, services_attendance
from .forms_attendance import AttendanceMarkForm, FollowUpCallForm, GuestForm
from .models import Attendance, AttendanceStatus, FollowUpCall, MeetingStatus
from .views_planning import not_started_page

MARKERS = rule_for(Need.WORK)
CALLERS = rule_for(Need.EDIT)


# --- the attendance sheet --------------------------------------------------------------


@dataclass
class Row:
    participant: Participant
    status: str  # "" when not marked yet


@dataclass
class Count:
    enrolled: int
    marked: int
    present: int


def _enrolled(meeting):
    """The participants enrolled in the meeting's group on its date, by name. One query."""
    return [
        e.participant
        for e in Enrolment.objects.current(meeting.date)
        .filter(group_id=meeting.group_id)
        .select_related("participant")
        .order_by("participant__full_name", "participant_id")
    ]


def _count(people, marks: dict[int, str]) -> Count:
    statuses = [marks[p.pk] for p in people if p.pk in marks]
    return Count(
        enrolled=len(people),
        marked=len(statuses),
        present=sum(1 for s in statuses if s == AttendanceStatus.PRESENT),
    )


def _sheet_ctx(meeting, *, guest_form=None) -> dict:
    """Everything the sheet shows, in two queries: the enrolled participants and every
    mark of the meeting (guests included)."""
    people = _enrolled(meeting)
    marks: dict[int, str] = {}
    guests = []
    for mark in Attendance.objects.filter(meeting=meeting).order_by("pk"):
        if mark.participant_id is None:
            guests.append(mark)
        else:
            marks[mark.participant_id] = mark.status
    return {
        "meeting": meeting,
        "group": meeting.group,
        "rows": [Row(participant=p, status=marks.get(p.pk, "")) for p in people],
        "count": _count(people, marks),
        "guests": guests,
        "guest_form": guest_form or GuestForm(),
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
        "statuses": AttendanceStatus,
    }


def _bad_request(request, message: str):
    messages.error(request, message)
    return render(request, "400.html", status=400)


@access(MARKERS)
@require_GET
def attendance_sheet(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    if meeting.status != MeetingStatus.CANCELLED and not meeting.has_started():
        # Nothing is recorded before it happens (docs/decisions.md 35).
        return not_started_page(request, meeting, then="attendance")
    ctx = _sheet_ctx(meeting)
    # The next step after attendance, for those who write the record (roles cached).
    ctx["can_record"] = can(request.user, meeting.group, Need.EDIT)
    return render(request, "meetings/attendance_sheet.html", ctx)


@access(MARKERS)
@require_POST
def attendance_mark(request, pk):
    """One tap: participant + status. htmx gets the row back (and the live count, out of
    band); a plain form post goes back to the sheet. 400 for anything invalid."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    form = AttendanceMarkForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, _("Choose a person and present, absent or excused."))
    if meeting.status == MeetingStatus.CANCELLED:
        return _bad_request(request, _("This meeting was cancelled: there is no attendance."))
    people = _enrolled(meeting)
    participant = next((p for p in people if p.pk == form.cleaned_data["participant"]), None)
    if participant is None:
        return _bad_request(request, _("This person is not in the group on the meeting's date."))
    try:
        mark = services_attendance.attendance_mark(
            meeting=meeting,
            participant=participant,
            status=form.cleaned_data["status"],
            marked_by=request.user,
        )
    except ValidationError as exc:
        return _bad_request(request, " ".join(exc.messages))
    if not request.htmx:
        return redirect("attendance_sheet", pk=meeting.pk)
    marks = dict(
        Attendance.objects.filter(meeting=meeting, participant__isnull=False).values_list(
            "participant_id", "status"
        )
    )
    ctx = {
        "meeting": meeting,
        "row": Row(participant=participant, status=mark.status),
        "count": _count(people, marks),
        "statuses": AttendanceStatus,
        "oob": True,
    }
    return render(request, "meetings/_attendance_row.html", ctx)


@access(MARKERS)
@require_POST
def attendance_rest_present(request, pk):
    """Everyone without a mark yet is present; marks already made stay."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("This meeting was cancelled: there is no attendance."))
    else:
        try:
            n = services_attendance.attendance_mark_rest_present(
                meeting=meeting, participants=_enrolled(meeting), marked_by=request.user
            )
        except ValidationError as exc:  # not started yet
            return _bad_request(request, " ".join(exc.messages))
        if not request.htmx:
            messages.success(
                request,
                _("%(n)d more marked present.") % {"n": n},
            )
    if request.htmx:
        return render(request, "meetings/attendance_sheet.html", _sheet_ctx(meeting))
    return redirect("attendance_sheet", pk=meeting.pk)


@access(MARKERS)
@require_POST
def attendance_guest(request, pk):
    """Add a guest or a newcomer on trial, marked present."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    form = GuestForm(request.POST)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, _("This meeting was cancelled: there is no attendance."))
    elif form.is_valid():
        try:
            guest = services_attendance.attendance_add_guest(
                meeting=meeting,
                name=form.cleaned_data["name"],
                is_trial=form.cleaned_data["is_trial"],
                marked_by=request.user,
            )
        except ValidationError as exc:
            form.add_error("name", " ".join(exc.messages))
        else:
            if request.htmx:
                form = None
            else:
                messages.success(request, _("%(name)s added.") % {"name": guest.guest_name})
    if request.htmx:
        return render(
            request, "meetings/attendance_sheet.html", _sheet_ctx(meeting, guest_form=form)
        )
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("attendance_sheet", pk=meeting.pk)


# --- follow-up calls -------------------------------------------------------------------


@access(CALLERS)
@require_GET
def follow_up_list(request):
    """People to call: missed the last two meetings, or left without notice."""
    people = selectors_attendance.people_to_call(user=request.user)
    return render(request, "meetings/follow_up_list.html", {"people": people})


@access(CALLERS)
@require_http_methods(["GET", "POST"])
def follow_up_call_create(request, pk):
    participant = participant_get_for_user(user=request.user, pk=pk, write=True)
    form = FollowUpCallForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services_attendance.follow_up_record(
                participant=participant, called_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request, _("Call with %(name)s logged.") % {"name": participant.full_name}
            )
            return redirect("follow_up_list")
    calls = (
        FollowUpCall.objects.visible_to(request.user)
        .filter(participant=participant)
        .select_related("called_by")
    )
    ctx = {"form": form, "participant": participant, "calls": calls}
    return render(request, "meetings/follow_up_form.html", ctx)
