"""GET/POST /applications/<pk>/budget/ — budget lines and coverage lines on one page,
saved together or not at all, with the totals and the balance."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import BudgetLine, CoverageLine
from tests.factories import ApplicationFactory
from tests.helpers import HOSTILE_SAMPLE


def _url(application):
    return reverse("budget_edit", args=[application.pk])


def _data(world, budget=(), coverage=(), delete_existing=False):
    """The formsets' POST: the existing lines of application_a first, then new rows."""
    budget_line = world.application_a.budget_lines.get()
    coverage_line = world.application_a.coverage_lines.get()
    data = {
        "budget-TOTAL_FORMS": str(1 + len(budget)),
        "budget-INITIAL_FORMS": "1",
        "budget-0-id": str(budget_line.pk),
        "budget-0-category": "room",
        "budget-0-description": "Room rent",
        "budget-0-unit": "meeting",
        "budget-0-quantity": "10",
        "budget-0-unit_cost": "50.00",
        "budget-0-vat_included": "on",
        "coverage-TOTAL_FORMS": str(1 + len(coverage)),
        "coverage-INITIAL_FORMS": "1",
        "coverage-0-id": str(coverage_line.pk),
        "coverage-0-kind": "fund",
        "coverage-0-fund": str(world.fund.pk),
        "coverage-0-amount": "500.00",
        "coverage-0-status": "granted",
    }
    if delete_existing:
        data["budget-0-DELETE"] = "on"
    for i, row in enumerate(budget, start=1):
        data.update({f"budget-{i}-{key}": value for key, value in row.items()})
    for i, row in enumerate(coverage, start=1):
        data.update({f"coverage-{i}-{key}": value for key, value in row.items()})
    return data


TEA = {"category": "catering", "description": "Tea", "quantity": "3", "unit_cost": "33.33"}
OWN = {"kind": "own_cash", "source_name": "Our savings", "amount": "99.99", "status": "received"}


def test_get_shows_the_formsets_and_the_balance(world):
    response = world.client_for("lead_a").get(_url(world.application_a))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="budget-TOTAL_FORMS"' in text
    assert 'name="coverage-TOTAL_FORMS"' in text
    assert "The plan is balanced" in text


def test_adds_lines_and_recomputes_the_balance(world):
    client = world.client_for("lead_a")
    response = client.post(_url(world.application_a), _data(world, budget=[TEA], coverage=[OWN]))
    assert response.status_code == 302
    assert response["Location"] == _url(world.application_a)
    tea = BudgetLine.objects.get(application=world.application_a, description="Tea")
    assert tea.total == Decimal("99.99")
    assert CoverageLine.objects.get(source_name="Our savings").amount == Decimal("99.99")
    text = client.get(_url(world.application_a)).content.decode()
    assert "The plan is balanced" in text
    assert "€599.99" in text


def test_deleting_a_line_makes_the_coverage_a_surplus(world):
    client = world.client_for("lead_a")
    response = client.post(_url(world.application_a), _data(world, delete_existing=True))
    assert response.status_code == 302
    assert not world.application_a.budget_lines.exists()
    text = client.get(_url(world.application_a)).content.decode()
    assert "The coverage is €500.00 more than the costs." in text


def test_dutch_decimal_commas(world):
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    row = {**TEA, "quantity": "2,5", "unit_cost": "12,50"}
    response = world.client_for("lead_a").post(_url(world.application_a), _data(world, [row]))
    assert response.status_code == 302
    assert BudgetLine.objects.get(description="Tea").total == Decimal("31.25")


@pytest.mark.parametrize(
    ("budget", "coverage"),
    [
        ([{**TEA, "unit_cost": "-1"}], [OWN]),
        ([{**TEA, "quantity": "many"}], [OWN]),
        ([{**TEA, "category": "caviar"}], [OWN]),
        ([TEA], [{**OWN, "amount": ""}]),
        ([TEA], [{**OWN, "status": "promised"}]),
    ],
)
def test_an_invalid_row_saves_nothing(world, budget, coverage):
    response = world.client_for("lead_a").post(
        _url(world.application_a), _data(world, budget, coverage)
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert world.application_a.budget_lines.count() == 1
    assert world.application_a.coverage_lines.count() == 1


def test_empty_post_rerenders_without_saving(world):
    response = world.client_for("lead_a").post(_url(world.application_a), {})
    assert response.status_code == 200
    assert world.application_a.budget_lines.count() == 1


def test_lines_of_another_application_cannot_be_edited(world):
    other = ApplicationFactory(organisation=world.org_b)
    foreign = BudgetLine.objects.create(
        application=other, category="room", quantity=1, unit_cost=Decimal("1.00")
    )
    data = _data(world)
    data["budget-0-id"] = str(foreign.pk)
    data["budget-0-unit_cost"] = "999.00"
    response = world.client_for("lead_a").post(_url(world.application_a), data)
    assert response.status_code in (200, 302)
    foreign.refresh_from_db()
    assert foreign.unit_cost == Decimal("1.00")
    assert foreign.application == other


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_descriptions_never_fail(world, hostile):
    row = {**TEA, "description": hostile}
    response = world.client_for("lead_a").post(_url(world.application_a), _data(world, [row]))
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_other_organisations_application_is_404(world):
    other = ApplicationFactory(organisation=world.org_b)
    assert world.client_for("lead_a").get(_url(other)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["facilitator_a1", "facilitator_b1", "volunteer_a1", "coordinator", "funder"]
)
def test_other_roles_are_refused(world, persona):
    response = world.client_for(persona).post(_url(world.application_a), _data(world, budget=[TEA]))
    assert response.status_code == 403
    assert world.application_a.budget_lines.count() == 1


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(_url(world.application_a)).status_code == 405


@pytest.mark.parametrize("extra_lines", [0, 12])
def test_query_count_does_not_grow_with_the_lines(
    world, extra_lines, warm, django_assert_num_queries
):
    from tests.factories import BudgetLineFactory, CoverageLineFactory, FundFactory

    for i in range(extra_lines):
        BudgetLineFactory(application=world.application_a, description=f"Line {i}")
        CoverageLineFactory(application=world.application_a, fund=FundFactory())
    client = world.client_for("lead_a")
    url = _url(world.application_a)
    warm(client, url)
    with django_assert_num_queries(12):
        # 1. the session  2. the user  3. the user's roles
        # 4. the application (visible_to)  5. may the user manage it (managed_by)
        # 6. the funds for the drop-downs, once for every coverage row
        # 7. the budget lines  8. the coverage lines (the formsets)
        # 9.-10. the balance: total costs, total coverage
        # 11.-12. the budget and coverage lines again, for the totals table
        response = client.get(url)
    assert response.status_code == 200
