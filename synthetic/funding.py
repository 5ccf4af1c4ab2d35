"""Fictional funds, applications, grants, expenses and volunteers for the demo (called by
`manage.py seed_demo`). Idempotent: looked up by name before anything is created."""

import datetime as dt
from decimal import Decimal

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

FUNDS = [
    ("Fonds Samen Oud (demo)", FundScope.NATIONAL, "Ouderen en eenzaamheid", "15000.00", True),
    ("Stadsfonds Verbinding (demo)", FundScope.LOCAL, "Ontmoeting in de wijk", "5000.00", False),
]

BUDGET = [  # category, description, unit, quantity, unit cost
    ("room", "Huur besloten ruimte", "bijeenkomst", "24", "45.00"),
    ("catering", "Koffie, thee en lunch", "bijeenkomst", "24", "60.00"),
    ("activities", "Materialen en activiteiten", "bijeenkomst", "24", "25.00"),
    ("outings", "Twee uitjes met vervoer", "uitje", "2", "450.00"),
    ("volunteers", "Vrijwilligersvergoeding", "maand", "12", "100.00"),
    ("interpreters", "Tolk bij voorlichting", "uur", "6", "55.00"),
    ("contingency", "Onvoorzien", "post", "1", "250.00"),
]


def seed_funding(*, organisations, groups, lead, fund) -> int:
    """`fund` is the demo funder's fund; it receives the first organisation's application."""
    funds = [fund]
    for name, scope, focus, maximum, kvk in FUNDS:
        f, _ = Fund.objects.get_or_create(
            name=name,
            defaults={
                "scope": scope,
                "focus": focus,
                "max_amount": Decimal(maximum),
                "needs_kvk_extract": kvk,
                "needs_statutes": kvk,
                "needs_annual_accounts": True,
                "deadlines": "1 maart en 1 september",
                "advance_percentage": 75,
                "pays_after_report": not kvk,
            },
        )
        funds.append(f)
    organisation = organisations[0]
    own_groups = [g for g in groups if g.organisation_id == organisation.pk]
    application, created = FundingApplication.objects.get_or_create(
        organisation=organisation,
        title="Samen tegen Eenzaamheid Rotterdam-Zuid 2026",
        defaults={
            "fund": fund,
            "amount_requested": Decimal("6000.00"),
            "status": ApplicationStatus.GRANTED,
            "submitted_on": dt.date(2025, 10, 1),
            "decided_on": dt.date(2025, 11, 15),
            "created_by": lead,
            "introduction": "Oudere migranten in Feijenoord en Charlois voelen zich vaak "
            "eenzaam; sleutelfiguren zien dat mensen thuis blijven.",
            "project_description": "Twee besloten groepen komen elke twee weken samen en "
            "kiezen zelf hun thema's en activiteiten.",
        },
    )
    if created:
        application.groups.set(own_groups[:2])
        for category, description, unit, quantity, cost in BUDGET:
            BudgetLine.objects.create(
                application=application,
                category=category,
                description=description,
                unit=unit,
                quantity=Decimal(quantity),
                unit_cost=Decimal(cost),
            )
        CoverageLine.objects.create(
            application=application,
            kind="fund",
            fund=fund,
            amount=Decimal("6000.00"),
            status="granted",
        )
        CoverageLine.objects.create(
            application=application,
            kind="own_in_kind",
            source_name="Uren projectleider",
            amount=Decimal("1565.00"),
            status="granted",
        )
        grant = Grant.objects.create(
            application=application,
            amount=Decimal("5500.00"),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            min_meetings=10,
            conditions="Minstens tien bijeenkomsten per groep.",
            report_due=dt.date(2027, 3, 1),
        )
        GrantPayment.objects.create(
            grant=grant,
            received_on=dt.date(2026, 1, 20),
            amount=Decimal("4125.00"),
            note="Voorschot 75%",
        )
        for i, group in enumerate(own_groups[:2]):
            for month in range(1, 11):
                for category, amount, description in (
                    ("room", "90.00", "Huur zaal"),
                    ("catering", "118.40", "Boodschappen lunch"),
                ):
                    Expense.objects.create(
                        group=group,
                        grant=grant,
                        category=category,
                        spent_on=dt.date(2026, month, 5 + i),
                        amount=Decimal(amount),
                        description=f"{description} {month}/2026",
                        submitted_by=lead,
                        status=ExpenseStatus.APPROVED if month < 10 else ExpenseStatus.SUBMITTED,
                        decided_by=lead if month < 10 else None,
                    )
        FundingApplication.objects.create(
            organisation=organisation,
            fund=funds[2],
            title="Uitjes en ontmoeting 2027",
            amount_requested=Decimal("3500.00"),
            deadline=dt.date(2027, 1, 15),
            created_by=lead,
        )
    for organisation in organisations:
        volunteer, made = Volunteer.objects.get_or_create(
            organisation=organisation,
            full_name=f"Vrijwilliger {organisation.city}",
            defaults={"phone": "06 0000 9999"},
        )
        if made:
            group = next((g for g in groups if g.organisation_id == organisation.pk), None)
            if group is not None:
                volunteer.groups.add(group)
                for month in range(1, 11):
                    VolunteerHours.objects.create(
                        volunteer=volunteer,
                        group=group,
                        worked_on=dt.date(2025, month, 10),
                        hours=Decimal("8"),
                    )
                    AllowancePayment.objects.create(
                        volunteer=volunteer,
                        paid_on=dt.date(2025, month, 28),
                        amount=Decimal("40.00"),
                    )
    return FundingApplication.objects.count()


def seed_profiles(*, facilitators_by_language):
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
