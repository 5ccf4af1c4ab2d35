"""GET /funds/<pk>/ — one fund: what it needs, how it pays, and only the user's own
organisations' applications to it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, FundFactory


def _url(fund):
    return reverse("fund_detail", args=[fund.pk])


def test_shows_the_fund(world):
    fund = FundFactory(
        name="Oranje Fonds",
        needs_kvk_extract=True,
        advance_percentage=80,
        accountant_statement_above=Decimal("25000.00"),
        deadlines="1 March and 1 September",
        website="https://example.org/fund",
    )
    response = world.client_for("lead_a").get(_url(fund))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Oranje Fonds" in text
    assert "80% of the grant" in text
    assert "€25,000.00" in text
    assert "1 March and 1 September" in text
    assert "Chamber of Commerce extract</strong>: needed" in text


def test_lists_only_the_users_own_organisations_applications(world):
    ApplicationFactory(organisation=world.org_b, fund=world.fund, title="Secret of B")
    response = world.client_for("lead_a").get(_url(world.fund))
    text = response.content.decode()
    assert "Together in Rotterdam" in text
    assert "Secret of B" not in text


def test_a_coordinator_sees_no_applications(world):
    response = world.client_for("coordinator").get(_url(world.fund))
    assert response.status_code == 200
    assert "Together in Rotterdam" not in response.content.decode()


def test_hostile_fund_text_is_escaped(world):
    fund = FundFactory(name="<script>alert(1)</script>", notes='"><img src=x onerror=alert(1)>')
    response = world.client_for("lead_a").get(_url(fund))
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "<img src=x" not in response.content.decode()


def test_unknown_fund_is_404(world):
    assert world.client_for("lead_a").get(reverse("fund_detail", args=[99999])).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "facilitator_b1", "funder", "outsider"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).get(_url(world.fund)).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.fund)).status_code == 405
