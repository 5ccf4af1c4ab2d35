"""Writes for funding. Money is Decimal; every function validates and is atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, Organisation, Programme
from stetapp.services import UNSET, Unset, given, model_update

from . import receipts
from .models import (
    MANUAL_READINESS,
    STATUS_FLOW,
    AllowancePayment,
    ApplicationStatus,
    BudgetLine,
    Expense,
    ExpenseStatus,
    FacilitatorProfile,
    Fund,
    FundingApplication,
    FundScope,
    Grant,
    GrantPayment,
    NeedSignal,
    ReadinessCheck,
    Volunteer,
    VolunteerHours,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.forms import BaseInlineFormSet

    from meetings.models import Meeting
    from stetapp.models import User

M = TypeVar("M", bound=models.Model)

# The fields each service writes, one list per form/service pair: the matching form's
# Meta.fields is the same constant (funding/forms_*.py) and the service's keyword
# parameters are these names (tests/funding/test_services.py pins both).
FUND_FIELDS = (
    "name",
    "focus",
    "scope",
    "region",
    "max_amount",
    "description",
    "needs_kvk_extract",
    "needs_statutes",
    "needs_annual_accounts",
    "has_quick_check",
    "deadlines",
    "advance_percentage",
    "pays_after_report",
    "accountant_statement_above",
    "website",
    "notes",
)
# The proposal's sections, in the order of the form and the PDF.
SECTION_FIELDS = (
    "introduction",
    "project_description",
    "risk_analysis",
    "duration",
    "team",
    "budget_notes",
    "monitoring",
)
APPLICATION_CREATE_FIELDS = (
    "organisation",
    "fund",
    "title",
    "groups",
    "amount_requested",
    "deadline",
)
APPLICATION_EDIT_FIELDS = (
    "title",
    "fund",
    "groups",
    "amount_requested",
    "deadline",
    *SECTION_FIELDS,
)
GRANT_FIELDS = (
    "amount",
    "period_start",
    "period_end",
    "conditions",
    "min_meetings",
    "report_due",
)


def receipt_check(upload: UploadedFile[Any]) -> str:
    """Raise ValidationError unless the upload is a non-empty PDF, PNG or JPEG within
    STETAPP_RECEIPT_MAX_BYTES that opens as a whole (funding.receipts); return the file
    suffix that fits its content."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"receipt": _("The file is empty.")})
    if size > settings.STETAPP_RECEIPT_MAX_BYTES:
        raise ValidationError(
            {
                "receipt": _("The file is too large (at most %(mb)d MB).")
                % {"mb": settings.STETAPP_RECEIPT_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    data = upload.read(settings.STETAPP_RECEIPT_MAX_BYTES + 1)
    upload.seek(0)
    suffix = receipts.suffix_for(data[:16])
    if suffix is None:
        raise ValidationError({"receipt": _("Upload a PDF, JPG or PNG file.")})
    problem = receipts.content_problem(data, suffix)
    if problem is not None:
        raise ValidationError({"receipt": problem})
    return suffix


@transaction.atomic
def application_set_status(
    *, application: FundingApplication, status: str, on: dt.date | None = None
) -> FundingApplication:
    """Move an application along draft → submitted → granted / partly granted / rejected →
    reported → closed. Raises ValidationError for a step that is not allowed."""
    application = FundingApplication.objects.select_for_update().get(pk=application.pk)
    current = ApplicationStatus(application.status)
    if status not in {s.value for s in STATUS_FLOW[current]}:
        raise ValidationError(
            {
                "status": _("An application that is %(current)s cannot become %(new)s.")
                % {
                    "current": current.label,
                    "new": ApplicationStatus(status).label
                    if status in ApplicationStatus.values
                    else status,
                }
            }
        )
    day = on or timezone.localdate()
    application.status = status
    fields = ["status", "updated_at"]
    if status == ApplicationStatus.SUBMITTED:
        application.submitted_on = day
        fields.append("submitted_on")
    if status in (
        ApplicationStatus.GRANTED,
        ApplicationStatus.PARTLY_GRANTED,
        ApplicationStatus.REJECTED,
    ):
        application.decided_on = day
        fields.append("decided_on")
    application.save(update_fields=fields)
    return application


@transaction.atomic
def fund_create(
    *,
    name: str,
    focus: str = "",
    scope: str = FundScope.NATIONAL,
    region: str = "",
    max_amount: Decimal | None = None,
    description: str = "",
    needs_kvk_extract: bool = False,
    needs_statutes: bool = False,
    needs_annual_accounts: bool = False,
    has_quick_check: bool = False,
    deadlines: str = "",
    advance_percentage: int | None = None,
    pays_after_report: bool = False,
    accountant_statement_above: Decimal | None = None,
    website: str = "",
    notes: str = "",
    kept_by_organisation: Organisation | None = None,
    kept_by_programme: Programme | None = None,
    shared: bool = False,
) -> Fund:
    """Add a fund to the shared catalogue, kept (changed later) by the organisation or the
    programme that added it (decision 31). `shared`: kept by nobody, so that only site
    administrators change it (the view offers this only to them, decision 36)."""
    keepers = (kept_by_organisation is not None) + (kept_by_programme is not None)
    if keepers != (0 if shared else 1):
        raise ValidationError(_("Say which organisation or programme keeps this fund."))
    fund = Fund(
        name=name.strip(),
        focus=focus.strip(),
        scope=scope,
        region=region.strip(),
        max_amount=max_amount,
        description=description.strip(),
        needs_kvk_extract=needs_kvk_extract,
        needs_statutes=needs_statutes,
        needs_annual_accounts=needs_annual_accounts,
        has_quick_check=has_quick_check,
        deadlines=deadlines.strip(),
        advance_percentage=advance_percentage,
        pays_after_report=pays_after_report,
        accountant_statement_above=accountant_statement_above,
        website=website.strip(),
        notes=notes.strip(),
        kept_by_organisation=kept_by_organisation,
        kept_by_programme=kept_by_programme,
    )
    fund.full_clean()
    fund.save()
    return fund


@transaction.atomic
def fund_update(
    *,
    fund: Fund,
    name: str | Unset = UNSET,
    focus: str | Unset = UNSET,
    scope: str | Unset = UNSET,
    region: str | Unset = UNSET,
    max_amount: Decimal | None | Unset = UNSET,
    description: str | Unset = UNSET,
    needs_kvk_extract: bool | Unset = UNSET,
    needs_statutes: bool | Unset = UNSET,
    needs_annual_accounts: bool | Unset = UNSET,
    has_quick_check: bool | Unset = UNSET,
    deadlines: str | Unset = UNSET,
    advance_percentage: int | None | Unset = UNSET,
    pays_after_report: bool | Unset = UNSET,
    accountant_statement_above: Decimal | None | Unset = UNSET,
    website: str | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> Fund:
    """Change the FUND_FIELDS given; writes only what changed (model_update). Its keeper
    does not change here."""
    data = given(
        name=name,
        focus=focus,
        scope=scope,
        region=region,
        max_amount=max_amount,
        description=description,
        needs_kvk_extract=needs_kvk_extract,
        needs_statutes=needs_statutes,
        needs_annual_accounts=needs_annual_accounts,
        has_quick_check=has_quick_check,
        deadlines=deadlines,
        advance_percentage=advance_percentage,
        pays_after_report=pays_after_report,
        accountant_statement_above=accountant_statement_above,
        website=website,
        notes=notes,
    )
    fund, _changed = model_update(instance=fund, fields=FUND_FIELDS, data=data)
    return fund


def _check_groups(*, organisation: Organisation, groups: Iterable[Group]) -> None:
    if any(g.organisation_id != organisation.pk for g in groups):
        raise ValidationError({"groups": _("Choose groups of the application's organisation.")})


@transaction.atomic
def application_create(
    *,
    created_by: User,
    organisation: Organisation,
    fund: Fund,
    title: str,
    groups: Iterable[Group] = (),
    amount_requested: Decimal,
    deadline: dt.date | None = None,
) -> FundingApplication:
    """A new application (status draft) of `organisation` to `fund`, covering `groups`
    of that organisation."""
    groups = list(groups)
    _check_groups(organisation=organisation, groups=groups)
    application = FundingApplication(
        organisation=organisation,
        fund=fund,
        title=title.strip(),
        amount_requested=amount_requested,
        deadline=deadline,
        created_by=created_by,
    )
    application.full_clean()
    application.save()
    application.groups.set(groups)
    return application


@transaction.atomic
def application_update(
    *,
    application: FundingApplication,
    title: str | Unset = UNSET,
    fund: Fund | Unset = UNSET,
    groups: Iterable[Group] | Unset = UNSET,
    amount_requested: Decimal | Unset = UNSET,
    deadline: dt.date | None | Unset = UNSET,
    introduction: str | Unset = UNSET,
    project_description: str | Unset = UNSET,
    risk_analysis: str | Unset = UNSET,
    duration: str | Unset = UNSET,
    team: str | Unset = UNSET,
    budget_notes: str | Unset = UNSET,
    monitoring: str | Unset = UNSET,
) -> FundingApplication:
    """Change the APPLICATION_EDIT_FIELDS given; its groups must belong to the
    application's organisation."""
    if groups is not UNSET:
        groups = list(groups)
        _check_groups(organisation=application.organisation, groups=groups)
    data = given(
        title=title,
        fund=fund,
        amount_requested=amount_requested,
        deadline=deadline,
        introduction=introduction,
        project_description=project_description,
        risk_analysis=risk_analysis,
        duration=duration,
        team=team,
        budget_notes=budget_notes,
        monitoring=monitoring,
    )
    fields = [f for f in APPLICATION_EDIT_FIELDS if f != "groups"]
    application, _changed = model_update(instance=application, fields=fields, data=data)
    if groups is not UNSET:
        application.groups.set(groups)
    return application


@transaction.atomic
def budget_plan_save(
    *,
    budget_lines: BaseInlineFormSet[Any, Any, Any],
    coverage_lines: BaseInlineFormSet[Any, Any, Any],
) -> None:
    """Save the budget lines and the coverage plan of an application together or not at
    all. Both are bound, valid inline formsets of the application (forms_applications:
    BudgetLineFormSet, CoverageLineFormSet): their rows are created, changed and deleted
    as the formsets say."""
    budget_lines.save()
    coverage_lines.save()


@transaction.atomic
def grant_update(
    *,
    grant: Grant,
    amount: Decimal | Unset = UNSET,
    period_start: dt.date | Unset = UNSET,
    period_end: dt.date | Unset = UNSET,
    conditions: str | Unset = UNSET,
    min_meetings: int | None | Unset = UNSET,
    report_due: dt.date | None | Unset = UNSET,
) -> Grant:
    """Change the GRANT_FIELDS given; the amount may not drop below the payments
    already received."""
    if amount is not UNSET:
        received = sum((p.amount for p in grant.payments.all()), Decimal("0"))
        if amount < received:
            raise ValidationError(
                {"amount": _("The payments already received are more than this amount.")}
            )
    data = given(
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        conditions=conditions,
        min_meetings=min_meetings,
        report_due=report_due,
    )
    grant, _changed = model_update(instance=grant, fields=GRANT_FIELDS, data=data)
    return grant


@transaction.atomic
def grant_register(
    *,
    application: FundingApplication,
    amount: Decimal,
    period_start: dt.date,
    period_end: dt.date,
    conditions: str = "",
    min_meetings: int | None = None,
    report_due: dt.date | None = None,
) -> Grant:
    """Record the fund's decision to give money: the application becomes granted, or
    partly granted when the amount is less than requested."""
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be granted."))
    grant = Grant(
        application=application,
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        conditions=conditions.strip(),
        min_meetings=min_meetings,
        report_due=report_due,
    )
    grant.full_clean()
    grant.save()
    status = (
        ApplicationStatus.PARTLY_GRANTED
        if amount < application.amount_requested
        else ApplicationStatus.GRANTED
    )
    application_set_status(application=application, status=status)
    return grant


@transaction.atomic
def grant_payment_record(
    *, grant: Grant, received_on: dt.date, amount: Decimal, note: str = ""
) -> GrantPayment:
    payment = GrantPayment(grant=grant, received_on=received_on, amount=amount, note=note)
    payment.full_clean()
    received = sum((p.amount for p in grant.payments.all()), Decimal("0")) + amount
    if received > grant.amount:
        raise ValidationError(
            {"amount": _("Together with earlier payments this is more than the grant.")}
        )
    payment.save()
    return payment


@transaction.atomic
def expense_submit(
    *,
    group: Group,
    submitted_by: User,
    spent_on: dt.date,
    amount: Decimal,
    description: str,
    category: str,
    grant: Grant | None = None,
    budget_line: BudgetLine | None = None,
    meeting: Meeting | None = None,
    receipt: UploadedFile[Any] | None = None,
) -> Expense:
    """A facilitator or project lead submits an expense; a receipt is checked by its
    content and stored privately under a random name."""
    expense = Expense(
        group=group,
        submitted_by=submitted_by,
        spent_on=spent_on,
        amount=amount,
        description=description.strip(),
        category=category,
        grant=grant,
        budget_line=budget_line,
        meeting=meeting,
    )
    suffix = receipt_check(receipt) if receipt is not None else ""
    expense.full_clean(exclude=["receipt"])
    organisation_id = group.organisation_id
    if grant is not None and grant.application.organisation_id != organisation_id:
        raise ValidationError({"grant": _("Choose a grant of the group's organisation.")})
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this group.")})
    if budget_line is not None and budget_line.application.organisation_id != organisation_id:
        raise ValidationError({"budget_line": _("Choose a line of your organisation's budget.")})
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if receipt is not None:
        # Stored under the suffix its content shows (receipt.png named .pdf is a .png):
        # the receipt view takes the Content-Type from it.
        receipt.name = f"receipt{suffix}"
        expense.receipt = receipt
    expense.save()
    return expense


@transaction.atomic
def expense_decide(*, expense: Expense, decided_by: User, approve: bool) -> Expense:
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    if expense.status != ExpenseStatus.SUBMITTED:
        raise ValidationError(_("This expense was already decided on."))
    expense.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED
    expense.decided_by = decided_by
    expense.decided_at = timezone.now()
    expense.save(update_fields=["status", "decided_by", "decided_at"])
    return expense


@transaction.atomic
def allowance_pay(
    *,
    volunteer: Volunteer,
    paid_on: dt.date,
    amount: Decimal,
    note: str = "",
    confirmed: bool = False,
) -> tuple[AllowancePayment | None, list[str]]:
    """Record an allowance. When it would take the volunteer over a tax-free maximum,
    nothing is saved and the warnings are returned, unless `confirmed` (the project lead
    saw the warning and pays anyway, e.g. against proven costs)."""
    from .selectors import allowance_warnings

    payment = AllowancePayment(volunteer=volunteer, paid_on=paid_on, amount=amount, note=note)
    payment.full_clean()
    warnings = allowance_warnings(volunteer=volunteer, on=paid_on, extra=amount)
    if warnings and not confirmed:
        return None, warnings
    payment.save()
    return payment, warnings


# --- readiness, facilitator profiles, volunteers (views_readiness.py) -------------------


@transaction.atomic
def readiness_toggle(*, group: Group, key: str, by: User, note: str = "") -> ReadinessCheck | None:
    """Tick a readiness item the project lead answers, or untick it when it is ticked.
    Returns the ReadinessCheck, or None when it was unticked."""

    if key not in {k.value for k in MANUAL_READINESS}:
        raise ValidationError(_("This item cannot be ticked by hand."))
    existing = ReadinessCheck.objects.select_for_update().filter(group=group, key=key).first()
    if existing is not None:
        existing.delete()
        return None
    check = ReadinessCheck(group=group, key=key, note=note.strip()[:200], checked_by=by)
    check.full_clean()
    check.save()
    return check


@transaction.atomic
def need_signal_record(
    *,
    group: Group,
    by: User,
    community: str,
    signs: str,
    key_figures: str,
    signalled_on: dt.date,
) -> NeedSignal:
    signal = NeedSignal(
        group=group,
        community=community.strip(),
        signs=signs.strip(),
        key_figures=key_figures.strip(),
        signalled_on=signalled_on,
        recorded_by=by,
    )
    signal.full_clean()
    signal.save()
    return signal


FACILITATOR_PROFILE_FIELDS = (
    "languages",
    "motivation",
    "hours_per_week",
    "cultural_knowledge",
    "local_network",
)
# The volunteer's own fields; the form and volunteer_save also take its `groups`.
VOLUNTEER_FIELDS = ("full_name", "user", "email", "phone", "under_21", "active")


def _set_new(instance: M, *, fields: Iterable[str], data: dict[str, Any]) -> M:
    """Set those of `fields` that `data` holds on a new, unsaved `instance`, text
    stripped as model_update does; then validate and save it."""
    for name in fields:
        if name in data:
            value = data[name]
            setattr(instance, name, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def facilitator_profile_save(
    *,
    user: User,
    languages: Iterable[str] | Unset = UNSET,
    motivation: str | Unset = UNSET,
    hours_per_week: Decimal | None | Unset = UNSET,
    cultural_knowledge: str | Unset = UNSET,
    local_network: str | Unset = UNSET,
) -> FacilitatorProfile:
    """Create the user's facilitator profile on first save (fields not given keep the
    model's defaults), update the fields given afterwards."""
    if languages is not UNSET:
        languages = list(languages)
    data = given(
        languages=languages,
        motivation=motivation,
        hours_per_week=hours_per_week,
        cultural_knowledge=cultural_knowledge,
        local_network=local_network,
    )
    profile = FacilitatorProfile.objects.select_for_update().filter(user=user).first()
    if profile is not None:
        profile, _changed = model_update(
            instance=profile, fields=FACILITATOR_PROFILE_FIELDS, data=data
        )
        return profile
    return _set_new(FacilitatorProfile(user=user), fields=FACILITATOR_PROFILE_FIELDS, data=data)


@transaction.atomic
def volunteer_save(
    *,
    organisation: Organisation,
    volunteer: Volunteer | None = None,
    full_name: str | Unset = UNSET,
    user: User | None | Unset = UNSET,
    email: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    under_21: bool | Unset = UNSET,
    groups: Iterable[Group] | Unset = UNSET,
    active: bool | Unset = UNSET,
) -> Volunteer:
    """Create a volunteer of `organisation` (no `volunteer`; fields not given keep the
    model's defaults, a name is required) or change the fields given of `volunteer`;
    groups and account must belong to that organisation."""
    from django.db.models import Q

    from groups.models import Membership

    if groups is not UNSET:
        groups = list(groups)
        for group in groups:
            if group.organisation_id != organisation.pk:
                raise ValidationError(
                    {"groups": _("Choose groups of the volunteer's organisation.")}
                )
    if user is not UNSET and user is not None:
        member = (
            Membership.objects.filter(user=user)
            .filter(Q(organisation=organisation) | Q(group__organisation=organisation))
            .exists()
        )
        if not member:
            raise ValidationError({"user": _("Choose an account of the organisation.")})
    data = given(
        full_name=full_name,
        user=user,
        email=email,
        phone=phone,
        under_21=under_21,
        active=active,
    )
    if volunteer is None:
        volunteer = _set_new(
            Volunteer(organisation=organisation), fields=VOLUNTEER_FIELDS, data=data
        )
    else:
        volunteer, _changed = model_update(instance=volunteer, fields=VOLUNTEER_FIELDS, data=data)
    if groups is not UNSET:
        volunteer.groups.set(groups)
    return volunteer


@transaction.atomic
def volunteer_hours_record(
    *,
    volunteer: Volunteer,
    group: Group,
    worked_on: dt.date,
    hours: Decimal,
    meeting: Meeting | None = None,
) -> VolunteerHours:
    if group.organisation_id != volunteer.organisation_id:
        raise ValidationError({"group": _("Choose a group of the volunteer's organisation.")})
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this group.")})
    record = VolunteerHours(
        volunteer=volunteer, group=group, worked_on=worked_on, hours=hours, meeting=meeting
    )
    record.full_clean()
    record.save()
    return record
