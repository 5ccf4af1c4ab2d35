"""The rules behind applications: the status flow, grant_register's granted or partly
granted, and the balance of the budget and coverage plan (Decimal, to the cent)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import ApplicationStatus
from funding.selectors import application_balance
from funding.services import application_set_status, grant_register
from tests.factories import ApplicationFactory, BudgetLineFactory, CoverageLineFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def _walk(application, *statuses):
    for status in statuses:
        application = application_set_status(
            application=application, status=status, on=dt.date(2026, 3, 1)
        )
    return application


@pytest.mark.parametrize(
    "path",
    [
        [S.SUBMITTED, S.GRANTED, S.REPORTED, S.CLOSED],
        [S.SUBMITTED, S.PARTLY_GRANTED, S.REPORTED, S.CLOSED],
        [S.SUBMITTED, S.REJECTED, S.CLOSED],
        [S.SUBMITTED, S.DRAFT, S.SUBMITTED],
    ],
)
def test_allowed_paths(path):
    application = _walk(ApplicationFactory(), *path)
    application.refresh_from_db()
    assert application.status == path[-1]


def test_submitting_and_deciding_record_the_days():
    application = _walk(ApplicationFactory(), S.SUBMITTED)
    assert application.submitted_on == dt.date(2026, 3, 1)
    application = application_set_status(
        application=application, status=S.GRANTED, on=dt.date(2026, 5, 1)
    )
    application.refresh_from_db()
    assert application.decided_on == dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("before", "jump"),
    [
        ([], S.GRANTED),
        ([], S.CLOSED),
        ([], S.REPORTED),
        ([S.SUBMITTED], S.REPORTED),
        ([S.SUBMITTED], S.CLOSED),
        ([S.SUBMITTED, S.REJECTED], S.REPORTED),
        ([S.SUBMITTED, S.GRANTED], S.DRAFT),
        ([S.SUBMITTED, S.REJECTED, S.CLOSED], S.DRAFT),
        ([], "nonsense"),
    ],
)
def test_disallowed_jumps_raise_and_change_nothing(before, jump):
    application = _walk(ApplicationFactory(), *before)
    status = application.status
    with pytest.raises(ValidationError):
        application_set_status(application=application, status=jump)
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("4999.99"), S.PARTLY_GRANTED),
        (Decimal("5000.00"), S.GRANTED),
        (Decimal("2500.00"), S.PARTLY_GRANTED),
    ],
)
def test_grant_register_grants_or_partly_grants(amount, expected):
    application = _walk(ApplicationFactory(amount_requested=Decimal("5000.00")), S.SUBMITTED)
    grant = grant_register(
        application=application,
        amount=amount,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    application.refresh_from_db()
    assert application.status == expected
    assert grant.amount == amount


def test_grant_register_needs_a_submitted_application():
    application = ApplicationFactory()
    with pytest.raises(ValidationError):
        grant_register(
            application=application,
            amount=Decimal("100.00"),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_balance_of_an_empty_plan_is_balanced_at_zero():
    balance = application_balance(application=ApplicationFactory())
    assert (balance.costs, balance.coverage, balance.difference) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert balance.balanced


def test_balanced_plan():
    application = ApplicationFactory()
    BudgetLineFactory(application=application, quantity=Decimal("10"), unit_cost=Decimal("50"))
    CoverageLineFactory(application=application, amount=Decimal("300.00"))
    CoverageLineFactory(application=application, amount=Decimal("200.00"), kind="own_cash")
    balance = application_balance(application=application)
    assert balance.costs == Decimal("500.00")
    assert balance.coverage == Decimal("500.00")
    assert balance.balanced


def test_short_and_surplus_by_the_cent():
    application = ApplicationFactory()
    BudgetLineFactory(application=application, quantity=Decimal("3"), unit_cost=Decimal("33.33"))
    line = CoverageLineFactory(application=application, amount=Decimal("99.98"))
    balance = application_balance(application=application)
    assert balance.costs == Decimal("99.99")
    assert balance.difference == Decimal("-0.01")
    assert not balance.balanced

    line.amount = Decimal("100.00")
    line.save(update_fields=["amount"])
    balance = application_balance(application=application)
    assert balance.difference == Decimal("0.01")

    line.amount = Decimal("99.99")
    line.save(update_fields=["amount"])
    balance = application_balance(application=application)
    assert balance.balanced
    assert isinstance(balance.costs, Decimal)
    assert isinstance(balance.coverage, Decimal)


def test_fractional_quantities_and_many_lines_stay_exact():
    application = ApplicationFactory()
    for _ in range(7):
        BudgetLineFactory(
            application=application, quantity=Decimal("1.5"), unit_cost=Decimal("0.10")
        )
    CoverageLineFactory(application=application, amount=Decimal("1.05"))
    balance = application_balance(application=application)
    assert balance.costs == Decimal("1.05")
    assert balance.balanced


def test_balance_counts_only_its_own_application():
    application, other = ApplicationFactory(), ApplicationFactory()
    BudgetLineFactory(application=other, quantity=Decimal("1"), unit_cost=Decimal("999"))
    CoverageLineFactory(application=other, amount=Decimal("5.00"))
    balance = application_balance(application=application)
    assert balance.costs == Decimal("0.00")
    assert balance.coverage == Decimal("0.00")
