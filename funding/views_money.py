"""Grants and payments received, expenses with receipts, budget against actual, and the
totals pages for programme coordinators and funders. Every view: access rule → scoped
fetch → form → service → redirect or render."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.models import Programme, Role
from stetapp.access import access, get_visible_or_404, roles
from stetapp.forms import apply_validation_error
from stetapp.money import euros
from stetapp.submission import submission_once

from . import selectors, services
from .forms_money import (
    ExpenseFilterForm,
    ExpenseForm,
    GrantForm,
    GrantPaymentForm,
    groups_for_expenses,
)
from .models import (
    ApplicationStatus,
    Expense,
    FundingApplication,
    Grant,
)

LEADS = roles(Role.PROJECT_LEAD)
LEADS_AND_FACILITATORS = roles(Role.PROJECT_LEAD, Role.FACILITATOR)
COORDINATORS = roles(Role.PROGRAMME_COORDINATOR)
FUNDERS = roles(Role.FUNDER)

ZERO = Decimal("0.00")


def _percent(value: Decimal) -> str:
    return formats.number_format(value, 1, use_l10n=True)


# --- grants and payments ------------------------------------------------------------


def _application_for_lead(user, pk) -> FundingApplication:
    """404 outside the user's scope, 403 for someone who may only read it."""
    return get_visible_or_404(
        FundingApplication.objects.select_related("organisation", "fund"),
        user=user,
        pk=pk,
        write=True,
        writable=FundingApplication.objects.managed_by(user),
    )


@access(LEADS)
@require_http_methods(["GET", "POST"])
def grant_edit(request, pk):
    """Register the fund's decision for a submitted application, or edit the grant it
    already has; lists the payments received."""
    application = _application_for_lead(request.user, pk)
    grant = selectors.grant_of(application=application)
    payments = list(grant.payments.all()) if grant else []
    received = sum((p.amount for p in payments), ZERO)
    can_register = grant is None and application.status == ApplicationStatus.SUBMITTED
    data = request.POST if request.method == "POST" else None
    form = None
    if grant is not None:
        form = GrantForm(data, instance=copy.copy(grant), received=received)
    elif can_register:
        form = GrantForm(data)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if grant is None:
                services.grant_register(application=application, **form.cleaned_data)
            else:
                services.grant_update(grant=grant, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Grant registered.") if grant is None else _("Changes saved.")
            )
            return redirect("grant_edit", pk=application.pk)
    ctx = {
        "application": application,
        "grant": grant,
        "form": form,
        "payments": payments,
        "received": received,
        "outstanding": (grant.amount - received) if grant else None,
    }
    return render(request, "funding/grant_form.html", ctx)


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def grant_payment_create(request, pk):
    grant = get_visible_or_404(
        Grant.objects.select_related("application__fund", "application__organisation"),
        user=request.user,
        pk=pk,
        write=True,
        writable=Grant.objects.filter(
            application__in=FundingApplication.objects.managed_by(request.user)
        ),
    )
    form = GrantPaymentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.grant_payment_record(grant=grant, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Payment of %(amount)s recorded.") % {"amount": euros(payment.amount)}
            )
            return redirect("grant_edit", pk=grant.application_id)
    return render(request, "funding/grant_payment_form.html", {"form": form, "grant": grant})


# --- budget against actual ------------------------------------------------------------


def overspend_warnings(rows) -> list[str]:
    warnings = []
    for row in rows:
        if not row.overspent:
            continue
        label = row.label[:1].upper() + row.label[1:]
        over = row.actual - row.budgeted
        if row.variance_percent is None:
            warnings.append(
                _("%(category)s has %(amount)s spent without a budget.")
                % {"category": label, "amount": euros(over)}
            )
        else:
            warnings.append(
                _("%(category)s is %(amount)s over budget (+%(percent)s %%).")
                % {
                    "category": label,
                    "amount": euros(over),
                    "percent": _percent(row.variance_percent),
                }
            )
    return warnings


def meetings_condition(*, grant, held: int, today: dt.date) -> dict | None:
    """The meetings the grant asks for over its whole period (Grant.required_meetings:
    the minimum is per year) against the meetings held in it; behind when fewer were held
    than the part of the period that has passed asks for."""
    if grant is None or not grant.min_meetings:
        return None
    if today < grant.period_start:
        expected = 0
    else:
        expected = grant.required_meetings(grant.period_start, min(today, grant.period_end))
    return {
        "minimum": grant.required_meetings(),
        "held": held,
        "expected": expected,
        "behind": held < expected,
        "ended": today > grant.period_end,
    }


@access(LEADS_AND_FACILITATORS)
@require_GET
def budget_actual(request, pk):
    """Per category: budgeted, spent (approved expenses), remaining and variance; a
    warning for every overspent category; the minimum-meetings condition."""
    application = get_visible_or_404(
        FundingApplication.objects.select_related("organisation", "fund"),
        user=request.user,
        pk=pk,
    )
    budget = selectors.budget_against_actual(application=application)
    grant = selectors.grant_of(application=application)
    condition = None
    if grant is not None and grant.min_meetings:
        held = selectors.meetings_held_per_grant(grant_ids=[grant.pk]).get(grant.pk, 0)
        condition = meetings_condition(grant=grant, held=held, today=timezone.localdate())
    ctx = {
        "application": application,
        "grant": grant,
        "budget": budget,
        "warnings": overspend_warnings(budget.rows),
        "condition": condition,
        "can_manage": FundingApplication.objects.managed_by(request.user)
        .filter(pk=application.pk)
        .exists(),
    }
    return render(request, "funding/budget_actual.html", ctx)


# --- expenses -------------------------------------------------------------------------


@access(LEADS_AND_FACILITATORS)
@require_GET
def expense_list(request):
    user = request.user
    groups = groups_for_expenses(user)
    filter_form = ExpenseFilterForm(request.GET or None, groups=groups)
    chosen = filter_form.cleaned_data if filter_form.is_valid() else {}
    expenses = selectors.expenses_for_list(
        user=user, group_id=chosen.get("group"), status=chosen.get("status") or ""
    )
    totals = selectors.expense_totals_by_status(expenses=expenses)
    # Only the columns a row shows (templates/funding/expense_list.html).
    shown = expenses.select_related("group").only(
        "spent_on", "description", "category", "amount", "status", "receipt", "group__name"
    )
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    decidable = selectors.expenses_to_decide(user=user, expenses=page.object_list)
    rows = [{"expense": e, "can_decide": e.pk in decidable} for e in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter_form": filter_form,
        "filter_active": bool(
            filter_form.is_bound and any(request.GET.get(k) for k in ("group", "status"))
        ),
        "page": page,
        "rows": rows,
        "totals": totals,
        "query": query.urlencode(),
        "next": request.get_full_path(),
    }
    return render(request, "funding/expense_list.html", ctx)


@access(LEADS_AND_FACILITATORS)
@require_http_methods(["GET", "POST"])
@submission_once
def expense_create(request):
    bound = request.method == "POST"
    form = ExpenseForm(
        request.POST if bound else None, request.FILES if bound else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.expense_submit(submitted_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Expense submitted. A project lead will review it."))
            return redirect("expense_list")
    return render(request, "funding/expense_form.html", {"form": form})


DECISIONS = {"approve": True, "reject": False}


@access(LEADS)
@require_POST
def expense_decide(request, pk):
    expense = get_visible_or_404(
        Expense.objects,
        user=request.user,
        pk=pk,
        write=True,
        writable=Expense.objects.approvable_by(request.user),
    )
    decision = request.POST.get("decision")
    if decision not in DECISIONS:
        messages.error(request, _("Choose whether to approve or reject the expense."))
        return redirect("expense_list")
    try:
        services.expense_decide(
            expense=expense, decided_by=request.user, approve=DECISIONS[decision]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Expense of %(amount)s approved.") % {"amount": euros(expense.amount)}
            if DECISIONS[decision]
            else _("Expense of %(amount)s rejected.") % {"amount": euros(expense.amount)},
        )
    return redirect("expense_list")


RECEIPT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@access(LEADS_AND_FACILITATORS)
@require_GET
def expense_receipt(request, pk):
    """The receipt, streamed after the access check; never cached, never sniffed."""
    expense = get_visible_or_404(Expense.objects, user=request.user, pk=pk)
    if not expense.receipt:
        raise Http404
    suffix = PurePath(expense.receipt.name).suffix.lower()
    content_type = RECEIPT_TYPES.get(suffix)
    if content_type is None:
        raise Http404
    try:
        handle = expense.receipt.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, filename=f"receipt-{expense.pk}{suffix}"
    )
    response["Content-Disposition"] = f'inline; filename="receipt-{expense.pk}{suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- totals for coordinators and funders ----------------------------------------------


@access(COORDINATORS)
@require_GET
def programme_grants(request):
    """The grants of the organisations in the user's programmes, each with its
    accountability report, and per programme the way to its funding per organisation."""
    ctx = {"programmes": selectors.programme_grants_for(user=request.user)}
    return render(request, "funding/programme_grants.html", ctx)


@access(COORDINATORS)
@require_GET
def programme_funding(request, pk):
    """Per organisation of the programme, a page at a time: grants, granted, received
    and approved spending, with the programme's totals. One aggregate query per figure;
    totals only."""
    programme = get_visible_or_404(Programme.objects, user=request.user, pk=pk)
    page, rows, total = selectors.programme_funding_page(
        programme=programme, number=request.GET.get("page")
    )
    ctx = {"programme": programme, "page": page, "rows": rows, "total": total}
    return render(request, "funding/programme_funding.html", ctx)


@access(FUNDERS)
@require_GET
def funder_grants(request):
    """The grants of the funds the user represents: organisation, period, granted,
    received, approved spending per category against the budget, and the meetings
    condition. Totals only: never participants, expense descriptions or notes."""
    grants = list(selectors.funder_grants_for(user=request.user))
    grant_ids = [g.pk for g in grants]
    received = selectors.received_per_grant(grant_ids=grant_ids)
    budgets = selectors.budgets_against_actual(application_ids=[g.application_id for g in grants])
    held = selectors.meetings_held_per_grant(grant_ids=grant_ids)
    today = timezone.localdate()
    items = []
    for grant in grants:
        budget = budgets[grant.application_id]
        items.append(
            {
                "grant": grant,
                "received": received.get(grant.pk) or ZERO,
                "spent": budget.total_actual,
                "rows": budget.rows,
                "condition": meetings_condition(
                    grant=grant, held=held.get(grant.pk, 0), today=today
                ),
            }
        )
    return render(request, "funding/funder_grants.html", {"items": items})
