"""GET /funds/ — the shared catalogue of funds, filtered by where they fund."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import FundFactory

URL = reverse("fund_list")


def _names(response) -> list[str]:
    return re.findall(r'href="/funds/\d+/">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_lists_the_funds(world, persona):
    FundFactory(name="Oranje Fonds", scope="national", max_amount=Decimal("15000.00"))
    response = world.client_for(persona).get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Demo Fund", "Oranje Fonds"]
    assert "€15,000.00" in response.content.decode()


def test_filter_by_scope(world):
    FundFactory(name="City Fund", scope="local", region="Rotterdam")
    response = world.client_for("lead_a").get(URL, {"scope": "local"})
    assert _names(response) == ["City Fund"]
    assert "Rotterdam" in response.content.decode()


def test_a_bad_filter_value_shows_everything(world):
    response = world.client_for("lead_a").get(URL, {"scope": "<script>", "page": "x"})
    assert response.status_code == 200
    assert _names(response) == ["Demo Fund"]


def test_amounts_in_dutch(world):
    FundFactory(name="Oranje Fonds", max_amount=Decimal("1234.50"))
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    response = world.client_for("lead_a").get(URL)
    assert "€ 1.234,50" in response.content.decode()


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "funder", "outsider"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_anonymous_goes_to_sign_in(db, client):
    assert client.get(URL).status_code == 302


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(URL).status_code == 405


@pytest.mark.parametrize("extra", [2, 30])
def test_query_count_is_the_same_for_few_and_many_funds(
    world, extra, warm, django_assert_num_queries
):
    for n in range(extra):
        FundFactory(name=f"Fund {n:03}")
    client = world.client_for("lead_a")
    warm(client, URL)
    with django_assert_num_queries(5):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the number of funds (paginator)
        # 5. the page of funds
        response = client.get(URL)
    assert len(_names(response)) == extra + 1
