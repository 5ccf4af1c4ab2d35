"""The participant record: list, registration, the record itself and its edits, consents,
intakes and enrolments. Every view: access rule → scoped fetch (participants.selectors) →
form → service → redirect with a message, or render.

Volunteers see only the name, phone number and group of their groups' participants;
programme coordinators and funders never reach these pages.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import Need, group_ids_for, rule_for
from privacy.erasure import may_request
from privacy.views_export import may_export
from stetapp.access import access, get_visible_or_404
from stetapp.conflicts import saved_by
from stetapp.forms import apply_validation_error
from stetapp.submission import submission_once

from . import selectors, selectors_records, services_records
from .forms_records import (
    ConsentForm,
    EnrolForm,
    IntakeForm,
    LeaveForm,
    ParticipantEditForm,
    ParticipantFilter,
    ParticipantForm,
    StatusForm,
)
from .models import (
    SENSITIVE_FIELD_PURPOSE,
    Consent,
    ConsentPurpose,
    Enrolment,
    FunnelStatus,
    Participant,
)

READERS = rule_for(Need.WORK)
EDITORS = rule_for(Need.EDIT)


def _warn_about_age(request, participant: Participant) -> None:
    if participant.age_warning:
        messages.warning(
            request,
            _(
                "%(name)s is %(age)d this year: younger than the usual 55. That is allowed; "
                "check that the group suits them."
            )
            % {"name": participant.full_name, "age": participant.age()},
        )


# --- list ------------------------------------------------------------------------------


@access(READERS)
@require_GET
def participant_list(request):
    user = request.user
    # Groups whose participants the user sees in full (facilitator, project lead): the
    # same rule as groups_for_participant_work, as the ids the list filters by first
    # (resolved once for the request; docs/decisions.md, decision 57).
    full_groups = set(group_ids_for(user, need=Need.EDIT))
    participant_filter = ParticipantFilter(
        request.GET or None,
        queryset=selectors_records.participant_list_for_user(user=user),
        user=user,
        full_groups=full_groups,
    )
    page = Paginator(participant_filter.qs, 50).get_page(request.GET.get("page"))
    for participant in page.object_list:
        participant.full_view = participant.group_id in full_groups
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": participant_filter,
        "page": page,
        "query": query.urlencode(),
        "sees_status": bool(full_groups),
        "can_create": bool(full_groups),
    }
    return render(request, "participants/participant_list.html", ctx)


# --- the record ------------------------------------------------------------------------


@access(EDITORS)
@require_http_methods(["GET", "POST"])
@submission_once
def participant_create(request):
    form = ParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # The form's fields are participant_create's parameters (tests pin it).
            participant = services_records.participant_create(
                created_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is registered.") % {"name": participant.full_name}
            )
            _warn_about_age(request, participant)
            return redirect("participant_detail", pk=participant.pk)
    return render(
        request, "participants/participant_form.html", {"form": form, "participant": None}
    )


@access(READERS)
@require_GET
def participant_detail(request, pk):
    user = request.user
    participant = selectors.participant_get_for_user(user=user, pk=pk)
    # Whoever may change the record sees all of it (facilitators of the groups the person
    # is or was in, the project lead); a volunteer sees the name and phone number only.
    full = selectors_records.can_edit_participant(user=user, participant=participant)
    ctx = {"participant": participant, "full": full}
    if full:
        consents = list(participant.consents.all())
        active = {c.purpose for c in consents if c.is_active}
        referred_by_visible = (
            participant.referred_by_id is not None
            and Participant.objects.visible_to(user).filter(pk=participant.referred_by_id).exists()
        )
        ctx.update(
            {
                "can_edit": full,
                "active_consents": [c for c in consents if c.is_active],
                "withdrawn_consents": [c for c in consents if not c.is_active],
                "has_data_consent": ConsentPurpose.DATA_PROCESSING in active,
                "shows_religion": SENSITIVE_FIELD_PURPOSE["religion"] in active,
                "shows_health": SENSITIVE_FIELD_PURPOSE["health_notes"] in active,
                "referred_by_visible": referred_by_visible,
                "intakes": list(
                    participant.intakes.select_related("conducted_by").order_by(
                        "-held_on", "-created_at"
                    )
                ),
                "enrolments": list(
                    participant.enrolments.select_related(
                        "group", "referred_to", "referred_to__city"
                    ).order_by("-joined_on", "-pk")
                ),
                "status_form": StatusForm(initial={"status": participant.status}),
                # Everything about the person, for a request for access (project lead).
                "can_export": may_export(user=user, participant=participant),
                "can_request_erasure": may_request(user, participant),
            }
        )
    return render(request, "participants/participant_detail.html", ctx)


def _conflicting_values(form, current: Participant) -> list[tuple[str, str]]:
    """The fields where the stored record now differs from what the editor typed, with
    the stored value as the page should show it."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        stored = getattr(current, name)
        if stored == form.cleaned_data[name]:
            continue
        if name == "languages":
            shown = ", ".join(current.language_labels)
        elif hasattr(current, f"get_{name}_display"):
            shown = getattr(current, f"get_{name}_display")()
        elif isinstance(stored, bool):
            shown = _("yes") if stored else _("no")
        else:
            shown = "" if stored is None else str(stored)
        rows.append((str(field.label), shown or "—"))
    return rows


@access(EDITORS)
@require_http_methods(["GET", "POST"])
def participant_edit(request, pk):
    user = request.user
    participant = selectors.participant_get_for_user(user=user, pk=pk, write=True)
    options = {
        "user": user,
        "purposes": services_records.active_purposes(participant),
    }
    form = ParticipantEditForm(
        request.POST or None,
        instance=copy.copy(participant),
        initial={"version": participant.version},
        **options,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        changed = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services_records.PROFILE_FIELDS
        }
        try:
            services_records.participant_update(
                participant=participant,
                by=user,
                version=form.cleaned_data["version"],
                **changed,
            )
        except services_records.ConflictError:
            current = selectors.participant_get_for_user(user=user, pk=pk, write=True)
            conflict = _conflicting_values(form, current)
            # Keep what the editor typed, but let the next save start from the new version.
            data = request.POST.copy()
            data["version"] = str(current.version)
            options["purposes"] = services_records.active_purposes(current)
            form = ParticipantEditForm(data, instance=copy.copy(current), **options)
            form.is_valid()
            message = _(
                "Someone else changed this record while you were editing it. Your "
                "changes are not saved yet: they are still in the form below. Compare "
                "them with the saved values and press Save again."
            )
            # Who and when (docs/decisions.md 46); the values are in the form.
            who = saved_by(who=current.updated_by, at=current.updated_at)
            messages.error(request, f"{message} {who}")
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("participant_detail", pk=participant.pk)
    ctx = {"form": form, "participant": participant, "conflict": conflict}
    return render(request, "participants/participant_form.html", ctx)


@access(EDITORS)
@require_POST
def participant_status(request, pk):
    participant = selectors.participant_get_for_user(user=request.user, pk=pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        services_records.participant_set_status(
            participant=participant, status=form.cleaned_data["status"], by=request.user
        )
        messages.success(
            request,
            _("Status changed to “%(status)s”.")
            % {"status": FunnelStatus(participant.status).label},
        )
    else:
        messages.error(request, _("Choose one of the statuses in the list."))
    return redirect("participant_detail", pk=participant.pk)


# --- consents --------------------------------------------------------------------------


@access(EDITORS)
@require_http_methods(["GET", "POST"])
@submission_once
def consent_create(request, pk):
    participant = selectors.participant_get_for_user(user=request.user, pk=pk, write=True)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services_records.consent_record(
                participant=participant, recorded_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Consent recorded: %(purpose)s.") % {"purpose": consent.get_purpose_display()},
            )
            return redirect("participant_detail", pk=participant.pk)
    ctx = {"form": form, "participant": participant}
    return render(request, "participants/consent_form.html", ctx)


@access(EDITORS)
@require_POST
def consent_withdraw(request, pk):
    user = request.user
    consent = get_visible_or_404(
        Consent.objects.select_related("participant"),
        user=user,
        pk=pk,
        write=True,
        writable=lambda c: selectors_records.can_edit_participant(
            user=user, participant=c.participant
        ),
    )
    if not consent.is_active:
        messages.info(request, _("This consent was already withdrawn."))
    else:
        services_records.consent_withdraw(consent=consent, withdrawn_by=user)
        messages.success(
            request,
            _("Consent withdrawn: %(purpose)s. This takes effect everywhere at once.")
            % {"purpose": consent.get_purpose_display()},
        )
    return redirect("participant_detail", pk=consent.participant_id)


# --- intakes and enrolments ------------------------------------------------------------


@access(EDITORS)
@require_http_methods(["GET", "POST"])
@submission_once
def intake_create(request, pk):
    participant = selectors.participant_get_for_user(user=request.user, pk=pk, write=True)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_records.intake_record(
                participant=participant, conducted_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Intake conversation recorded."))
            return redirect("participant_detail", pk=participant.pk)
    ctx = {"form": form, "participant": participant}
    return render(request, "participants/intake_form.html", ctx)


@access(EDITORS)
@require_http_methods(["GET", "POST"])
@submission_once
def participant_enrol(request, pk):
    user = request.user
    participant = selectors.participant_get_for_user(user=user, pk=pk, write=True)
    form = EnrolForm(request.POST or None, user=user, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services_records.participant_enrol(
                participant=participant, by=user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is now in %(group)s.")
                % {"name": participant.full_name, "group": enrolment.group.name},
            )
            return redirect("participant_detail", pk=participant.pk)
    ctx = {"form": form, "participant": participant}
    return render(request, "participants/enrol_form.html", ctx)


@access(EDITORS)
@require_http_methods(["GET", "POST"])
def enrolment_leave(request, pk):
    user = request.user
    enrolment = get_visible_or_404(
        Enrolment.objects.select_related("participant", "group", "group__organisation"),
        user=user,
        pk=pk,
        write=True,
        writable=lambda e: selectors_records.can_edit_participant(
            user=user, participant=e.participant
        ),
    )
    participant = enrolment.participant
    if enrolment.left_on is not None:
        messages.info(request, _("This person already left the group."))
        return redirect("participant_detail", pk=participant.pk)
    form = LeaveForm(request.POST or None, organisation=enrolment.group.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services_records.enrolment_leave(enrolment=enrolment, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Recorded that %(name)s left %(group)s.")
                % {"name": participant.full_name, "group": enrolment.group.name},
            )
            return redirect("participant_detail", pk=participant.pk)
    ctx = {"form": form, "participant": participant, "enrolment": enrolment}
    return render(request, "participants/leave_form.html", ctx)
