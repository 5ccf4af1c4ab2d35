"""GET/POST /funds/<pk>/edit/ — keep a fund's catalogue entry up to date."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Role
from tests.factories import UserFactory, grant_role


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


@pytest.fixture
def kept(world):
    """The fund is kept by organisation A (its project lead added it)."""
    world.fund.kept_by_organisation = world.org_a
    world.fund.save(update_fields=["kept_by_organisation"])
    return world.fund


def test_edits_the_fund(world, kept):
    response = world.client_for("lead_a").post(_url(world.fund), _data(pays_after_report="on"))
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.scope == "regional"
    assert world.fund.region == "Zuid-Holland"
    assert world.fund.max_amount == Decimal("5000.00")
    assert world.fund.pays_after_report is True


def test_a_programme_s_coordinator_edits_a_fund_the_programme_keeps(world):
    world.fund.kept_by_programme = world.programme
    world.fund.save(update_fields=["kept_by_programme"])
    response = world.client_for("coordinator").post(_url(world.fund), _data())
    assert response.status_code == 302
    world.fund.refresh_from_db()
    assert world.fund.region == "Zuid-Holland"


def test_another_organisation_s_lead_may_not_edit_the_fund(world, kept):
    """An audit found one organisation's lead renaming another's fund (decision 31)."""
    lead_b = UserFactory(email="lead.b@example.org")
    grant_role(lead_b, Role.PROJECT_LEAD, world.org_b)
    client = Client()
    client.force_login(lead_b)
    assert client.get(_url(world.fund)).status_code == 403
    assert client.post(_url(world.fund), _data(name="Renamed")).status_code == 403
    world.fund.refresh_from_db()
    assert world.fund.name == "Demo Fund"


def test_the_coordinator_may_not_edit_an_organisation_s_fund(world, kept):
    assert world.client_for("coordinator").post(_url(world.fund), _data()).status_code == 403


def test_nobody_but_site_administrators_edits_the_catalogue_as_delivered(world):
    assert world.client_for("lead_a").post(_url(world.fund), _data()).status_code == 403
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    assert client.post(_url(world.fund), _data()).status_code == 302


def test_the_edit_button_shows_only_to_keepers(world, kept):
    link = f'href="{_url(world.fund)}"'
    detail = reverse("fund_detail", args=[world.fund.pk])
    assert link in world.client_for("lead_a").get(detail).content.decode()
    assert link not in world.client_for("coordinator").get(detail).content.decode()


def test_get_shows_the_current_values(world, kept):
    response = world.client_for("lead_a").get(_url(world.fund))
    assert response.status_code == 200
    assert 'value="Demo Fund"' in response.content.decode()


def test_bad_input_rerenders(world, kept):
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
