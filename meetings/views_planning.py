"""Planning meetings and the meeting record: the group's plan with its cadence and
holiday clashes, series and single meetings, agreed breaks, moving and cancelling, what
happened at a meeting, the organisation's calendar of dates to plan around, and the
private calendar feed.

Every view: access rule → scoped fetch (404 out of scope) → write check (403 for a
read-only role) → form → service → redirect with a message, or render. Facilitators and
project leads plan; volunteers and programme coordinators read the plan. Meeting notes
and participant names are for the group's staff and the project lead only.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from groups.access import Need, can, group_get_for_user, groups_worked_in, rule_for
from groups.models import Group, Organisation
from stetapp.access import PUBLIC, access, get_visible_or_404
from stetapp.conflicts import saved_by
from stetapp.forms import apply_validation_error
from stetapp.submission import submission_once

from . import selectors, selectors_attendance, selectors_planning, services_planning
from .feeds import feed_resolve, feed_token
from .forms_planning import (
    FIRST_YEAR,
    LAST_YEAR,
    BreakForm,
    CalendarEventEditForm,
    CalendarEventForm,
    CancelForm,
    MeetingForm,
    MeetingRecordForm,
    MoveForm,
    SeriesForm,
    SuggestForm,
    TookPlaceForm,
)
from .models import (
    ActivityKind,
    CalendarEvent,
    CalendarFeed,
    GroupBreak,
    Meeting,
    MeetingStatus,
)

READERS = rule_for(Need.READ)
PLANNERS = rule_for(Need.EDIT)


def _posted(request):
    """The submitted data, or None on GET: an empty POST still shows its errors."""
    return request.POST if request.method == "POST" else None


def _event_label(event: CalendarEvent) -> str:
    if event.is_estimate:
        return _("%(name)s – estimated date") % {"name": event.name}
    return event.name


def _warn_about_clashes(request, group: Group, dates) -> None:
    """A warning listing the new dates that fall on a holiday; never a block."""
    conflicts = selectors_planning.calendar_conflicts(
        organisation_id=group.organisation_id, dates=dates
    )
    if not conflicts:
        return
    lines = [
        "{}: {}".format(
            formats.date_format(day, "DATE_FORMAT"),
            ", ".join(_event_label(e) for e in events),
        )
        for day, events in sorted(conflicts.items())
    ]
    messages.warning(
        request,
        _("Check these dates: %(dates)s. Move or cancel a meeting if the group will not come.")
        % {"dates": "; ".join(lines)},
    )


# --- the group's plan ------------------------------------------------------------------


@access(READERS)
@require_GET
def group_meetings(request, pk):
    user = request.user
    # 1 query: the group (with organisation, city, venue) through visible_to.
    group = group_get_for_user(user=user, pk=pk)
    now = timezone.now()
    # 1 query: every meeting of the group with its venue.
    meetings = list(
        Meeting.objects.filter(group=group).select_related("venue").order_by("starts_at")
    )
    upcoming = [m for m in meetings if m.ends_at >= now]
    past = [m for m in reversed(meetings) if m.ends_at < now]
    # 1 query: the holidays covering the upcoming dates.
    conflicts = selectors_planning.calendar_conflicts(
        organisation_id=group.organisation_id,
        dates=[m.date for m in upcoming if m.status != MeetingStatus.CANCELLED],
    )
    for meeting in upcoming:
        meeting.clashes = (
            []
            if meeting.status == MeetingStatus.CANCELLED
            else [_event_label(e) for e in conflicts.get(meeting.date, [])]
        )
    # 2 queries: the counting meetings and the agreed breaks.
    cadence = selectors_planning.group_cadence(group=group)
    # 1 query: the agreed breaks, to list them.
    breaks = list(GroupBreak.objects.filter(group=group).order_by("starts_on"))
    # 1 query: may this user plan?
    can_plan = can(user, group, Need.EDIT)
    # 1 query (2 the first time): the person's feed link, made on first sight.
    feed = services_planning.calendar_feed_current(user=user, group=group)
    token = feed_token(user=user, group=group, generation=feed.generation)
    feed_url = request.build_absolute_uri(reverse("group_ical_feed", kwargs={"token": token}))
    ctx = {
        "group": group,
        "upcoming": upcoming,
        "past": past,
        "cadence": cadence,
        "window_last": cadence.window_end - dt.timedelta(days=1),
        "minimum": selectors_planning.MIN_MEETINGS_PER_YEAR,
        "max_gap": selectors_planning.MAX_GAP_DAYS,
        "breaks": breaks,
        "can_plan": can_plan,
        "feed_url": feed_url,
        "feed_expires_at": feed.expires_at,
        "feed_expired": feed.is_expired(now=now),
    }
    return render(request, "meetings/group_meetings.html", ctx)


@access(READERS)
@require_http_methods(["POST"])
def calendar_feed_renew(request, pk):
    """The person's own feed link for the group is replaced: the old one stops working
    (a link that was shared by mistake, or one that expired)."""
    group = group_get_for_user(user=request.user, pk=pk)
    feed = services_planning.calendar_feed_renew(user=request.user, group=group)
    messages.success(
        request,
        _(
            "You have a new calendar address, valid until %(date)s. The old one no longer "
            "works: replace it in your calendar app."
        )
        % {"date": formats.date_format(timezone.localdate(feed.expires_at), "DATE_FORMAT")},
    )
    return redirect(reverse("group_meetings", args=[group.pk]) + "#feed-heading")


# --- planning --------------------------------------------------------------------------


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
@submission_once
def series_create(request, pk):
    group = group_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    form = SeriesForm(_posted(request), group=group)
    if request.method == "POST" and form.is_valid():
        try:
            series = services_planning.series_create(
                group=group, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            dates = [m.date for m in series.meetings.all()]
            messages.success(
                request,
                ngettext("%(count)d meeting planned.", "%(count)d meetings planned.", len(dates))
                % {"count": len(dates)},
            )
            _warn_about_clashes(request, group, dates)
            return redirect("group_meetings", pk=group.pk)
    ctx = {"form": form, "group": group}
    return render(request, "meetings/series_form.html", ctx)


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
@submission_once
def meeting_create(request, pk):
    group = group_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    form = MeetingForm(_posted(request), group=group)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.starts_and_ends()
        try:
            meeting = services_planning.meeting_create(
                group=group,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=form.cleaned_data["venue"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Meeting planned on %(date)s.")
                % {"date": formats.date_format(meeting.date, "DATE_FORMAT")},
            )
            _warn_about_clashes(request, group, [meeting.date])
            return redirect("group_meetings", pk=group.pk)
    ctx = {"form": form, "group": group}
    return render(request, "meetings/meeting_form.html", ctx)


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
@submission_once
def break_create(request, pk):
    group = group_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    form = BreakForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_planning.break_create(group=group, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Break added: no gap warnings during it."))
            return redirect("group_meetings", pk=group.pk)
    ctx = {"form": form, "group": group}
    return render(request, "meetings/break_form.html", ctx)


# --- one meeting -----------------------------------------------------------------------


@access(READERS)
@require_GET
def meeting_detail(request, pk):
    user = request.user
    meeting = selectors.meeting_get_for_user(user=user, pk=pk)
    group = meeting.group
    # Workers (volunteers included) see names; the keepers (facilitators and the project
    # lead) also plan and read the confidential notes; a coordinator sees counts and labels.
    is_staff = can(user, group, Need.WORK)
    can_plan = can(user, group, Need.EDIT)
    organisers = list(meeting.organisers.order_by("full_name"))
    conflicts = selectors_planning.calendar_conflicts(
        organisation_id=group.organisation_id, dates=[meeting.date]
    )
    labels = dict(ActivityKind.choices)
    ctx = {
        "meeting": meeting,
        "group": group,
        "is_staff": is_staff,
        "can_plan": can_plan,
        "sees_notes": can_plan,
        "is_open": meeting.status != MeetingStatus.CANCELLED,
        "themes": list(meeting.themes.all()),
        "activities": [labels.get(a, a) for a in meeting.activities or []],
        "organisers": organisers if is_staff else None,
        "organiser_count": len(organisers),
        "clashes": [_event_label(e) for e in conflicts.get(meeting.date, [])],
        "language": meeting.get_language_display() if meeting.language else "",
        "held_count": (selectors_attendance.held_taps(meeting=meeting).count() if is_staff else 0),
    }
    return render(request, "meetings/meeting_detail.html", ctx)


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
def meeting_move(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    local_start = timezone.localtime(meeting.starts_at)
    initial = {
        "date": local_start.date(),
        "start_time": local_start.time().replace(second=0, microsecond=0),
        "end_time": timezone.localtime(meeting.ends_at).time().replace(second=0, microsecond=0),
    }
    marks = selectors.meeting_mark_count(meeting=meeting)
    form = MoveForm(_posted(request), initial=initial, group=meeting.group, marks=marks)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.starts_and_ends()
        try:
            moved = services_planning.meeting_move(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Meeting moved to %(date)s.")
                % {"date": formats.date_format(moved.date, "DATE_FORMAT")},
            )
            _warn_about_clashes(request, meeting.group, [moved.date])
            return redirect("meeting_detail", pk=meeting.pk)
    ctx = {"form": form, "meeting": meeting, "group": meeting.group, "marks": marks}
    return render(request, "meetings/meeting_move.html", ctx)


def not_started_page(request, meeting: Meeting, *, then: str):
    """What attendance and the record show before the meeting starts: when they open,
    and for those who plan, a one-step move for a meeting that really took place earlier
    (meeting_took_place). `then` is where that move leads: "attendance" or "record"."""
    form = None
    if can(request.user, meeting.group, Need.EDIT):
        form = _took_place_form(meeting, then=then)
    ctx = {"meeting": meeting, "group": meeting.group, "form": form, "then": then}
    return render(request, "meetings/meeting_not_started.html", ctx)


def _took_place_form(meeting: Meeting, *, then: str, data=None) -> TookPlaceForm:
    planned_start = timezone.localtime(meeting.starts_at).time().replace(second=0, microsecond=0)
    planned_end = timezone.localtime(meeting.ends_at).time().replace(second=0, microsecond=0)
    now = timezone.localtime()
    # A first guess the facilitator corrects: today at the planned times if they have
    # come, else the hour that has just begun.
    start, end = planned_start, planned_end
    if start > now.time():
        start = now.time().replace(minute=0, second=0, microsecond=0)
        later = dt.datetime.combine(now.date(), start) + (meeting.ends_at - meeting.starts_at)
        end = later.time() if later.date() == now.date() else dt.time(23, 59)
    initial = {"date": now.date(), "start_time": start, "end_time": end, "then": then}
    return TookPlaceForm(data, initial=initial, group=meeting.group)


@access(PLANNERS)
@require_http_methods(["POST"])
def meeting_took_place(request, pk):
    """One step from a not-started meeting's attendance or record page: the meeting
    really took place earlier, so move it there (services_planning.meeting_move) and
    open attendance or the record."""
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    form = _took_place_form(meeting, then=request.POST.get("then", "attendance"), data=request.POST)
    if form.is_valid():
        starts_at, ends_at = form.starts_and_ends()
        try:
            moved = services_planning.meeting_move(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=_("It took place earlier than planned."),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Meeting moved to %(date)s.")
                % {"date": formats.date_format(moved.date, "DATE_FORMAT")},
            )
            then = form.cleaned_data["then"]
            return redirect("meeting_record" if then == "record" else "attendance_sheet", pk=pk)
    ctx = {"meeting": meeting, "group": meeting.group, "form": form, "then": form["then"].value()}
    return render(request, "meetings/meeting_not_started.html", ctx, status=400)


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.info(request, _("This meeting was already cancelled."))
        return redirect("meeting_detail", pk=meeting.pk)
    marks = selectors.meeting_mark_count(meeting=meeting)
    form = CancelForm(_posted(request), marks=marks)
    if request.method == "POST" and form.is_valid():
        try:
            services_planning.meeting_cancel(
                meeting=meeting,
                reason=form.cleaned_data["reason"],
                remove_marks=form.cleaned_data.get("remove_marks", False),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Meeting cancelled."))
            return redirect("group_meetings", pk=meeting.group_id)
    ctx = {"form": form, "meeting": meeting, "group": meeting.group, "marks": marks}
    return render(request, "meetings/meeting_cancel.html", ctx)


def _record_initial(meeting: Meeting) -> dict:
    return {
        "version": meeting.version,
        "language": meeting.language or (meeting.group.languages or [""])[0],
        "themes": list(meeting.themes.all()),
        "other_themes": meeting.other_themes,
        "icebreaker": meeting.icebreaker_id,
        "activities": meeting.activities,
        "guest": meeting.guest,
        "partner": meeting.partner_id,
        "organisers": list(meeting.organisers.all()),
        "notes": meeting.notes,
    }


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
def meeting_record(request, pk):
    user = request.user
    meeting = selectors.meeting_get_for_user(user=user, pk=pk, need=Need.EDIT)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.info(request, _("This meeting was cancelled: there is nothing to record."))
        return redirect("meeting_detail", pk=meeting.pk)
    if not meeting.has_started():
        return not_started_page(request, meeting, then="record")
    form = MeetingRecordForm(_posted(request), initial=_record_initial(meeting), meeting=meeting)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            # The form's fields are meeting_record's parameters (tests pin it).
            services_planning.meeting_record(meeting=meeting, recorded_by=user, **form.cleaned_data)
        except services_planning.ConflictError:
            conflict = True
            current = selectors.meeting_get_for_user(user=user, pk=pk, need=Need.EDIT)
            # Keep what the facilitator typed; the next save starts from the new version.
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = MeetingRecordForm(data, meeting=current)
            form.is_valid()
            message = _(
                "Someone else saved this meeting while you were filling it in. Your "
                "answers are not saved yet: they are still in the form below. Check "
                "the meeting page if you like, then press Save again."
            )
            # When (docs/decisions.md 46). Not who: a move or a cancellation also
            # changes the meeting and does not record who made it.
            messages.error(request, f"{message} {saved_by(who=None, at=current.updated_at)}")
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Meeting recorded. Thank you!"))
            return redirect("meeting_detail", pk=meeting.pk)
    ctx = {"form": form, "meeting": meeting, "group": meeting.group, "conflict": conflict}
    return render(request, "meetings/meeting_record.html", ctx)


# --- the organisation's calendar -------------------------------------------------------


def _organisation_to_plan(user, pk) -> Organisation:
    """An organisation the user works for (404 otherwise); planning its calendar needs a
    project lead of it or a facilitator of one of its groups (403 otherwise)."""
    return get_visible_or_404(
        Organisation.objects.all(),
        user=user,
        pk=pk,
        write=True,
        writable=lambda org: (
            Organisation.objects.managed_by(user).filter(pk=org.pk).exists()
            or groups_worked_in(user, need=Need.EDIT).filter(organisation_id=org.pk).exists()
        ),
    )


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= LAST_YEAR else timezone.localdate().year


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
def organisation_calendar(request, pk):
    organisation = _organisation_to_plan(request.user, pk)
    year = _year(request.GET.get("year"))
    form = CalendarEventForm(None)
    if request.method == "POST":
        if "suggest" in request.POST:
            suggest = SuggestForm(request.POST)
            if suggest.is_valid():
                year = suggest.cleaned_data["year"]
                added = services_planning.calendar_suggest(organisation=organisation, year=year)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d suggested date added for %(year)d.",
                        "%(count)d suggested dates added for %(year)d.",
                        added,
                    )
                    % {"count": added, "year": year},
                )
            else:
                messages.error(request, _("Choose a year between 2000 and 2100."))
            return redirect(
                f"{reverse('organisation_calendar', args=[organisation.pk])}?year={year}"
            )
        form = CalendarEventForm(request.POST)
        if form.is_valid():
            try:
                event = services_planning.calendar_event_save(
                    organisation=organisation, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("“%(name)s” added.") % {"name": event.name})
                url = reverse("organisation_calendar", args=[organisation.pk])
                return redirect(f"{url}?year={event.starts_on.year}")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # 1 query: the organisation's dates that touch the year.
    events = list(
        CalendarEvent.objects.filter(
            organisation=organisation, starts_on__lte=last, ends_on__gte=first
        ).order_by("starts_on", "name")
    )
    months = []
    for event in events:
        month = max(event.starts_on, first).month
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(event)
    ctx = {
        "organisation": organisation,
        "year": year,
        "months": [(dt.date(year, month, 1), items) for month, items in months],
        "has_suggestions": any(e.suggestion_key for e in events),
        "form": form,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
    }
    return render(request, "meetings/organisation_calendar.html", ctx)


@access(PLANNERS)
@require_http_methods(["GET", "POST"])
def calendar_event_edit(request, pk):
    user = request.user
    try:
        event = CalendarEvent.objects.select_related("organisation").get(
            pk=pk, organisation__in=Organisation.objects.visible_to(user)
        )
    except CalendarEvent.DoesNotExist:
        raise Http404 from None
    organisation = _organisation_to_plan(user, event.organisation_id)
    initial = {
        "name": event.name,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "category": event.category,
        "dismissed": event.dismissed,
    }
    form = CalendarEventEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_planning.calendar_event_save(
                organisation=organisation, event=event, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            url = reverse("organisation_calendar", args=[organisation.pk])
            return redirect(f"{url}?year={event.starts_on.year}")
    ctx = {"form": form, "event": event, "organisation": organisation}
    return render(request, "meetings/calendar_event_form.html", ctx)


# --- the private calendar feed ---------------------------------------------------------


def _ical(group: Group, meetings) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//stetapp//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", group.name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@stetapp")
        event.add("dtstamp", meeting.updated_at.astimezone(dt.UTC))
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("summary", group.name)
        if meeting.venue is not None:
            venue = meeting.venue
            parts = [venue.name, venue.address, venue.postcode]
            event.add("location", ", ".join(p for p in parts if p))
        cancelled = meeting.status == MeetingStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("sequence", meeting.version)
        calendar.add_component(event)
    return calendar.to_ical()


@access(PUBLIC)
@require_GET
def group_ical_feed(request, token):
    """A calendar app's subscription: no session, a signed token instead. It answers only
    while the token's user is active and still sees the group. Times and places only:
    no participants, no notes."""
    resolved = feed_resolve(token)
    if resolved is None:
        raise Http404
    user_id, group_id, generation = resolved
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Http404
    group = Group.objects.visible_to(user).filter(pk=group_id).first()
    if group is None:
        raise Http404
    # The link must be the current one and not expired; a renewed or expired link answers
    # like an unknown one. A generation-0 link seen for the first time gets its row (and
    # its expiry) now.
    feed = CalendarFeed.objects.filter(user=user, group=group).first()
    if feed is None and generation == 0:
        feed = services_planning.calendar_feed_current(user=user, group=group)
    if feed is None or not feed.accepts(generation, now=timezone.now()):
        raise Http404
    meetings = Meeting.objects.filter(group=group).select_related("venue").order_by("starts_at")
    response = HttpResponse(_ical(group, meetings), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response
