"""The home page: one section per role, a fixed number of queries (style.md §10)."""

import pytest
from django.urls import reverse

from tests.factories import GroupFactory, OrganisationFactory, city

# Queries every signed-in page makes before the view runs:
#   1. the session row            2. the user row
#   3. the user's roles (stetapp.access.user_roles, once per request)
BASE = 3

# persona → (queries of the view itself, what each query is)
EXPECTED = {
    # (none) — an outsider has no sections
    "outsider": 0,
    # 4. the groups the volunteer works in (with organisation, city, venue)
    "volunteer_a1": 1,
    # 4. the groups the facilitator works in
    "facilitator_a1": 1,
    "facilitator_b1": 1,
    # 4. groups by city × status (one aggregate)  5. the organisation's groups listed
    "lead_a": 2,
    # 4. groups by city × status  5. groups by community × composition
    "coordinator": 2,
    # 4. the funds the funder represents
    "funder": 1,
}


def _add_groups(world, n):
    extra_org = OrganisationFactory(name="Organisation C", city=city("GM0344"))
    world.programme.organisations.add(extra_org)
    for i in range(n):
        GroupFactory(organisation=world.org_a, name=f"A extra {i}", community=f"C{i % 4}")
        GroupFactory(organisation=extra_org, name=f"C extra {i}", city=city("GM0344"))


@pytest.mark.parametrize("persona", sorted(EXPECTED))
@pytest.mark.parametrize("extra_groups", [0, 25])
def test_home_query_count_is_fixed(world, persona, extra_groups, django_assert_num_queries):
    if extra_groups:
        _add_groups(world, extra_groups)
    client = world.client_for(persona)
    with django_assert_num_queries(BASE + EXPECTED[persona]):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_facilitator_sees_own_groups_only(world):
    body = world.client_for("facilitator_a1").get(reverse("home")).content.decode()
    assert "Group A1" in body
    assert "Group A2" not in body
    assert "Group B1" not in body


def test_lead_sees_groups_by_city_and_status(world):
    response = world.client_for("lead_a").get(reverse("home"))
    rows = {row["label"]: row for row in response.context["lead_by_city"]}
    assert list(rows) == ["Rotterdam"]
    assert rows["Rotterdam"]["total"] == 2
    body = response.content.decode()
    assert "Group A1" in body and "Group A2" in body
    assert "Group B1" not in body


def test_coordinator_sees_counts_by_city_status_community_and_composition(world):
    response = world.client_for("coordinator").get(reverse("home"))
    by_city = {row["label"]: row["total"] for row in response.context["programme_by_city"]}
    assert by_city == {"'s-Gravenhage": 1, "Rotterdam": 2}
    by_community = {
        row["label"]: row["counts"] for row in response.context["programme_by_community"]
    }
    # columns: women, men, mixed
    assert by_community == {"Moroccan": [0, 1, 0], "Surinamese": [0, 0, 1], "Turkish": [1, 0, 0]}
    assert response.context["programme_community_totals"] == {"counts": [1, 1, 1], "total": 3}


def test_coordinator_home_has_no_personal_data(world):
    body = world.client_for("coordinator").get(reverse("home")).content.decode()
    for user in world.users.values():
        if user != world.users["coordinator"]:
            assert user.email not in body
            assert user.full_name not in body


def test_funder_sees_their_fund(world):
    body = world.client_for("funder").get(reverse("home")).content.decode()
    assert "Demo Fund" in body
    assert "Group A1" not in body


def test_outsider_is_told_to_ask_for_a_role(world):
    response = world.client_for("outsider").get(reverse("home"))
    assert response.context["roles"] == frozenset()
