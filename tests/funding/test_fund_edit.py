"""GET/POST /funds/<pk>/edit/ — keep a fund's catalogue entry up to date."""

from decimal import Decimal

import pytest
from django.urls import reverse


def _url(fund):
    return reverse("fund_edit", args=[fund.pk])


def _data(**extra):
    data = {
        "name": "Demo Fund",
        "scope": "regional",
        "region": "Zuid-Holland",
        "max_amount": "5000",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_edits_the_fund(world, persona):
    response = world.client_for(persona).post(_url(world.fund), _data(pays_after_report="on"))
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.scope == "regional"
    assert world.fund.region == "Zuid-Holland"
    assert world.fund.max_amount == Decimal("5000.00")
    assert world.fund.pays_after_report is True


def test_get_shows_the_current_values(world):
    response = world.client_for("lead_a").get(_url(world.fund))
    assert response.status_code == 200
    assert 'value="Demo Fund"' in response.content.decode()


def test_bad_input_rerenders(world):
    response = world.client_for("lead_a").post(_url(world.fund), _data(name="", max_amount="x"))
    assert response.status_code == 200
    world.fund.refresh_from_db()
    assert world.fund.name == "Demo Fund"


def test_unknown_fund_is_404(world):
    response = world.client_for("lead_a").post(reverse("fund_edit", args=[99999]), _data())
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "facilitator_b1", "volunteer_a1", "funder"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).post(_url(world.fund), _data()).status_code == 403
    world.fund.refresh_from_db()
    assert world.fund.scope != "regional"


def test_delete_is_not_allowed(world):
    assert world.client_for("lead_a").delete(_url(world.fund)).status_code == 405
