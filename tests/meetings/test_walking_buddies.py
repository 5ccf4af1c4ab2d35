"""GET /groups/<pk>/buddies/ — suggested pairs for walking home together or calling.
The matching itself is tested in test_cocreation_services.py."""

import pytest
from django.urls import reverse

from tests.factories import Role, grant_role, participant_in
from tests.helpers import HOSTILE, assert_escaped


def _url(group):
    return reverse("walking_buddies", args=[group.pk])


@pytest.fixture
def neighbours(world):
    group = world.group_a1
    world.participant_a1.address = "Bloemstraat 12"
    world.participant_a1.postcode = "3072 AB"
    world.participant_a1.interests = "Cooking"
    world.participant_a1.save(update_fields=["address", "postcode", "interests"])
    participant_in(
        group, full_name="Fatma Kaya", address="Tulpweg 3", postcode="3072 ZZ", interests="cooking"
    )
    participant_in(group, full_name="Hatice Arslan", postcode="", interests="chess")


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_pairs_with_reasons_and_no_addresses(world, neighbours, persona):
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    text = response.text
    assert "Ayse Demir &amp; Fatma Kaya" in text
    assert "both in 3072" in text
    assert "both like cooking" in text
    assert "No suggestion yet for: Hatice Arslan" in text
    assert "1 participant has no postcode on their record." in text
    for private in ["Bloemstraat", "Tulpweg", "3072 AB", "3072 ZZ", "06 1111 2222"]:
        assert private not in text


def test_no_pairs(world):
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    assert "No suggestions yet" in response.text


def test_hostile_names_and_interests_are_escaped(world):
    for value in HOSTILE:
        value = value.replace("\x00", "")  # PostgreSQL stores no NUL; forms refuse it
        participant_in(
            world.group_a1, full_name=value[:150], postcode="3072 AB", interests=value + " cooking"
        )
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    assert_escaped(response)


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_volunteers_and_others_get_403(world, persona):
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_volunteer_who_facilitates_elsewhere_still_gets_403(world):
    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    assert world.client_for("volunteer_a1").get(_url(world.group_a1)).status_code == 403


def test_coordinator_who_facilitates_elsewhere_still_gets_403(world):
    grant_role(world.users["coordinator"], Role.FACILITATOR, world.group_b1)
    assert world.client_for("coordinator").get(_url(world.group_a1)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("facilitator_a1").post(_url(world.group_a1)).status_code == 405


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[3, 20], ids=["3 people", "20 people"])
def people(request, world):
    for n in range(request.param - 1):  # plus world.participant_a1
        participant_in(
            world.group_a1,
            full_name=f"Person {n:02d}",
            postcode=f"{3070 + n % 5} AB",
            interests="walking, cooking",
        )
    return request.param


def test_query_count(world, people, warm, django_assert_num_queries):
    client = world.client_for("facilitator_a1")
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(6):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue (does the
        #    user run this group, facilitator or project lead? from 3.)
        # 5. the current participants of the group
        response = client.get(_url(world.group_a1))
    assert len(response.context["buddies"].unmatched) <= people
