"""GET /organisations/<pk>/ — an organisation's groups and venues."""

import pytest
from django.urls import reverse

from groups.models import Role
from tests.factories import GroupFactory, VenueFactory, city, grant_role


def _url(organisation):
    return reverse("organisation_detail", args=[organisation.pk])


def test_lead_sees_groups_venues_and_actions(world):
    response = world.client_for("lead_a").get(_url(world.org_a))
    assert response.status_code == 200
    assert [g.name for g in response.context["groups"]] == ["Group A1", "Group A2"]
    assert [v.name for v in response.context["venues"]] == ["Venue A"]
    assert response.context["is_lead"] is True
    text = response.text
    assert reverse("organisation_people", args=[world.org_a.pk]) in text
    assert reverse("venue_edit", args=[world.venue_a.pk]) in text
    assert reverse("venue_create", args=[world.org_a.pk]) in text
    assert reverse("organisation_edit", args=[world.org_a.pk]) in text


def test_coordinator_sees_groups_and_venues_without_lead_actions(world):
    response = world.client_for("coordinator").get(_url(world.org_b))
    assert response.status_code == 200
    assert [g.name for g in response.context["groups"]] == ["Group B1"]
    assert [v.name for v in response.context["venues"]] == ["Venue B"]
    assert response.context["is_lead"] is False
    text = response.text
    assert reverse("organisation_people", args=[world.org_b.pk]) not in text
    assert reverse("venue_edit", args=[world.venue_b.pk]) not in text
    assert reverse("organisation_edit", args=[world.org_b.pk]) in text


def test_kvk_number_is_shown(world):
    world.org_a.kvk_number = "90000001"
    world.org_a.save(update_fields=["kvk_number"])
    assert "KvK 90000001" in world.client_for("lead_a").get(_url(world.org_a)).text


def test_lead_of_organisation_b_gets_404(world, lead_b):
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.org_a)).status_code == 404


def test_coordinator_gets_404_outside_the_programme(world, org_c):
    assert world.client_for("coordinator").get(_url(org_c)).status_code == 404


def test_lead_who_also_facilitates_elsewhere_gets_404(world, lead_b):
    # A facilitator may see organisation A's name on group pages, not its own page.
    grant_role(lead_b, Role.FACILITATOR, world.group_a1)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.org_a)).status_code == 404


def test_missing_organisation_is_404(world):
    response = world.client_for("coordinator").get(reverse("organisation_detail", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "funder"]
)
def test_other_roles_get_403(world, persona):
    assert world.client_for(persona).get(_url(world.org_a)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.org_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.org_a)).status_code == 405


@pytest.fixture(params=[0, 12], ids=["few", "many"])
def extra(request, world):
    cities = [city(code) for code in ("GM0599", "GM0518", "GM0344")]
    for n in range(request.param):
        VenueFactory(organisation=world.org_a, name=f"Extra venue {n:02d}", city=cities[n % 3])
        GroupFactory(organisation=world.org_a, name=f"Extra group {n:02d}", city=cities[n % 3])
    return request.param


# A project lead's page also reads what retention will anonymise in the next 30 days
# (privacy.retention.DUE_QUERIES: the periods, the people, their enrolments, intakes and
# marks, the grants); nobody is due in the world, so no access-log row.
@pytest.mark.parametrize(("persona", "queries"), [("lead_a", 14), ("coordinator", 8)])
def test_query_count(world, extra, persona, queries, warm, django_assert_num_queries):
    client = world.client_for(persona)
    url = _url(world.org_a)
    warm(client, url)
    with django_assert_num_queries(queries):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the organisation through visible_to, joined with its city
        # 5. does the user lead or coordinate it (not merely facilitate)?
        # 6. does the user lead it (people and venue actions)?
        # 7. its groups, joined with their city
        # 8. its venues, joined with their city
        # 9-14. (lead) the retention section
        response = client.get(url)
    assert len(response.context["groups"]) == 2 + extra
    assert len(response.context["venues"]) == 1 + extra
