"""GET /applications/ — the applications the user may see, filtered by status."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory

URL = reverse("application_list")


def _titles(response) -> list[str]:
    return re.findall(r'href="/applications/\d+/">([^<]+)</a>', response.content.decode())


def test_lead_sees_the_organisations_applications(world):
    ApplicationFactory(
        organisation=world.org_a,
        fund=world.fund,
        title="Draft for A2",
        amount_requested=Decimal("1234.50"),
        deadline=dt.date(2026, 9, 1),
    )
    ApplicationFactory(organisation=world.org_b, title="Application of B")
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Draft for A2", "Together in Rotterdam"]
    text = response.content.decode()
    assert "€1,234.50" in text
    assert "Sept. 1, 2026" in text
    assert "Demo Fund" in text
    assert "Granted" in text
    assert reverse("application_create") in text


def test_facilitator_sees_applications_covering_the_group_without_create(world):
    ApplicationFactory(organisation=world.org_a, title="For A2 only", groups=[world.group_a2])
    response = world.client_for("facilitator_a1").get(URL)
    assert _titles(response) == ["Together in Rotterdam"]
    assert reverse("application_create") not in response.content.decode()


def test_facilitator_b1_sees_nothing_of_a(world):
    response = world.client_for("facilitator_b1").get(URL)
    assert response.status_code == 200
    assert _titles(response) == []


def test_filter_by_status(world):
    ApplicationFactory(organisation=world.org_a, title="A draft")
    client = world.client_for("lead_a")
    assert _titles(client.get(URL, {"status": "draft"})) == ["A draft"]
    assert _titles(client.get(URL, {"status": "granted"})) == ["Together in Rotterdam"]
    assert len(_titles(client.get(URL, {"status": "bogus"}))) == 2


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(URL).status_code == 405


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
@pytest.mark.parametrize("extra", [1, 20])
def test_query_count_is_the_same_for_few_and_many(
    world, persona, extra, warm, django_assert_num_queries
):
    for n in range(extra):
        ApplicationFactory(
            organisation=world.org_a,
            fund=world.fund,
            groups=[world.group_a1],
            title=f"Application {n:03}",
        )
    client = world.client_for(persona)
    warm(client, URL)
    with django_assert_num_queries(5):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule; reused for the "new" button)
        # 4. the number of visible applications (paginator)
        # 5. the page of applications, joined with fund and organisation
        response = client.get(URL)
    assert len(_titles(response)) == extra + 1
