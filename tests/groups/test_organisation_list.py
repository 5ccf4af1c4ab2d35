"""GET /organisations/ — the organisations a project lead leads or a coordinator coordinates."""

import pytest
from django.urls import reverse

from tests.factories import GroupFactory, OrganisationFactory, city

URL = reverse("organisation_list")


def _rows(response):
    return [(o.name, o.group_count) for o in response.context["page"]]


def test_lead_sees_own_organisation_with_group_count(world):
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    assert _rows(response) == [("Organisation A", 2)]
    assert "Organisation B" not in response.text
    # Not a coordinator: no programme actions.
    assert response.context["programmes"] == []
    assert reverse("organisation_create", args=[world.programme.pk]) not in response.text


def test_coordinator_sees_programme_organisations_and_actions(world, org_c):
    response = world.client_for("coordinator").get(URL)
    assert response.status_code == 200
    assert _rows(response) == [("Organisation A", 2), ("Organisation B", 1)]
    assert "Organisation C" not in response.text
    assert [p.name for p in response.context["programmes"]] == ["STE programme"]
    assert reverse("organisation_create", args=[world.programme.pk]) in response.text
    assert reverse("programme_people", args=[world.programme.pk]) in response.text


def test_organisation_without_groups_counts_zero(world):
    organisation = OrganisationFactory(name="Organisation Empty")
    world.programme.organisations.add(organisation)
    response = world.client_for("coordinator").get(URL)
    assert ("Organisation Empty", 0) in _rows(response)


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "funder"]
)
def test_other_roles_get_403(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("coordinator").post(URL).status_code == 405


@pytest.fixture(params=[0, 10], ids=["2 organisations", "12 organisations"])
def organisation_total(request, world):
    for n in range(request.param):
        organisation = OrganisationFactory(name=f"Extra organisation {n:02d}", city=city("GM0344"))
        world.programme.organisations.add(organisation)
        for m in range(3):
            GroupFactory(organisation=organisation, name=f"Extra group {n}-{m}")
    return 2 + request.param


@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_query_count(world, organisation_total, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    warm(client, URL)
    with django_assert_num_queries(6):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the programmes the user coordinates (for the "add an organisation" links)
        # 5. how many organisations there are (the page links)
        # 6. a page of them, joined with their city, with a count of their groups
        response = client.get(URL)
    expected = 1 if persona == "lead_a" else organisation_total
    assert len(response.context["organisations"]) == expected


def test_a_page_of_fifty(world, login):
    """A national programme has a thousand organisations: the list shows fifty a page,
    with the links to the others."""
    from groups.models import Organisation

    extra = Organisation.objects.bulk_create(
        OrganisationFactory.build(name=f"Extra {n:03d}", city=city("GM0344")) for n in range(60)
    )
    world.programme.organisations.add(*extra)
    client = world.client_for("coordinator")
    first = client.get(URL)
    assert len(_rows(first)) == 50 and first.context["page"].paginator.count == 62
    second = client.get(URL, {"page": 2})
    assert _rows(second)[-1] == ("Organisation B", 1)
    assert len(_rows(second)) == 12
    assert 'href="?page=2"' in first.text


def test_the_filter_finds_organisations_by_name(world):
    client = world.client_for("coordinator")
    response = client.get(URL, {"name": "tion b"})
    assert _rows(response) == [("Organisation B", 1)]
    assert response.context["filter"].active_count == 1
    nothing = client.get(URL, {"name": "no such organisation"})
    assert _rows(nothing) == []
    assert "No organisations match." in nothing.text
