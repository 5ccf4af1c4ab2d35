"""The project lead's home page lists their groups a page at a time (docs/decisions.md,
decision 57): what it costs is bounded by what it shows."""

from django.urls import reverse

from groups.selectors import LEAD_HOME_GROUPS_PER_PAGE
from tests.factories import GroupFactory


def _more_groups(world, n, **kwargs):
    return [
        GroupFactory(organisation=world.org_a, name=f"Extra {i:02}", **kwargs) for i in range(n)
    ]


def test_the_lead_sees_one_page_of_groups_and_the_rest_on_the_next(world):
    _more_groups(world, LEAD_HOME_GROUPS_PER_PAGE)  # with A1 and A2: two pages
    client = world.client_for("lead_a")
    first = client.get(reverse("home"))
    assert len(first.context["lead_groups"]) == LEAD_HOME_GROUPS_PER_PAGE
    assert first.context["lead_page"].paginator.num_pages == 2
    assert "?page=2" in first.text
    second = client.get(reverse("home"), {"page": 2})
    names = [g.name for g in first.context["lead_groups"] + second.context["lead_groups"]]
    assert len(names) == LEAD_HOME_GROUPS_PER_PAGE + 2
    assert {"Group A1", "Group A2"} <= set(names)
    # The cross table still counts every group.
    assert sum(row["total"] for row in second.context["lead_by_city"]) == len(names)


def test_a_page_out_of_range_shows_the_last(world):
    response = world.client_for("lead_a").get(reverse("home"), {"page": 99})
    assert response.status_code == 200
    assert {g.name for g in response.context["lead_groups"]} == {"Group A1", "Group A2"}


def test_readiness_lists_every_starting_group_whatever_the_page(world):
    starting = _more_groups(world, LEAD_HOME_GROUPS_PER_PAGE + 5, status="preparing")
    response = world.client_for("lead_a").get(reverse("home"))
    listed = {row["group"] for row in response.context["lead_readiness"]}
    assert set(starting) <= listed
