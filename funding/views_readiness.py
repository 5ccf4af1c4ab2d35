"""Readiness of a group, facilitator profiles, volunteers with their hours and allowances.

Access: project leads manage all of it for their organisations; a group's facilitators
read its readiness; every facilitator and project lead edits their own profile.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import Need, can, group_get_for_user, rule_for
from groups.languages import language_label
from groups.models import Group, Role
from groups.selectors import organisations_led_by
from stetapp.access import access, get_visible_or_404, roles
from stetapp.forms import apply_validation_error
from stetapp.money import euros
from stetapp.submission import submission_once
from stetapp.text import clean_text

from . import selectors, services
from .forms_readiness import (
    AllowanceForm,
    FacilitatorProfileForm,
    NeedSignalForm,
    VolunteerForm,
    VolunteerHoursForm,
)
from .models import (
    MANUAL_READINESS,
    AllowanceLimit,
    AllowancePayment,
    FacilitatorProfile,
    NeedSignal,
    Volunteer,
    VolunteerHours,
)

User = get_user_model()

LEADS = roles(Role.PROJECT_LEAD)
PROFILE_ROLES = rule_for(Need.EDIT)
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


# --- readiness --------------------------------------------------------------------------


def _readiness_ctx(group: Group) -> dict:
    """The readiness items and the progress (three queries)."""
    items = selectors.group_readiness(group=group)
    done, total = selectors.readiness_progress(items)
    return {
        "readiness_items": items,
        "readiness_done": done,
        "readiness_total": total,
    }


@access(PROFILE_ROLES)
@require_GET
def group_readiness(request, pk):
    """The six readiness items of a group: three answered from the data, three ticked by
    the project lead; and the needs signalled before the group started."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    ctx = {
        "group": group,
        "can_edit": can(user, group, Need.MANAGE),
        "needs": list(NeedSignal.objects.filter(group=group).order_by("-signalled_on", "-pk")),
        **_readiness_ctx(group),
    }
    return render(request, "funding/group_readiness.html", ctx)


@access(LEADS)
@require_POST
def readiness_tick(request, pk):
    """Tick an item the project lead answers, or untick it (POST key, optional note)."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.MANAGE)
    key = request.POST.get("key", "").strip()
    note = clean_text(request.POST.get("note", ""), multiline=False).strip()
    if key not in {k.value for k in MANUAL_READINESS}:
        messages.error(request, _("Choose one of the items to tick."))
        return redirect("group_readiness", pk=group.pk)
    try:
        check = services.readiness_toggle(group=group, key=key, by=user, note=note)
    except ValidationError:
        messages.error(request, _("This item could not be ticked."))
    else:
        if check is None:
            messages.success(request, _("Item unticked."))
        else:
            messages.success(request, _("Item ticked."))
    return redirect("group_readiness", pk=group.pk)


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def need_signal_create(request, pk):
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.MANAGE)
    form = NeedSignalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_signal_record(group=group, by=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Signalled need added."))
            return redirect("group_readiness", pk=group.pk)
    return render(request, "funding/need_signal_form.html", {"form": form, "group": group})


# --- facilitator profiles ------------------------------------------------------------------


@access(PROFILE_ROLES)
@require_http_methods(["GET", "POST"])
def facilitator_profile_edit(request):
    """The signed-in user's own facilitator profile, created on the first save."""
    user = request.user
    profile = FacilitatorProfile.objects.filter(user=user).first()
    if request.method == "POST":
        form = FacilitatorProfileForm(request.POST)
    else:
        form = FacilitatorProfileForm(initial=FacilitatorProfileForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.facilitator_profile_save(user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("facilitator_profile_edit")
    return render(
        request, "funding/facilitator_profile_form.html", {"form": form, "profile": profile}
    )


@access(LEADS)
@require_GET
def facilitator_profile_detail(request, pk):
    """The profile of someone holding a role in one of the lead's organisations or their
    groups (404 for anyone else)."""
    led = organisations_led_by(user=request.user).values("pk")
    person = (
        User.objects.filter(pk=pk)
        .filter(Q(memberships__organisation__in=led) | Q(memberships__group__organisation__in=led))
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    profile = FacilitatorProfile.objects.filter(user=person).first()
    return render(
        request,
        "funding/facilitator_profile_detail.html",
        {
            "person": person,
            "profile": profile,
            "languages": [language_label(c) for c in (profile.languages if profile else [])],
        },
    )


# --- volunteers --------------------------------------------------------------------------


def _volunteer_for(user, pk) -> Volunteer:
    return get_visible_or_404(
        Volunteer.objects.select_related("organisation", "user"), user=user, pk=pk
    )


def _year_sum(model, field: str, date_field: str, year: int):
    return Coalesce(
        Subquery(
            model.objects.filter(volunteer=OuterRef("pk"), **{f"{date_field}__year": year})
            .order_by()
            .values("volunteer")
            .annotate(total=Sum(field))
            .values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


@access(LEADS)
@require_GET
def volunteer_list(request):
    """The volunteers of the lead's organisations with their hours and allowances this
    year. Two queries: the volunteers with both yearly totals, and their groups."""
    year = timezone.localdate().year
    volunteers = list(
        Volunteer.objects.visible_to(request.user)
        .select_related("organisation", "user")
        .prefetch_related("groups")
        .annotate(
            hours_year=_year_sum(VolunteerHours, "hours", "worked_on", year),
            allowances_year=_year_sum(AllowancePayment, "amount", "paid_on", year),
        )
        .order_by("organisation__name", "full_name")
    )
    ctx = {
        "volunteers": volunteers,
        "year": year,
        "several_organisations": len({v.organisation_id for v in volunteers}) > 1,
    }
    return render(request, "funding/volunteer_list.html", ctx)


def _organisation_for_create(request):
    """The organisation a new volunteer joins: the one chosen (?organisation=…) among the
    lead's, else the first. One query."""
    organisations = list(organisations_led_by(user=request.user))
    if not organisations:
        raise Http404
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    for organisation in organisations:
        if str(organisation.pk) == chosen:
            return organisation, organisations
    return organisations[0], organisations


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def volunteer_create(request):
    organisation, organisations = _organisation_for_create(request)
    form = VolunteerForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_save(organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Volunteer added."))
            return redirect("volunteer_detail", pk=volunteer.pk)
    ctx = {
        "form": form,
        "volunteer": None,
        "organisation": organisation,
        "organisations": organisations,
    }
    return render(request, "funding/volunteer_form.html", ctx)


@access(LEADS)
@require_http_methods(["GET", "POST"])
def volunteer_edit(request, pk):
    volunteer = _volunteer_for(request.user, pk)
    organisation = volunteer.organisation
    if request.method == "POST":
        form = VolunteerForm(request.POST, organisation=organisation)
    else:
        form = VolunteerForm(
            initial=VolunteerForm.initial_from(volunteer), organisation=organisation
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_save(
                organisation=organisation, volunteer=volunteer, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("volunteer_detail", pk=volunteer.pk)
    ctx = {"form": form, "volunteer": volunteer, "organisation": organisation}
    return render(request, "funding/volunteer_form.html", ctx)


def _months_of(year: int) -> list[dt.date]:
    return [dt.date(year, month, 1) for month in range(1, 13)]


@access(LEADS)
@require_GET
def volunteer_detail(request, pk):
    """Hours and allowances per month this year, against the tax-free maxima."""
    volunteer = _volunteer_for(request.user, pk)
    today = timezone.localdate()
    year = today.year
    hours = {
        row["month"]: row["total"]
        for row in VolunteerHours.objects.filter(volunteer=volunteer, worked_on__year=year)
        .annotate(month=ExtractMonth("worked_on"))
        .values("month")
        .annotate(total=Sum("hours"))
        .order_by()
    }
    paid = {
        row["month"]: row["total"]
        for row in AllowancePayment.objects.filter(volunteer=volunteer, paid_on__year=year)
        .annotate(month=ExtractMonth("paid_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    limit = AllowanceLimit.objects.filter(year=year).first()
    months = [
        {
            "month": month,
            "hours": hours.get(month.month) or ZERO,
            "allowances": paid.get(month.month) or ZERO,
            "over": bool(limit and (paid.get(month.month) or ZERO) > limit.per_month),
        }
        for month in _months_of(year)
        if month <= today
    ]
    months.reverse()
    ctx = {
        "volunteer": volunteer,
        "year": year,
        "months": months,
        "hours_total": sum((m["hours"] for m in months), ZERO),
        "allowances_total": sum((m["allowances"] for m in months), ZERO),
        "limit": limit,
        "per_hour": (
            (limit.per_hour_under_21 if volunteer.under_21 else limit.per_hour) if limit else None
        ),
        "warnings": selectors.allowance_warnings(volunteer=volunteer, on=today),
        "groups": list(volunteer.groups.order_by("name")),
    }
    return render(request, "funding/volunteer_detail.html", ctx)


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def volunteer_hours_create(request, pk):
    volunteer = _volunteer_for(request.user, pk)
    form = VolunteerHoursForm(
        request.POST if request.method == "POST" else None, volunteer=volunteer
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_hours_record(volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Hours recorded."))
            return redirect("volunteer_detail", pk=volunteer.pk)
    return render(
        request, "funding/volunteer_hours_form.html", {"form": form, "volunteer": volunteer}
    )


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def allowance_create(request, pk):
    """Pay an allowance. When it passes a tax-free maximum nothing is saved: the form
    comes back with the warnings and a "pay anyway" checkbox."""
    volunteer = _volunteer_for(request.user, pk)
    form = AllowanceForm(request.POST if request.method == "POST" else None)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment, warnings = services.allowance_pay(
                volunteer=volunteer,
                paid_on=data["paid_on"],
                amount=data["amount"],
                note=data["note"].strip(),
                confirmed=data["confirmed"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if payment is not None:
                messages.success(
                    request,
                    _("Allowance of %(amount)s recorded.") % {"amount": euros(payment.amount)},
                )
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("volunteer_detail", pk=volunteer.pk)
    if not warnings:
        # The "pay anyway" checkbox only appears next to a warning.
        del form.fields["confirmed"]
    ctx = {"form": form, "volunteer": volunteer, "warnings": warnings}
    return render(request, "funding/allowance_form.html", ctx)
