"""GET/POST /social-map/<pk>/edit/ — change an entry of the social map: project leads of
its organisation and facilitators of a group of its organisation."""

import pytest
from django.urls import reverse

from participants.models import SocialService
from tests.factories import Role, SocialServiceFactory, UserFactory, city, grant_role
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(service):
    return reverse("social_service_edit", args=[service.pk])


def _payload(**changes):
    data = {
        "name": "Huisartsenpraktijk Oost-Zuid",
        "kind": "gp",
        "city": city("GM0599").pk,
        "contact_person": "Dr. Jansen",
        "phone": "010 765 4321",
        "email": "",
        "website": "",
        "address": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_public_path(world):
    assert _url(world.service_a) == f"/social-map/{world.service_a.pk}/edit/"


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
def test_edit(world, persona):
    response = world.client_for(persona).post(_url(world.service_a), _payload())
    assert response.status_code == 302
    assert response.url == reverse("social_map")
    world.service_a.refresh_from_db()
    assert world.service_a.name == "Huisartsenpraktijk Oost-Zuid"
    assert world.service_a.contact_person == "Dr. Jansen"
    assert world.service_a.offers_speakers is False
    assert world.service_a.organisation == world.org_a


def test_form_shows_the_entry_and_keeps_the_organisation(world):
    response = world.client_for("lead_a").get(_url(world.service_a))
    assert response.status_code == 200
    form = response.context["form"]
    assert "organisation" not in form.fields
    assert form.initial["name"] == "Huisartsenpraktijk Oost"
    assert "On the social map of Organisation A." in response.text


def test_organisation_in_the_post_is_ignored(world):
    world.client_for("lead_a").post(_url(world.service_a), _payload(organisation=world.org_b.pk))
    world.service_a.refresh_from_db()
    assert world.service_a.organisation == world.org_a


def test_bad_input_gives_field_errors_and_keeps_the_saved_name(world):
    response = world.client_for("lead_a").post(
        _url(world.service_a), _payload(name="", email="nope")
    )
    assert response.status_code == 200
    assert {"name", "email"} <= set(response.context["form"].errors)
    assert "Huisartsenpraktijk Oost" in response.text  # the breadcrumb keeps the saved name
    world.service_a.refresh_from_db()
    assert world.service_a.name == "Huisartsenpraktijk Oost"


def test_duplicate_name_is_a_form_error(world):
    SocialServiceFactory(organisation=world.org_a, city=city("GM0599"), name="Moskee Mevlana")
    response = world.client_for("lead_a").post(
        _url(world.service_a), _payload(name="Moskee Mevlana")
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    world.service_a.refresh_from_db()
    assert world.service_a.name == "Huisartsenpraktijk Oost"


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input(world, value):
    response = world.client_for("lead_a").post(
        _url(world.service_a), _payload(name=value, notes=value, kind=value)
    )
    assert response.status_code == 200
    assert_escaped(response)
    world.service_a.refresh_from_db()
    assert world.service_a.name == "Huisartsenpraktijk Oost"


def test_facilitator_of_another_organisation_gets_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.service_a)).status_code == 404
    assert client.post(_url(world.service_a), _payload()).status_code == 404
    world.service_a.refresh_from_db()
    assert world.service_a.name == "Huisartsenpraktijk Oost"


def test_missing_entry_is_404(world):
    response = world.client_for("lead_a").get(reverse("social_service_edit", args=[999_999]))
    assert response.status_code == 404


def test_a_volunteer_who_facilitates_elsewhere_gets_403(world):
    """Sees organisation A's map as a volunteer of A1, may change only B's."""
    user = UserFactory(email="both@example.org")
    grant_role(user, Role.VOLUNTEER, world.group_a1)
    grant_role(user, Role.FACILITATOR, world.group_b1)
    world.users["both"] = user
    client = world.client_for("both")
    assert client.get(_url(world.service_a)).status_code == 403
    assert client.post(_url(world.service_a), _payload()).status_code == 403
    service_b = SocialServiceFactory(organisation=world.org_b, name="Welzijn Den Haag")
    assert client.get(_url(service_b)).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_read_only_or_no_role_gets_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.service_a)).status_code == 403
    assert client.post(_url(world.service_a), _payload()).status_code == 403
    assert SocialService.objects.get(pk=world.service_a.pk).name == "Huisartsenpraktijk Oost"


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.service_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method(world):
    assert world.client_for("lead_a").delete(_url(world.service_a)).status_code == 405


def test_query_count(world, warm, django_assert_num_queries):
    client = world.client_for("facilitator_a1")
    url = _url(world.service_a)
    warm(client, url)
    with django_assert_num_queries(6):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the entry through visible_to, joined with city and organisation
        # 5. may the user change its organisation's map?
        # 6. the cities, rendered
        client.get(url)
