"""The money rules behind budget against actual (funding.selectors.budget_against_actual)
and the warnings the spending page derives from them."""

import datetime as dt
from decimal import Decimal

import pytest

from funding import selectors
from funding.models import Grant, required_meetings
from funding.views_money import meetings_condition, overspend_warnings
from tests.factories import ApplicationFactory, BudgetLineFactory, ExpenseFactory, GrantFactory

pytestmark = pytest.mark.django_db


def _rows(application):
    return {r.category: r for r in selectors.budget_against_actual(application=application).rows}


@pytest.fixture
def grant(world):
    application = ApplicationFactory(organisation=world.org_a, groups=[world.group_a1])
    BudgetLineFactory(
        application=application,
        category="catering",
        quantity=Decimal("10"),
        unit_cost=Decimal("20.00"),
    )
    BudgetLineFactory(
        application=application, category="room", quantity=Decimal("3"), unit_cost=Decimal("33.33")
    )
    return GrantFactory(application=application)


def _expense(world, grant, amount, category="catering", status="approved", **kwargs):
    return ExpenseFactory(
        group=world.group_a1,
        submitted_by=world.users["facilitator_a1"],
        grant=grant,
        amount=Decimal(amount),
        category=category,
        status=status,
        **kwargs,
    )


def test_only_approved_expenses_count(world, grant):
    _expense(world, grant, "50.00")
    _expense(world, grant, "999.00", status="submitted")
    _expense(world, grant, "777.00", status="rejected")
    rows = _rows(grant.application)
    assert rows["catering"].budgeted == Decimal("200.00")
    assert rows["catering"].actual == Decimal("50.00")
    assert rows["catering"].remaining == Decimal("150.00")
    assert not rows["catering"].overspent


def test_budget_line_bookings_count_once(world, grant):
    line = grant.application.budget_lines.get(category="room")
    _expense(world, grant, "10.00", category="room", budget_line=line)
    _expense(world, None, "5.00", category="room", budget_line=line)
    assert _rows(grant.application)["room"].actual == Decimal("15.00")


def test_decimal_exactness(world, grant):
    for _ in range(3):
        _expense(world, grant, "33.33", category="room")
    row = _rows(grant.application)["room"]
    assert row.budgeted == Decimal("99.99")
    assert row.actual == Decimal("99.99")
    assert row.remaining == Decimal("0.00")
    assert row.variance_percent == Decimal("0.0")
    assert not row.overspent
    assert isinstance(row.actual, Decimal)


def test_overspend_flag_variance_and_warning(world, grant):
    _expense(world, grant, "230.10")
    row = _rows(grant.application)["catering"]
    assert row.overspent
    assert row.variance_percent == Decimal("15.1")
    assert row.remaining == Decimal("-30.10")
    assert overspend_warnings([row]) == ["Catering is €30.10 over budget (+15.1 %)."]


def test_spending_without_budget(world, grant):
    _expense(world, grant, "1234.50", category="outings")
    row = _rows(grant.application)["outings"]
    assert row.budgeted == Decimal("0.00")
    assert row.variance_percent is None
    assert row.overspent
    assert overspend_warnings([row]) == [
        "Outings and transport has €1,234.50 spent without a budget."
    ]


def test_other_applications_do_not_count(world, grant):
    other = GrantFactory(application=ApplicationFactory(organisation=world.org_a))
    _expense(world, other, "80.00")
    assert _rows(grant.application)["catering"].actual == Decimal("0.00")


def test_categories_without_budget_or_spending_are_left_out(world, grant):
    assert set(_rows(grant.application)) == {"catering", "room"}


def test_meetings_condition_pro_rata(world, grant):
    grant.min_meetings = 10
    halfway = dt.date(2026, 7, 2)  # day 183 of 365
    behind = meetings_condition(grant=grant, held=4, today=halfway)
    assert behind["expected"] == 6 and behind["behind"] and not behind["ended"]
    on_track = meetings_condition(grant=grant, held=6, today=halfway)
    assert not on_track["behind"]
    ended = meetings_condition(grant=grant, held=9, today=dt.date(2027, 1, 5))
    assert ended["ended"] and ended["behind"] and ended["expected"] == 10
    assert meetings_condition(grant=grant, held=0, today=dt.date(2025, 12, 1))["behind"] is False


def test_no_condition_without_minimum(world, grant):
    grant.min_meetings = None
    assert meetings_condition(grant=grant, held=0, today=dt.date(2026, 6, 1)) is None


D = dt.date


def test_required_meetings_are_per_year_pro_rata():
    """Grant.min_meetings is a number per year (its help text); required_meetings scales
    it to a period: min × days / 365 rounded up, 29 February not counted."""
    assert required_meetings(10, D(2026, 1, 1), D(2026, 12, 31)) == 10  # one year
    assert required_meetings(10, D(2026, 1, 1), D(2027, 12, 31)) == 20  # two years
    assert required_meetings(10, D(2026, 1, 1), D(2026, 6, 30)) == 5  # six months, 181 days
    assert required_meetings(10, D(2028, 1, 1), D(2028, 12, 31)) == 10  # leap year
    assert required_meetings(10, D(2026, 1, 1), D(2026, 1, 1)) == 1
    assert required_meetings(12, D(2026, 1, 1), D(2027, 6, 30)) == 18
    assert required_meetings(None, D(2026, 1, 1), D(2026, 12, 31)) is None
    assert required_meetings(0, D(2026, 1, 1), D(2026, 12, 31)) is None


@pytest.mark.parametrize(
    ("end", "required"),
    [(D(2026, 12, 31), 10), (D(2027, 12, 31), 20), (D(2026, 6, 30), 5)],
)
def test_a_grant_requires_its_meetings_over_its_whole_term(end, required):
    grant = Grant(period_start=D(2026, 1, 1), period_end=end, min_meetings=10)
    assert grant.required_meetings() == required
    assert meetings_condition(grant=grant, held=0, today=D(2026, 1, 1))["minimum"] == required


def test_a_grant_without_minimum_requires_none():
    grant = Grant(period_start=D(2026, 1, 1), period_end=D(2027, 12, 31), min_meetings=None)
    assert grant.required_meetings() is None
    assert grant.required_meetings(D(2026, 1, 1), D(2026, 6, 30)) is None


def test_a_part_of_the_term_requires_its_share():
    grant = Grant(period_start=D(2026, 1, 1), period_end=D(2027, 12, 31), min_meetings=10)
    assert grant.required_meetings(D(2026, 1, 1), D(2026, 3, 31)) == 3  # 90 days
    condition = meetings_condition(grant=grant, held=5, today=D(2026, 12, 31))
    assert (condition["minimum"], condition["expected"], condition["behind"]) == (20, 10, True)


def test_totals_and_chart_of_budget_against_actual(world, grant):
    """One selector gives the rows, the totals and the paired-bar chart that the budget
    page, the funder's grants and the fund report all show."""
    _expense(world, grant, "230.00")
    budget = selectors.budget_against_actual(application=grant.application)
    assert (budget.total_budgeted, budget.total_actual, budget.total_remaining) == (
        Decimal("299.99"),
        Decimal("230.00"),
        Decimal("69.99"),
    )
    assert budget.total_variance_percent == Decimal("-23.3")
    # Catering: 200 budgeted, 230 spent (the largest value: the full width, flagged).
    bars = {row.label: row for row in budget.chart.rows}
    assert (bars["catering"].first_width, bars["catering"].second_width) == ("313", "360")
    assert bars["catering"].flagged and not bars["room rent"].flagged
    assert bars["room rent"].second_width == "0"


def test_several_applications_at_once_give_the_same_rows(world, grant):
    _expense(world, grant, "230.00")
    other = ApplicationFactory(organisation=world.org_a)
    both = selectors.budgets_against_actual(application_ids=[grant.application_id, other.pk])
    single = selectors.budget_against_actual(application=grant.application)
    assert both[grant.application_id].rows == single.rows
    assert both[other.pk].rows == [] and both[other.pk].chart is None
