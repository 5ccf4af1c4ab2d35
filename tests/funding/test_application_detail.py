"""GET /applications/<pk>/ — the proposal, the budget and coverage plan with totals and
the balance, and the status with its next steps (project leads only)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CoverageLineFactory,
    GroupFactory,
)


def _url(application):
    return reverse("application_detail", args=[application.pk])


def _status_buttons(text) -> list[str]:
    import re

    return re.findall(r'name="status" value="([a-z_]+)"', text)


def test_lead_sees_plan_balance_and_next_steps(world):
    response = world.client_for("lead_a").get(_url(world.application_a))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Together in Rotterdam" in text
    assert "Room rent" in text
    assert "€500.00" in text
    assert "The plan is balanced" in text
    assert _status_buttons(text) == ["reported"]
    for name in ("application_edit", "budget_edit", "application_pdf", "grant_edit"):
        assert reverse(name, args=[world.application_a.pk]) in text
    assert reverse("budget_actual", args=[world.application_a.pk]) in text


def test_short_and_surplus(world):
    application = ApplicationFactory(organisation=world.org_a, fund=world.fund)
    BudgetLineFactory(application=application, quantity=Decimal("3"), unit_cost=Decimal("33.33"))
    line = CoverageLineFactory(application=application, amount=Decimal("50.00"))
    client = world.client_for("lead_a")
    text = client.get(_url(application)).content.decode()
    assert "€99.99" in text
    assert "The coverage is €49.99 short of the costs." in text
    line.amount = Decimal("1100.00")
    line.save(update_fields=["amount"])
    text = client.get(_url(application)).content.decode()
    assert "The coverage is €1,000.01 more than the costs." in text


def test_a_draft_can_be_submitted(world):
    application = ApplicationFactory(organisation=world.org_a, introduction="Why we do this")
    text = world.client_for("lead_a").get(_url(application)).content.decode()
    assert _status_buttons(text) == ["submitted"]
    assert "Why we do this" in text


def test_facilitator_reads_without_buttons_or_edit_links(world):
    response = world.client_for("facilitator_a1").get(_url(world.application_a))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Room rent" in text
    assert _status_buttons(text) == []
    assert reverse("budget_edit", args=[world.application_a.pk]) not in text


def test_facilitator_b1_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.application_a)).status_code == 404


def test_other_organisations_application_is_404_for_the_lead(world):
    other = ApplicationFactory(organisation=world.org_b)
    assert world.client_for("lead_a").get(_url(other)).status_code == 404


def test_unknown_is_404(world):
    response = world.client_for("lead_a").get(reverse("application_detail", args=[99999]))
    assert response.status_code == 404


def test_hostile_text_is_escaped(world):
    application = ApplicationFactory(
        organisation=world.org_a,
        title="<script>alert(1)</script>",
        team='"><img src=x onerror=alert(1)>',
    )
    BudgetLineFactory(application=application, description="<script>alert(1)</script>")
    response = world.client_for("lead_a").get(_url(application))
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "<img src=x" not in response.content.decode()


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).get(_url(world.application_a)).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.application_a)).status_code == 405


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
@pytest.mark.parametrize("lines", [1, 15])
def test_query_count_is_the_same_for_small_and_large_plans(
    world, persona, lines, warm, django_assert_num_queries
):
    application = world.application_a
    for n in range(lines):
        BudgetLineFactory(application=application, category="catering", description=f"Tea {n}")
        CoverageLineFactory(application=application, fund=world.fund, amount=Decimal("1.00"))
        application.groups.add(GroupFactory(organisation=world.org_a, name=f"Extra {n}"))
    client = world.client_for(persona)
    url = _url(application)
    warm(client, url)
    with django_assert_num_queries({"lead_a": 10, "facilitator_a1": 9}[persona]):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the application, joined with organisation and fund (visible_to)
        # 5. the lead only: may the user manage it (managed_by; a facilitator leads no
        #    organisation, known from 3.: from here one less)
        # 6. the groups it covers
        # 7. the budget lines
        # 8. the coverage lines, joined with their fund
        # 9. the total costs (application_balance)
        # 10. the total coverage (application_balance)
        response = client.get(url)
    assert response.content.decode().count("Tea ") == lines
