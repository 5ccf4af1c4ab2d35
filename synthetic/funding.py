"""Funding builders: funds, a granted application with its budget, coverage, grant,
advance and a year of expenses; volunteers with their hours and allowances; facilitator
profiles. Idempotent: looked up by name (or title) before anything is created.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from funding.models import (
    AllowancePayment,
    ApplicationStatus,
    BudgetLine,
    CoverageLine,
    Expense,
    ExpenseStatus,
    FacilitatorProfile,
    Fund,
    FundingApplication,
    FundScope,
    Grant,
    GrantPayment,
    Volunteer,
    VolunteerHours,
)

from .base import BATCH, aware, ensure

FUNDS = [
    ("Fonds Samen Oud (demo)", FundScope.NATIONAL, "Ouderen en eenzaamheid", "15000.00", True),
    ("Stadsfonds Verbinding (demo)", FundScope.LOCAL, "Ontmoeting in de wijk", "5000.00", False),
]

# 5,500.00 in all: the amount the demo's grant covers.
BUDGET = [  # category, description, unit, quantity, unit cost
    ("room", "Huur besloten ruimte", "bijeenkomst", "24", "45.00"),
    ("catering", "Koffie, thee en lunch", "bijeenkomst", "24", "60.00"),
    ("activities", "Materialen en activiteiten", "bijeenkomst", "24", "25.00"),
    ("outings", "Twee uitjes met vervoer", "uitje", "2", "300.00"),
    ("volunteers", "Vrijwilligersvergoeding", "maand", "12", "100.00"),
    ("interpreters", "Tolk bij voorlichting", "uur", "6", "55.00"),
    ("contingency", "Onvoorzien", "post", "1", "250.00"),
]


def funds(rows: list[Fund]) -> list[Fund]:
    """The funds, by name."""
    return ensure(Fund, rows, key=("name",))[0]


def catalogue_funds() -> list[Fund]:
    """Two more funds of the shared catalogue, one national and one local."""
    return funds(
        [
            Fund(
                name=name,
                scope=scope,
                focus=focus,
                max_amount=Decimal(maximum),
                needs_kvk_extract=kvk,
                needs_statutes=kvk,
                needs_annual_accounts=True,
                deadlines="1 maart en 1 september",
                advance_percentage=75,
                pays_after_report=not kvk,
            )
            for name, scope, focus, maximum, kvk in FUNDS
        ]
    )


def granted_application(
    *,
    organisation,
    fund: Fund,
    groups,
    title: str,
    by,
    submitted_on: dt.date,
    decided_on: dt.date,
    budget,
    period: tuple[dt.date, dt.date],
    min_meetings: int,
    report_due: dt.date,
    advance: Decimal,
    requested: Decimal | None = None,
    granted: Decimal | None = None,
    own_in_kind: tuple[str, Decimal] | None = None,
    conditions: str = "",
    introduction: str = "",
    project_description: str = "",
    expenses=(),
    expense_days=(),
) -> Grant | None:
    """An application of `organisation` to `fund` for `groups`, granted: its budget lines
    (category, description, unit, quantity, unit cost), its coverage (the fund for the
    amount requested, which defaults to the budget's total, and optionally own
    contribution in kind), the grant (of `granted`, by default what was requested), the
    advance (a fraction) paid at the start, and for each group and each of `expense_days`
    one expense per row of `expenses` (category, amount, description), booked on the
    budget line of its category; the last day's are still waiting for a decision.
    Returns None, and changes nothing, when the organisation has an application of
    this title already."""
    if FundingApplication.objects.filter(organisation=organisation, title=title).exists():
        return None
    application = FundingApplication.objects.create(
        organisation=organisation,
        fund=fund,
        title=title,
        status=ApplicationStatus.GRANTED,
        submitted_on=submitted_on,
        decided_on=decided_on,
        created_by=by,
        introduction=introduction,
        project_description=project_description,
    )
    application.groups.set(groups)
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application,
            category=category,
            description=description,
            unit=unit,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
        )
        for category, description, unit, quantity, cost in budget
    )
    if requested is None:
        requested = sum((line.total for line in lines), Decimal("0.00"))
    application.amount_requested = requested
    application.save(update_fields=["amount_requested"])
    CoverageLine.objects.create(
        application=application, kind="fund", fund=fund, amount=requested, status="granted"
    )
    if own_in_kind is not None:
        CoverageLine.objects.create(
            application=application,
            kind="own_in_kind",
            source_name=own_in_kind[0],
            amount=own_in_kind[1],
            status="granted",
        )
    grant = Grant.objects.create(
        application=application,
        amount=granted if granted is not None else requested,
        period_start=period[0],
        period_end=period[1],
        min_meetings=min_meetings,
        conditions=conditions,
        report_due=report_due,
    )
    GrantPayment.objects.create(
        grant=grant,
        received_on=period[0] + dt.timedelta(days=19),
        amount=(grant.amount * advance).quantize(Decimal("0.01")),
        note=f"Voorschot {advance * 100:.0f}%",
    )
    line_of: dict[Any, Any] = {}
    for line in lines:
        line_of.setdefault(line.category, line)
    days = list(expense_days)
    Expense.objects.bulk_create(
        (
            Expense(
                group=group,
                grant=grant,
                budget_line=line_of.get(category),
                category=category,
                spent_on=day + dt.timedelta(days=i),
                amount=Decimal(amount),
                description=f"{description} {day.month}/{day.year}",
                submitted_by=by,
                status=ExpenseStatus.APPROVED if decided else ExpenseStatus.SUBMITTED,
                decided_by=by if decided else None,
                decided_at=aware(day + dt.timedelta(days=i + 1), dt.time(15)) if decided else None,
            )
            for i, group in enumerate(groups)
            for n, day in enumerate(days)
            for decided in [n < len(days) - 1]
            for category, amount, description in expenses
        ),
        batch_size=BATCH,
    )
    return grant


def volunteers(
    organisations,
    groups,
    *,
    days,
    hours=Decimal("8"),
    allowance=Decimal("40.00"),
    accounts: dict[int, Any] | None = None,
):
    """One volunteer per organisation, working in its first group on each of `days` and
    paid an allowance at the end of that month. `accounts` (organisation id → user) makes
    that volunteer someone with an account, under their own name."""
    accounts = accounts or {}

    def entry(organisation) -> Volunteer:
        user = accounts.get(organisation.pk)
        if user is not None:
            return Volunteer(
                organisation=organisation,
                full_name=user.full_name,
                user=user,
                email=user.email,
                phone="06 0000 9999",
            )
        return Volunteer(
            organisation=organisation,
            full_name=f"Vrijwilliger {organisation.city}",
            phone="06 0000 9999",
        )

    stored, created = ensure(
        Volunteer,
        (entry(organisation) for organisation in organisations),
        key=("full_name", "organisation_id"),
    )
    first_group: dict[int, Any] = {}
    for group in groups:
        first_group.setdefault(group.organisation_id, group)
    links, worked, paid = [], [], []
    for volunteer in created:
        group = first_group.get(volunteer.organisation_id)
        if group is None:
            continue
        links.append(Volunteer.groups.through(volunteer_id=volunteer.pk, group_id=group.pk))
        for day in days:
            worked.append(
                VolunteerHours(volunteer=volunteer, group=group, worked_on=day, hours=hours)
            )
            paid.append(
                AllowancePayment(volunteer=volunteer, paid_on=day.replace(day=28), amount=allowance)
            )
    Volunteer.groups.through.objects.bulk_create(links, batch_size=BATCH)
    VolunteerHours.objects.bulk_create(worked, batch_size=BATCH)
    AllowancePayment.objects.bulk_create(paid, batch_size=BATCH)
    return stored


def profiles(*, facilitators_by_language):
    for user, languages in facilitators_by_language:
        FacilitatorProfile.objects.get_or_create(
            user=user,
            defaults={
                "languages": languages,
                "hours_per_week": Decimal("8"),
                "motivation": "Ik ken de buurt en spreek de taal.",
                "local_network": "Moskee, buurthuis en huisartsen.",
            },
        )
