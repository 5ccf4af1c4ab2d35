"""Overview pages of phase 2: the participant import, a group's participant list as a
download, the recruitment funnel of a group and of an organisation, and the social map.

Every view: access rule → scoped fetch → form → service → redirect or render. The funnel
pages show counts only, never a name; programme coordinators see counts under 5 as "<5".
"""

import copy

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from groups.access import (
    GROUP_KEEPERS,
    GROUP_WORKERS,
    Need,
    can,
    group_get_for_user,
    roles_in_group,
    rule_for,
)
from groups.importers import ImportFileError
from groups.models import Group, Organisation, Role
from groups.selectors import organisation_get_for_user
from stetapp.access import access, roles
from stetapp.charts import bar_chart
from stetapp.exports import table_response
from stetapp.forms import apply_validation_error
from stetapp.limits import download_limit
from stetapp.submission import submission_once
from stetapp.suppression import suppress

from . import selectors, selectors_overview, services_overview
from .forms_overview import ParticipantImportForm, SocialMapFilterForm, SocialServiceForm
from .importers import import_participants
from .models import Enrolment, Participant, ServiceKind

LEADS = roles(Role.PROJECT_LEAD)
GROUP_PEOPLE = rule_for(Need.WORK)
GROUP_FUNNEL = roles(*selectors.FUNNEL_READERS)
ORGANISATION_FUNNEL = roles(Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR)
SOCIAL_MAP_READERS = roles(*GROUP_WORKERS)
SOCIAL_MAP_WRITERS = roles(*GROUP_KEEPERS)


EXPORT_FORMATS = ("csv", "xlsx")


# --- import ----------------------------------------------------------------------------


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def participant_import(request):
    """Upload a CSV/XLSX of people for the lead's groups; all rows or none."""
    user = request.user
    groups = Group.objects.filter(organisation__in=Organisation.objects.managed_by(user))
    bound = request.method == "POST"
    form = ParticipantImportForm(request.POST if bound else None, request.FILES if bound else None)
    result = None
    file_error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte over the limit is enough for read_table to refuse the file; never
            # read a huge upload into memory.
            result = import_participants(
                data=upload.read(settings.STETAPP_IMPORT_MAX_BYTES + 1),
                filename=upload.name,
                groups=groups,
                created_by=user,
            )
        except ImportFileError as exc:
            file_error = str(exc)
        else:
            if result.ok:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext("%(count)d person imported.", "%(count)d people imported.", count)
                    % {"count": count},
                )
                return redirect("participant_import")
    ctx = {"form": form, "result": result, "file_error": file_error}
    return render(request, "participants/participant_import.html", ctx)


# --- export ----------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


@access(GROUP_PEOPLE)
@require_GET
@download_limit()
def group_participants_export(request, pk):
    """The group's current participants as CSV (default) or XLSX. Facilitators of the
    group and project leads get the full list; volunteers name and phone only. Never
    religion, health notes or confidential notes."""
    user = request.user
    # A coordinator sees the group but none of its people: 403.
    group = group_get_for_user(user=user, pk=pk, need=Need.WORK)
    full = can(user, group, Need.EDIT)
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        fmt = "csv"
    enrolments = (
        Enrolment.objects.current()
        .filter(group=group)
        .select_related("participant")
        .order_by("participant__full_name", "participant_id")
    )
    if full:
        headers = [
            _("name"),
            _("phone"),
            _("postcode"),
            _("year of birth"),
            _("gender"),
            _("community"),
            _("preferred language"),
            _("languages spoken"),
            _("needs help reading or writing Dutch"),
            _("joined on"),
        ]
        rows = [
            [
                p.full_name,
                p.phone,
                p.postcode,
                p.birth_year,
                p.get_gender_display(),
                p.community,
                p.get_preferred_language_display(),
                ", ".join(p.language_labels),
                _yes_no(p.needs_dutch_support),
                e.joined_on,
            ]
            for e in enrolments
            for p in [e.participant]
        ]
    else:
        headers = [_("name"), _("phone")]
        rows = [
            [e.participant.full_name, e.participant.phone]
            for e in enrolments.only("participant__full_name", "participant__phone", "participant")
        ]
    stem = f"{group.name} {_('participants')} {timezone.localdate().isoformat()}"
    return table_response(
        filename_stem=stem, headers=headers, rows=rows, fmt=fmt, sheet=_("Participants")
    )


# --- recruitment funnel ----------------------------------------------------------------


def _funnel_ctx(funnel, *, exact: bool) -> dict:
    return {
        "funnel_exact": exact,
        "funnel_total": str(funnel.total) if exact else suppress(funnel.total),
        "status_chart": bar_chart(
            chart_id="funnel-status",
            title=_("People per status"),
            items=[(label, n) for _value, label, n in funnel.by_status],
            suppressed=not exact,
        ),
        "channel_chart": bar_chart(
            chart_id="funnel-channel",
            title=_("People per recruitment channel"),
            items=[(label, n) for _value, label, n in funnel.by_channel],
            suppressed=not exact,
        ),
    }


@access(GROUP_FUNNEL)
@require_GET
def group_funnel(request, pk):
    """Counts per funnel status and channel for one group. Project leads and the group's
    facilitators see exact numbers; a programme coordinator sees counts under 5 as "<5"."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk)
    standing = roles_in_group(user=user, group=group)
    exact = bool(standing & GROUP_KEEPERS)
    if exact:
        people = Participant.objects.visible_to(user).filter(group=group)
    elif Role.PROGRAMME_COORDINATOR in standing:
        # Coordinators see no participant (visible_to is empty for them); the group
        # passed the access check above and only counts leave this view.
        people = Participant.objects.filter(group=group)
    else:
        raise PermissionDenied
    ctx = {
        "group": group,
        "organisation": None,
        **_funnel_ctx(selectors_overview.funnel_counts(people), exact=exact),
    }
    return render(request, "participants/funnel.html", ctx)


@access(ORGANISATION_FUNNEL)
@require_GET
def organisation_funnel(request, pk):
    """Counts per funnel status and channel over all groups of an organisation."""
    user = request.user
    organisation = organisation_get_for_user(user=user, pk=pk)
    exact = Organisation.objects.managed_by(user).filter(pk=organisation.pk).exists()
    if exact:
        people = Participant.objects.visible_to(user).filter(group__organisation=organisation)
    else:
        # A coordinator of the organisation's programme (organisation_get_for_user let
        # only leads and coordinators through): counts only.
        people = Participant.objects.filter(group__organisation=organisation)
    ctx = {
        "group": None,
        "organisation": organisation,
        **_funnel_ctx(selectors_overview.funnel_counts(people), exact=exact),
    }
    return render(request, "participants/funnel.html", ctx)


# --- social map ------------------------------------------------------------------------


@access(SOCIAL_MAP_READERS)
@require_GET
def social_map(request):
    """The social maps of the user's organisations, by city, optionally of one kind."""
    user = request.user
    form = SocialMapFilterForm(request.GET or None)
    entries = selectors_overview.social_map_for_user(user=user).order_by(
        "city__name", "city_id", "kind", "name"
    )
    if form.is_valid() and form.cleaned_data["kind"]:
        entries = entries.filter(kind=form.cleaned_data["kind"])
    writable = set(
        selectors_overview.social_map_organisations_for_user(user=user).values_list("pk", flat=True)
    )
    ctx = {
        "form": form,
        "entries": list(entries),
        "writable": writable,
        "can_add": bool(writable),
        "kinds": ServiceKind,
    }
    return render(request, "participants/social_map.html", ctx)


@access(SOCIAL_MAP_WRITERS)
@require_http_methods(["GET", "POST"])
@submission_once
def social_service_create(request):
    user = request.user
    form = SocialServiceForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            # The form's fields are the service's parameters (tests pin it).
            service = services_overview.social_service_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” added to the social map.") % {"name": service.name}
            )
            return redirect("social_map")
    return render(request, "participants/social_service_form.html", {"form": form, "service": None})


@access(SOCIAL_MAP_WRITERS)
@require_http_methods(["GET", "POST"])
def social_service_edit(request, pk):
    service = selectors_overview.social_service_get_for_user(user=request.user, pk=pk, write=True)
    # The form works on a copy, so the page keeps the saved name until it is saved.
    form = SocialServiceForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(service),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A copy again: should saving fail, the page still shows the saved name.
            services_overview.social_service_update(service=copy.copy(service), **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("social_map")
    ctx = {"form": form, "service": service}
    return render(request, "participants/social_service_form.html", ctx)
