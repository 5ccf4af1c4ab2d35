"""Issue 5's journey in a browser: a project lead creates a budget, records a grant and
approves an expense; plus axe on the funding pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from funding.models import BudgetLine, Grant
from tests.e2e.helpers import PHONE, SIZES, assert_clean, blocking_violations, sign_in, size_name
from tests.factories import ApplicationFactory, ExpenseFactory

pytestmark = pytest.mark.e2e


def _submit(page):
    page.locator("main form[method=post] button[type=submit]").last.click()


@pytest.mark.parametrize("viewport", [PHONE])
def test_lead_budgets_records_a_grant_and_approves_an_expense(open_page, world, viewport):
    application = ApplicationFactory(
        organisation=world.org_a,
        fund=world.fund,
        title="Walking and talking",
        groups=[world.group_a2],
        status="submitted",
        amount_requested=Decimal("1200.00"),
    )
    expense = ExpenseFactory(
        group=world.group_a2,
        submitted_by=world.users["lead_a"],
        amount=Decimal("80.00"),
        description="Bus tickets for the outing",
        category="outings",
    )
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)

    # 1. The budget: two lines and the coverage, which balances.
    page.goto(watched.url("budget_edit", application.pk))
    page.locator("#id_budget-0-category").select_option("room")
    page.locator("#id_budget-0-description").fill("Room rent")
    page.locator("#id_budget-0-quantity").fill("12")
    page.locator("#id_budget-0-unit_cost").fill("50")
    page.locator("#id_budget-1-category").select_option("outings")
    page.locator("#id_budget-1-description").fill("Two outings")
    page.locator("#id_budget-1-quantity").fill("2")
    page.locator("#id_budget-1-unit_cost").fill("300")
    page.locator("#id_coverage-0-kind").select_option("fund")
    page.locator("#id_coverage-0-amount").fill("1200")
    watched.screenshot("lead-budget-phone")
    _submit(page)
    page.wait_for_load_state()
    assert BudgetLine.objects.filter(application=application).count() == 2
    expect(page.get_by_text("balanced", exact=False).first).to_be_visible()

    # 2. The grant.
    page.goto(watched.url("grant_edit", application.pk))
    page.locator("#id_amount").fill("1000")
    page.locator("#id_period_start").fill("2026-01-01")
    page.locator("#id_period_end").fill("2026-12-31")
    _submit(page)
    page.wait_for_load_state()
    grant = Grant.objects.get(application=application)
    assert grant.amount == Decimal("1000.00")
    assert grant.period_end == dt.date(2026, 12, 31)
    application.refresh_from_db()
    assert application.status == "partly_granted"

    # 3. Approve the expense.
    page.goto(watched.url("expense_list"))
    row = page.locator("tr", has_text="Bus tickets for the outing")
    row.locator("button[value=approve]").click()
    page.wait_for_load_state()
    expense.refresh_from_db()
    assert expense.status == "approved"
    watched.screenshot("lead-expenses-phone")
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_funding_pages_have_no_serious_accessibility_problems(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users["lead_a"].email)
    pages = [
        ("funds", watched.url("fund_list")),
        ("applications", watched.url("application_list")),
        ("application", watched.url("application_detail", world.application_a.pk)),
        ("budget", watched.url("budget_edit", world.application_a.pk)),
        ("spending", watched.url("budget_actual", world.application_a.pk)),
        ("expenses", watched.url("expense_list")),
        ("new expense", watched.url("expense_create")),
        ("readiness", watched.url("group_readiness", world.group_a1.pk)),
        ("volunteers", watched.url("volunteer_list")),
        ("volunteer", watched.url("volunteer_detail", world.volunteer_a.pk)),
    ]
    problems = []
    for label, url in pages:
        page.goto(url)
        problems += blocking_violations(page, label)
        if viewport == PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"] + 1:
                problems.append(f"{label}: {width} px wide at {PHONE['width']} px")
        watched.screenshot(f"lead-{label.replace(' ', '-')}-{size}")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
    assert reverse("expense_list")
