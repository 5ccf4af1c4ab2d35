"""The coordinator's grants page (/programme/grants/, in the menu): the grants of the
programme's organisations, each with its accountability report, and the way to the
programme's funding per organisation."""

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, GrantFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("programme_grants")


def test_lists_the_programme_s_grants_with_their_reports(world):
    outside = GrantFactory(application=ApplicationFactory(organisation=OrganisationFactory()))
    response = world.client_for("coordinator").get(URL)
    assert response.status_code == 200
    [(programme, grants)] = response.context["programmes"]
    assert programme == world.programme
    assert grants == [world.grant_a]
    assert f'href="{reverse("grant_report", args=[world.grant_a.pk])}"' in response.text
    assert reverse("grant_report", args=[outside.pk]) not in response.text
    assert f'href="{reverse("programme_funding", args=[world.programme.pk])}"' in response.text
    # the report the link opens is one the coordinator may read
    report = world.client_for("coordinator").get(reverse("grant_report", args=[world.grant_a.pk]))
    assert report.status_code == 200


def test_totals_only(world):
    body = world.client_for("coordinator").get(URL).text
    for persona, user in world.users.items():
        if persona != "coordinator":
            assert user.email not in body


def test_query_count_is_fixed(world, django_assert_num_queries):
    client = world.client_for("coordinator")
    client.get(URL)
    # session, user, roles; the programmes; the grants of the one programme
    with django_assert_num_queries(5):
        client.get(URL)


@pytest.mark.parametrize("persona", ["lead_a", "funder", "facilitator_a1"])
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403
