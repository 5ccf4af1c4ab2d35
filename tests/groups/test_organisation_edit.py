"""GET/POST /organisations/<pk>/edit/ — its project lead or its coordinator changes it."""

import pytest
from django.urls import reverse

from groups.models import Organisation, Role
from tests.factories import city, grant_role


def _url(organisation):
    return reverse("organisation_edit", args=[organisation.pk])


def _data(organisation, **overrides):
    data = {
        "name": organisation.name,
        "city": organisation.city_id,
        "kvk_number": organisation.kvk_number,
    }
    data.update(overrides)
    return data


def test_get_shows_the_form(world):
    response = world.client_for("lead_a").get(_url(world.org_a))
    assert response.status_code == 200
    assert "Edit Organisation A" in response.text


def test_lead_saves_changes(world):
    response = world.client_for("lead_a").post(
        _url(world.org_a), _data(world.org_a, name="Stichting A", kvk_number="12345678")
    )
    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[world.org_a.pk])
    world.org_a.refresh_from_db()
    assert (world.org_a.name, world.org_a.kvk_number) == ("Stichting A", "12345678")


def test_coordinator_saves_changes_of_a_programme_organisation(world):
    response = world.client_for("coordinator").post(
        _url(world.org_b), _data(world.org_b, city=city("GM0344").pk), follow=True
    )
    assert response.status_code == 200
    assert "Changes saved." in response.text
    world.org_b.refresh_from_db()
    assert world.org_b.city.name == "Utrecht"


def test_duplicate_name(world):
    response = world.client_for("lead_a").post(
        _url(world.org_a), _data(world.org_a, name="Organisation B")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Organisation with this Name already exists."
    ]
    assert Organisation.objects.get(pk=world.org_a.pk).name == "Organisation A"


def test_bad_kvk_number(world):
    response = world.client_for("lead_a").post(
        _url(world.org_a), _data(world.org_a, kvk_number="12")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kvk_number"] == [
        "A KvK number has 8 digits.",
    ]


def test_lead_of_organisation_b_gets_404(world, lead_b):
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.org_a)).status_code == 404
    assert client.post(_url(world.org_a), _data(world.org_a, name="Taken")).status_code == 404
    assert Organisation.objects.get(pk=world.org_a.pk).name == "Organisation A"


def test_coordinator_gets_404_outside_the_programme(world, org_c):
    client = world.client_for("coordinator")
    assert client.get(_url(org_c)).status_code == 404
    assert client.post(_url(org_c), _data(org_c, name="Taken")).status_code == 404
    assert Organisation.objects.get(pk=org_c.pk).name == "Organisation C"


def test_lead_who_only_facilitates_in_the_organisation_gets_404(world, lead_b):
    grant_role(lead_b, Role.FACILITATOR, world.group_a1)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.post(_url(world.org_a), _data(world.org_a, name="Taken")).status_code == 404
    assert Organisation.objects.get(pk=world.org_a.pk).name == "Organisation A"


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "facilitator_b1", "funder"]
)
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.org_a)).status_code == 403
    assert client.post(_url(world.org_a), _data(world.org_a, name="X")).status_code == 403
    assert Organisation.objects.get(pk=world.org_a.pk).name == "Organisation A"


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.org_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method(world):
    assert world.client_for("lead_a").delete(_url(world.org_a)).status_code == 405
