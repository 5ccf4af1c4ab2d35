"""Attendance in seconds, and the follow-up calls.

The attendance sheet is one phone-sized screen: every participant enrolled on the
meeting's date with three big buttons. Each tap is a POST (htmx swaps the row; without
JavaScript the form posts and comes back to the sheet), saved at once; a repeated tap is
harmless. Volunteers may record attendance; programme coordinators never see it.

Every view: access rule → scoped fetch (meetings.selectors*, participants.selectors) →
form → service → redirect or render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import Need, can, rule_for
from participants.models import Participant
from participants.selectors import participant_get_for_user
from stetapp.access import SIGNED_IN, access
from stetapp.dates import short_datetime
from stetapp.exports import safe_filename
from stetapp.limits import download_limit
from stetapp.pdf import render_pdf
from stetapp.submission import submission_created, submission_once

from . import selectors, selectors_attendance, services_attendance
from .forms_attendance import (
    AttendanceMarkForm,
    FollowUpCallForm,
    GuestForm,
    PaperListForm,
    SyncMarkForm,
)
from .models import (
    Attendance,
    AttendanceStatus,
    FollowUpCall,
    Meeting,
    MeetingStatus,
    TapOutcome,
)
from .views_planning import not_started_page

MARKERS = rule_for(Need.WORK)
CALLERS = rule_for(Need.EDIT)


# --- the attendance sheet --------------------------------------------------------------


@dataclass
class Row:
    participant: Participant
    status: str  # "" when not marked yet

    @property
    def key(self) -> str:
        """The participant's id as the row's markup uses it (eight times a row): a string,
        so the template neither looks it up through the participant nor localises it."""
        return str(self.participant.pk)


@dataclass
class Count:
    enrolled: int
    marked: int
    present: int


def _count(people, marks: dict[int, str]) -> Count:
    statuses = [marks[p.pk] for p in people if p.pk in marks]
    return Count(
        enrolled=len(people),
        marked=len(statuses),
        present=sum(1 for s in statuses if s == AttendanceStatus.PRESENT),
    )


def _row_ctx(meeting) -> dict:
    """What every row of the sheet shares, made once for the page instead of once per
    row: where a tap goes and the three buttons' labels in the user's language."""
    return {
        "mark_url": reverse("attendance_mark", args=[meeting.pk]),
        "status_choices": [
            (value, capfirst(str(label))) for value, label in AttendanceStatus.choices
        ],
    }


def _sheet_ctx(meeting, *, guest_form=None) -> dict:
    """Everything the sheet shows, in two queries: the enrolled participants and every
    mark of the meeting (guests included)."""
    people = selectors_attendance.enrolled_on(meeting=meeting)
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
        # What the sheet says of each: who it is about and who made it, when.
        "held": list(
            selectors_attendance.held_taps(meeting=meeting).only(
                "guest_name",
                "is_trial",
                "status",
                "tapped_at",
                "participant__full_name",
                "tapped_by__full_name",
                "tapped_by__email",
            )
        ),
        "offline": _offline_config(meeting),
        **_row_ctx(meeting),
    }


def _count_text(count: Count) -> str:
    return _("%(marked)s of %(enrolled)s marked · %(present)s present") % {
        "marked": count.marked,
        "enrolled": count.enrolled,
        "present": count.present,
    }


def _offline_config(meeting) -> dict:
    """What the sheet's script needs to keep working without a connection (static/js/
    offline.js): where to send taps, the meeting's start as this page shows it, and the
    sentences it shows, translated here (a JSON data block: no inline script)."""
    return {
        "meeting": meeting.pk,
        "syncUrl": reverse("attendance_sync", args=[meeting.pk]),
        "startsAt": meeting.starts_at.isoformat(),
        "text": {
            "offline": _("No connection — %(n)s marks will be sent when you are online."),
            "offlineOne": _("No connection — 1 mark will be sent when you are online."),
            "sending": _("Sending %(n)s marks…"),
            "saved": _("All marks saved."),
            "signedOut": _(
                "You are signed out: %(n)s marks are kept on this phone. Sign in again "
                "to send them."
            ),
            "signedOutOne": _(
                "You are signed out: 1 mark is kept on this phone. Sign in again to send it."
            ),
            "refused": _("Some marks could not be saved; see the notes below."),
            "count": _("%(marked)s of %(enrolled)s marked · %(present)s present"),
            "guest": _("guest"),
            "trial": _("newcomer on trial"),
            "unmarked": _("not marked yet"),
            "changed": _("%(name)s: %(by)s changed the mark to %(status)s."),
        },
    }


def _when(moment) -> str:
    """A mark's time as the sheet says it: the time on the day it was made, the date too
    on another day."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.date_format(local, "H:i")
    return short_datetime(local)


def _replaced_text(replaced: services_attendance.Replaced) -> str:
    """One short line for the person whose tap replaced someone else's newer mark: who
    had marked what, and when (docs/decisions.md 46)."""
    return _("%(by)s had marked %(status)s at %(time)s") % {
        "by": replaced.by or _("someone else"),
        "status": AttendanceStatus(replaced.status).label,
        "time": _when(replaced.at),
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
    # Those who write the record get the next step after attendance, and resolve marks
    # kept aside (roles cached).
    ctx["can_record"] = ctx["can_resolve"] = can(request.user, meeting.group, Need.EDIT)
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
    people = selectors_attendance.enrolled_on(meeting=meeting)
    participant = next((p for p in people if p.pk == form.cleaned_data["participant"]), None)
    if participant is None:
        return _bad_request(request, _("This person is not in the group on the meeting's date."))
    try:
        saved = services_attendance.attendance_mark(
            meeting=meeting,
            participant=participant,
            status=form.cleaned_data["status"],
            marked_by=request.user,
            # An older page without the field: nothing to compare with.
            base=form.cleaned_data["base"] if "base" in request.POST else None,
        )
    except ValidationError as exc:
        return _bad_request(request, " ".join(exc.messages))
    note = _replaced_text(saved.replaced) if saved.replaced else ""
    if not request.htmx:
        if note:
            messages.info(request, f"{participant.full_name}: {note}")
        return redirect("attendance_sheet", pk=meeting.pk)
    marks = dict(
        Attendance.objects.filter(meeting=meeting, participant__isnull=False).values_list(
            "participant_id", "status"
        )
    )
    ctx = {
        "meeting": meeting,
        "row": Row(participant=participant, status=saved.mark.status),
        "count": _count(people, marks),
        "oob": True,
        "note": note,
        **_row_ctx(meeting),
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
                meeting=meeting,
                participants=selectors_attendance.enrolled_on(meeting=meeting),
                marked_by=request.user,
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
@submission_once(explicit=True)
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
            submission_created(request, reverse("attendance_sheet", args=[meeting.pk]))
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


# --- taps from a device's queue, and the offline sheets (docs/offline.md) --------------

MAX_BATCH = 500


def _outcome_message(outcome: str, *, name: str, result) -> str:
    status = str(AttendanceStatus(result.status).label) if result.status else ""
    if outcome == TapOutcome.APPLIED and result.replaced:
        return f"{name}: {_replaced_text(result.replaced)}"
    if outcome == TapOutcome.SUPERSEDED:
        return _("%(name)s: %(by)s marked %(status)s later; that mark stays.") % {
            "name": name,
            "by": result.by,
            "status": status,
        }
    if outcome == TapOutcome.KEPT:
        return _("%(name)s was already marked %(status)s by %(by)s; that mark stays.") % {
            "name": name,
            "by": result.by,
            "status": status,
        }
    if outcome == TapOutcome.HELD:
        return _(
            "%(name)s: the meeting was moved or cancelled after you marked, or has not "
            "started yet. Your mark is kept aside for the facilitator to apply or discard."
        ) % {"name": name}
    return ""


def _sheet_state(meeting, people) -> dict:
    marks = {}
    guests = []
    for mark in Attendance.objects.filter(meeting=meeting).select_related("marked_by"):
        if mark.participant_id is None:
            guests.append({"name": mark.guest_name, "is_trial": mark.is_trial})
        else:
            marks[mark.participant_id] = mark
    enrolled = {p.pk for p in people}
    statuses = {pk: m.status for pk, m in marks.items() if pk in enrolled}
    return {
        "marks": {
            str(pk): {"status": m.status, "by": str(m.marked_by or "")}
            for pk, m in marks.items()
            if pk in enrolled
        },
        "guests": guests,
        "countText": _count_text(_count(people, statuses)),
    }


@access(MARKERS)
@require_POST
@never_cache
def attendance_sync(request, pk):
    """A batch of taps from the phone's queue, as JSON: {"marks": [{client_id, tapped_at,
    participant | guest_name, status, base, only_if_unmarked, seen_starts_at}]}. Answers
    per tap what became of it ("applied", "duplicate", "superseded", "kept", "held",
    "refused", with a sentence for the person who tapped) and the sheet as it now is."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    try:
        payload = json.loads(request.body or b"{}")
        raw = payload["marks"]
        if not isinstance(raw, list) or len(raw) > MAX_BATCH:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("This is not a list of marks.")}, status=400)
    people = selectors_attendance.enrolled_on(meeting=meeting)
    by_pk = {p.pk: p for p in people}
    taps, results = [], []
    for item in raw:
        form = SyncMarkForm(item if isinstance(item, dict) else {})
        client_id = str(item.get("client_id", ""))[:40] if isinstance(item, dict) else ""
        if not form.is_valid():
            results.append(
                {"client_id": client_id, "outcome": "refused", "message": _("Not a valid mark.")}
            )
            continue
        data = form.cleaned_data
        participant = by_pk.get(data["participant"]) if data["participant"] else None
        if data["participant"] and participant is None:
            results.append(
                {
                    "client_id": client_id,
                    "outcome": "refused",
                    "message": _("This person is not in the group on the meeting's date."),
                }
            )
            continue
        taps.append(
            services_attendance.TapIn(
                client_id=data["client_id"],
                tapped_at=data["tapped_at"],
                status=AttendanceStatus.PRESENT if participant is None else data["status"],
                participant=participant,
                guest_name="" if participant else data["guest_name"],
                is_trial=bool(data["is_trial"]) and participant is None,
                base=data["base"] or "",
                only_if_unmarked=bool(data["only_if_unmarked"]),
                seen_starts_at=data["seen_starts_at"],
            )
        )
    for result in services_attendance.attendance_sync(
        meeting=meeting, taps=taps, tapped_by=request.user
    ):
        person = by_pk.get(result.participant_id) if result.participant_id else None
        results.append(
            {
                "client_id": result.client_id,
                "outcome": result.outcome,
                "participant": result.participant_id,
                "status": result.status,
                "by": result.by,
                "message": _outcome_message(
                    result.outcome, name=person.full_name if person else "", result=result
                ),
            }
        )
    return JsonResponse({"results": results, **_sheet_state(meeting, people)})


def _shell() -> list[str]:
    """The app shell a phone keeps: the stylesheets and scripts every page loads."""
    return [
        static(name)
        for name in (
            "vendor/bootstrap/bootstrap.min.css",
            "css/app.css",
            "vendor/bootstrap/bootstrap.bundle.min.js",
            "vendor/htmx/htmx.min.js",
            "js/app.js",
            "js/offline.js",
            "img/favicon.svg",
            "img/icon.svg",
        )
    ]


@access(SIGNED_IN)
@require_GET
@never_cache
def offline_data(request):
    """What the phone keeps for use without a connection (static/js/offline.js): the app
    shell, the offline list and the sheets of the meetings of the user's groups in the
    offline window (selectors_attendance.offline_window), and a fresh CSRF token to send
    taps with. No personal data: the names are only in the sheets themselves. A user
    without such meetings gets empty lists (and the phone keeps nothing)."""
    meetings = list(selectors_attendance.offline_meetings(user=request.user))
    sheets = [reverse("attendance_sheet", args=[m.pk]) for m in meetings]
    return JsonResponse(
        {
            "user": request.user.pk,
            "csrf": get_token(request),
            "maxAgeHours": OFFLINE_MAX_AGE_HOURS,
            "shell": _shell() if meetings else [],
            "pages": ([reverse("offline_list")] + sheets) if meetings else [],
            "meetings": [
                {"pk": m.pk, "sheet": url, "startsAt": m.starts_at.isoformat()}
                for m, url in zip(meetings, sheets, strict=True)
            ],
        }
    )


OFFLINE_MAX_AGE_HOURS = 48


@access(MARKERS)
@require_GET
def offline_list(request):
    """The attendance sheets this phone keeps for use without a connection; shown when
    stetapp is opened without one."""
    meetings = selectors_attendance.offline_meetings(user=request.user)
    return render(request, "meetings/offline_list.html", {"meetings": meetings})


@access(CALLERS)
@require_POST
def held_taps_resolve(request, pk):
    """The facilitator decides about marks kept aside: apply them to the meeting at its
    new date, or discard them. Explicit, for all of the meeting's kept marks at once."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    taps = list(selectors_attendance.held_taps(meeting=meeting))
    action = request.POST.get("action")
    if action == "apply":
        try:
            n = services_attendance.held_taps_apply(
                meeting=meeting,
                taps=taps,
                participants=selectors_attendance.enrolled_on(meeting=meeting),
                resolved_by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)d kept marks applied.") % {"n": n})
    elif action == "discard":
        n = services_attendance.held_taps_discard(
            meeting=meeting, taps=taps, resolved_by=request.user
        )
        messages.success(request, _("%(n)d kept marks discarded.") % {"n": n})
    else:
        return _bad_request(request, _("Choose apply or discard."))
    return redirect("attendance_sheet", pk=meeting.pk)


# --- the paper list ---------------------------------------------------------------------

GUEST_LINES = 5


def _paper_page(meeting) -> dict:
    return {
        "meeting": meeting,
        "people": selectors_attendance.enrolled_on(meeting=meeting),
        "guest_lines": range(GUEST_LINES),
    }


def _pdf_response(pdf: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{safe_filename(stem, "pdf")}"'
    response["Cache-Control"] = "no-store"
    return response


@access(MARKERS)
@require_GET
@download_limit()
def attendance_pdf(request, pk):
    """The meeting's attendance list on paper: the group's names with boxes for present,
    absent and excused, lines for guests, the date and the venue."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    ctx = {"group": meeting.group, "pages": [_paper_page(meeting)]}
    pdf = render_pdf("meetings/pdf/attendance_list.html", ctx, request=request)
    when = timezone.localtime(meeting.starts_at)
    return _pdf_response(pdf, f"{_('attendance')} {meeting.group.name} {when:%Y-%m-%d}")


@access(MARKERS)
@require_GET
@download_limit()
def series_attendance_pdf(request, pk):
    """The paper lists of a series' next N meetings (?n=, 5 unless given), one per page."""
    series = selectors_attendance.series_get_for_user(user=request.user, pk=pk)
    form = PaperListForm(request.GET)
    n = (form.cleaned_data["n"] if form.is_valid() else None) or 5
    meetings = (
        Meeting.objects.filter(series=series)
        .planned()
        .select_related("group", "venue")
        .order_by("starts_at")[:n]
    )
    ctx = {"group": series.group, "pages": [_paper_page(m) for m in meetings]}
    pdf = render_pdf("meetings/pdf/attendance_list.html", ctx, request=request)
    return _pdf_response(pdf, f"{_('attendance')} {series.group.name}")


# --- follow-up calls -------------------------------------------------------------------


@access(CALLERS)
@require_GET
def follow_up_list(request):
    """People to call: missed the last two meetings, or left without notice."""
    people = selectors_attendance.people_to_call(user=request.user)
    return render(request, "meetings/follow_up_list.html", {"people": people})


@access(CALLERS)
@require_http_methods(["GET", "POST"])
@submission_once
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
