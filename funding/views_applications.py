"""Funds (the shared catalogue), funding applications, their budget and coverage plan and
the proposal as a PDF.

Funds are read and kept up to date by project leads and programme coordinators. An
application belongs to an organisation: its project leads manage it; facilitators read
the applications covering their groups. Every view: access rule → scoped fetch → form →
service (or a plain ModelForm save for 1:1 edits) → redirect or render.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups import services as group_services
from groups.models import Membership, Organisation, Programme, Role
from stetapp.access import access, get_visible_or_404, roles, user_roles
from stetapp.exports import safe_filename
from stetapp.forms import apply_validation_error
from stetapp.limits import download_limit
from stetapp.pdf import render_pdf
from stetapp.submission import submission_once

from . import selectors, services
from .forms_applications import (
    SECTION_FIELDS,
    ApplicationEditForm,
    ApplicationFilterForm,
    ApplicationForm,
    BudgetLineFormSet,
    CoverageLineFormSet,
    FunderReaderInviteForm,
    FundFilterForm,
    FundForm,
    fund_choices,
)
from .models import (
    STATUS_FLOW,
    ApplicationStatus,
    BudgetCategory,
    Fund,
    FundingApplication,
)

FUND_KEEPERS = roles(Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR)
APPLICATION_READERS = roles(Role.PROJECT_LEAD, Role.FACILITATOR)
APPLICATION_MANAGERS = roles(Role.PROJECT_LEAD)


# --- helpers --------------------------------------------------------------------------


def _fund_for(user, pk, *, write: bool = False) -> Fund:
    """A fund of the catalogue (404 when it does not exist). One query; write=True: 403
    unless the user keeps it (Fund.objects.editable_by, decision 31), two queries."""
    return get_visible_or_404(
        Fund.objects.all(),
        user=user,
        pk=pk,
        write=write,
        writable=Fund.objects.editable_by(user),
    )


def _fund_keepers(user) -> list[tuple[str, object]]:
    """Who may keep a new fund: the organisations the user leads and the programmes
    they coordinate."""
    return [
        *(("o", org) for org in Organisation.objects.managed_by(user).order_by("name")),
        *(("p", programme) for programme in Programme.objects.visible_to(user).order_by("name")),
    ]


def _application_for(user, pk, *, write: bool = False) -> FundingApplication:
    """An application the user may see (404 otherwise); write=True: 403 unless the user
    is a project lead of its organisation. One query (two with write)."""
    return get_visible_or_404(
        FundingApplication.objects.select_related("organisation", "fund", "grant"),
        user=user,
        pk=pk,
        write=write,
        writable=FundingApplication.objects.managed_by(user),
    )


def _led_organisations(user):
    """The organisations the user is a project lead of (superusers: all)."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.PROJECT_LEAD
    ).distinct()


@dataclass
class BalanceView:
    """What the pages say about the balance: balanced, or short/surplus by an amount."""

    costs: Decimal
    coverage: Decimal
    balanced: bool
    short: Decimal
    surplus: Decimal


def _balance(application) -> BalanceView:
    """Two queries (funding.selectors.application_balance)."""
    balance = selectors.application_balance(application=application)
    difference = balance.difference
    return BalanceView(
        costs=balance.costs,
        coverage=balance.coverage,
        balanced=balance.balanced,
        short=-difference if difference < 0 else Decimal("0.00"),
        surplus=difference if difference > 0 else Decimal("0.00"),
    )


@dataclass
class CategoryBlock:
    label: str
    lines: list
    subtotal: Decimal


def _budget_by_category(lines) -> list[CategoryBlock]:
    """Budget lines grouped by category, in the order of BudgetCategory, with subtotals."""
    blocks = []
    for category in BudgetCategory:
        in_category = [line for line in lines if line.category == category.value]
        if in_category:
            subtotal = sum((line.total for line in in_category), Decimal("0.00"))
            blocks.append(CategoryBlock(str(category.label), in_category, subtotal))
    return blocks


def _plan(application) -> dict:
    """The budget lines, coverage lines and balance of an application. Four queries."""
    budget_lines = list(application.budget_lines.all())
    coverage_lines = list(application.coverage_lines.select_related("fund"))
    return {
        "budget_lines": budget_lines,
        "budget_blocks": _budget_by_category(budget_lines),
        "coverage_lines": coverage_lines,
        "balance": _balance(application),
    }


# A grant is recorded on the grant page (amount, period, conditions), which sets the status
# to granted or partly granted; those two are never a plain button.
GRANT_STATUSES = (ApplicationStatus.GRANTED, ApplicationStatus.PARTLY_GRANTED)


def _next_statuses(application) -> list[ApplicationStatus]:
    allowed = STATUS_FLOW[ApplicationStatus(application.status)]
    return [s for s in ApplicationStatus if s in allowed and s not in GRANT_STATUSES]


# --- funds ----------------------------------------------------------------------------


@access(FUND_KEEPERS)
@require_GET
def fund_list(request):
    """The shared catalogue of funds, filtered by where they fund."""
    filter_form = FundFilterForm(request.GET or None)
    funds = Fund.objects.visible_to(request.user)
    if filter_form.is_valid() and filter_form.cleaned_data["scope"]:
        funds = funds.filter(scope=filter_form.cleaned_data["scope"])
    page = Paginator(funds, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"filter": filter_form, "page": page, "query": query.urlencode()}
    return render(request, "funding/fund_list.html", ctx)


@access(FUND_KEEPERS)
@require_GET
def fund_detail(request, pk):
    """One fund. Of the applications to it, only those of the user's own organisations
    are listed: other organisations' applications are none of the user's business."""
    user = request.user
    fund = _fund_for(user, pk)
    applications = (
        FundingApplication.objects.managed_by(user).filter(fund=fund).select_related("organisation")
    )
    checklist = [
        (getattr(fund, name), Fund._meta.get_field(name).verbose_name)
        for name in (
            "needs_kvk_extract",
            "needs_statutes",
            "needs_annual_accounts",
            "has_quick_check",
        )
    ]
    ctx = {
        "fund": fund,
        "applications": applications,
        "checklist": checklist,
        "can_edit": Fund.objects.editable_by(user).filter(pk=fund.pk).exists(),
        "can_invite_readers": Fund.objects.readers_invitable_by(user).filter(pk=fund.pk).exists(),
    }
    return render(request, "funding/fund_detail.html", ctx)


@access(FUND_KEEPERS)
@require_http_methods(["GET", "POST"])
def fund_readers(request, pk):
    """The fund's readers (people with the funder role for it), and an invitation for one
    more. Open to the project leads and coordinators of organisations the fund made a
    grant to (Fund.objects.readers_invitable_by, decision 36): 403 for other funds."""
    user = request.user
    fund = get_visible_or_404(
        Fund.objects.all(),
        user=user,
        pk=pk,
        write=True,
        writable=Fund.objects.readers_invitable_by(user),
    )
    form = FunderReaderInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = group_services.member_invite(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=Role.FUNDER,
                scope=fund,
                invited_by=user,
                base_url=f"{request.scheme}://{request.get_host()}",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(email)s can now read the reports of this fund's grants; "
                    "an e-mail is on its way."
                )
                % {"email": membership.user.email},
            )
            return redirect("fund_readers", pk=fund.pk)
    readers = (
        Membership.objects.filter(fund=fund, role=Role.FUNDER)
        .select_related("user", "invited_by")
        .order_by("user__full_name", "user__email")
    )
    ctx = {"fund": fund, "form": form, "readers": readers}
    return render(request, "funding/fund_readers.html", ctx)


@access(FUND_KEEPERS)
@require_http_methods(["GET", "POST"])
@submission_once
def fund_create(request):
    form = FundForm(
        request.POST or None,
        keepers=_fund_keepers(request.user),
        shared=request.user.is_superuser,
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            fund = services.fund_create(
                name=data["name"],
                focus=data["focus"],
                scope=data["scope"],
                region=data["region"],
                max_amount=data["max_amount"],
                description=data["description"],
                needs_kvk_extract=data["needs_kvk_extract"],
                needs_statutes=data["needs_statutes"],
                needs_annual_accounts=data["needs_annual_accounts"],
                has_quick_check=data["has_quick_check"],
                deadlines=data["deadlines"],
                advance_percentage=data["advance_percentage"],
                pays_after_report=data["pays_after_report"],
                accountant_statement_above=data["accountant_statement_above"],
                website=data["website"],
                notes=data["notes"],
                **form.keeper_objects(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The fund was added."))
            return redirect("fund_detail", pk=fund.pk)
    return render(request, "funding/fund_form.html", {"form": form, "fund": None})


@access(FUND_KEEPERS)
@require_http_methods(["GET", "POST"])
def fund_edit(request, pk):
    fund = _fund_for(request.user, pk, write=True)
    form = FundForm(request.POST or None, instance=copy.copy(fund))
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_update(fund=fund, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The fund was saved."))
            return redirect("fund_detail", pk=fund.pk)
    return render(request, "funding/fund_form.html", {"form": form, "fund": fund})


# --- applications ---------------------------------------------------------------------


@access(APPLICATION_READERS)
@require_GET
def application_list(request):
    """The applications the user may see, with fund, status, amount and deadline."""
    user = request.user
    filter_form = ApplicationFilterForm(request.GET or None)
    applications = FundingApplication.objects.visible_to(user).select_related(
        "fund", "organisation"
    )
    if filter_form.is_valid() and filter_form.cleaned_data["status"]:
        applications = applications.filter(status=filter_form.cleaned_data["status"])
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": filter_form,
        "page": page,
        "query": query.urlencode(),
        "can_create": Role.PROJECT_LEAD in user_roles(user),
    }
    return render(request, "funding/application_list.html", ctx)


@access(APPLICATION_MANAGERS)
@require_http_methods(["GET", "POST"])
@submission_once
def application_create(request):
    user = request.user
    form = ApplicationForm(request.POST or None, organisations=_led_organisations(user))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                created_by=user,
                organisation=form.cleaned_data["organisation"],
                fund=form.cleaned_data["fund"],
                title=form.cleaned_data["title"],
                groups=form.cleaned_data["groups"],
                amount_requested=form.cleaned_data["amount_requested"],
                deadline=form.cleaned_data["deadline"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The application was created. Now write the proposal."))
            return redirect("application_detail", pk=application.pk)
    return render(request, "funding/application_form.html", {"form": form, "application": None})


@access(APPLICATION_READERS)
@require_GET
def application_detail(request, pk):
    """The proposal, its budget and coverage plan with the balance, and the status with
    the next steps. Facilitators read the applications covering their groups."""
    user = request.user
    application = _application_for(user, pk)
    can_manage = FundingApplication.objects.managed_by(user).filter(pk=application.pk).exists()
    sections = [
        (application._meta.get_field(name).verbose_name, getattr(application, name))
        for name in SECTION_FIELDS
    ]
    ctx = {
        "application": application,
        "groups": list(application.groups.all()),
        "sections": sections,
        "can_manage": can_manage,
        "next_statuses": _next_statuses(application) if can_manage else [],
        **_plan(application),
    }
    return render(request, "funding/application_detail.html", ctx)


@access(APPLICATION_MANAGERS)
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _application_for(request.user, pk, write=True)
    form = ApplicationEditForm(request.POST or None, instance=copy.copy(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The application was saved."))
            return redirect("application_detail", pk=application.pk)
    ctx = {"form": form, "application": application}
    return render(request, "funding/application_form.html", ctx)


@access(APPLICATION_MANAGERS)
@require_POST
def application_status(request, pk):
    """Move the application one step along its status flow; a step that is not allowed
    (or no step at all) goes back to the application with the reason."""
    application = _application_for(request.user, pk, write=True)
    status = request.POST.get("status", "")
    if status not in ApplicationStatus.values:
        messages.error(request, _("Choose the application's next status."))
        return redirect("application_detail", pk=application.pk)
    if status in GRANT_STATUSES:
        messages.error(request, _("Record the grant with its amount and period here."))
        return redirect("grant_edit", pk=application.pk)
    try:
        services.application_set_status(application=application, status=status)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The application is now %(status)s.") % {"status": ApplicationStatus(status).label},
        )
    return redirect("application_detail", pk=application.pk)


@access(APPLICATION_MANAGERS)
@require_http_methods(["GET", "POST"])
def budget_edit(request, pk):
    """The budget lines and the coverage plan on one page. Both are saved together or not
    at all; the totals and the balance are recomputed after saving."""
    application = _application_for(request.user, pk, write=True)
    data = request.POST if request.method == "POST" else None
    budget = BudgetLineFormSet(data, instance=application, prefix="budget")
    coverage = CoverageLineFormSet(
        data, instance=application, prefix="coverage", form_kwargs={"fund_choices": fund_choices()}
    )
    if request.method == "POST":
        budget_valid = budget.is_valid()
        coverage_valid = coverage.is_valid()
        if budget_valid and coverage_valid:
            services.budget_plan_save(budget_lines=budget, coverage_lines=coverage)
            messages.success(request, _("The budget and coverage plan were saved."))
            return redirect("budget_edit", pk=application.pk)
    ctx = {
        "application": application,
        "budget": budget,
        "coverage": coverage,
        **_plan(application),
    }
    return render(request, "funding/budget_form.html", ctx)


@access(APPLICATION_MANAGERS)
@require_GET
@download_limit()
def application_pdf(request, pk):
    """The proposal as an A4 PDF to send to the fund."""
    application = _application_for(request.user, pk, write=True)
    sections = [
        (application._meta.get_field(name).verbose_name, getattr(application, name))
        for name in SECTION_FIELDS
    ]
    ctx = {
        "application": application,
        "sections": sections,
        "printed_on": timezone.localdate(),
        **_plan(application),
    }
    pdf = render_pdf("funding/pdf/proposal.html", ctx, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = safe_filename(f"{_('proposal')} {application.title}", "pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
