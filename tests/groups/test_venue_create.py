"""GET/POST /organisations/<pk>/venues/new/ — a project lead adds a venue."""

import pytest
from django.urls import reverse

from groups.models import Role, Venue
from tests.factories import city, grant_role


def _url(organisation):
    return reverse("venue_create", args=[organisation.pk])


def _data(**overrides):
    data = {
        "name": "Wijkcentrum De Esch",
        "address": "Esch 12",
        "postcode": "3011ab",
        "city": city("GM0599").pk,
        "closed_room": "on",
        "separate_rooms": "",
        "capacity": "20",
        "step_free": "on",
        "notes": "Key at the desk.",
    }
    data.update(overrides)
    return data


def test_get_shows_the_form(world):
    response = world.client_for("lead_a").get(_url(world.org_a))
    assert response.status_code == 200
    assert "Add a venue" in response.text
    assert "Organisation A" in response.text


def test_valid_post_creates_with_normalised_postcode(world):
    response = world.client_for("lead_a").post(_url(world.org_a), _data())
    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[world.org_a.pk])
    venue = Venue.objects.get(name="Wijkcentrum De Esch")
    assert venue.organisation == world.org_a
    assert venue.postcode == "3011 AB"
    assert (venue.closed_room, venue.separate_rooms, venue.step_free) == (True, False, True)
    assert (venue.capacity, venue.notes) == (20, "Key at the desk.")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("3011ab", "3011 AB"),
        (" 3011 ab ", "3011 AB"),
        ("3011AB", "3011 AB"),
        ("30 11ab", "3011 AB"),
        ("", ""),
    ],
)
def test_postcode_forms(world, typed, stored):
    response = world.client_for("lead_a").post(_url(world.org_a), _data(postcode=typed))
    assert response.status_code == 302
    assert Venue.objects.get(name="Wijkcentrum De Esch").postcode == stored


@pytest.mark.parametrize("typed", ["3011a", "301 AB", "ABCD 12", "3011ABC"])
def test_invalid_postcode(world, typed):
    response = world.client_for("lead_a").post(_url(world.org_a), _data(postcode=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"] == ["Use a Dutch postcode: 1234 AB."]
    assert not Venue.objects.filter(name="Wijkcentrum De Esch").exists()


def test_postcode_longer_than_the_field(world):
    response = world.client_for("lead_a").post(_url(world.org_a), _data(postcode="3011 ABC"))
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"] == [
        "Ensure this value has at most 7 characters (it has 8)."
    ]


def test_duplicate_name_in_the_organisation_is_a_form_error(world):
    # Was a 500: the form cannot check the (organisation, name) constraint itself.
    response = world.client_for("lead_a").post(_url(world.org_a), _data(name="Venue A"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Venue with this Organisation and Name already exists."
    ]
    assert Venue.objects.filter(organisation=world.org_a).count() == 1


def test_capacity_must_be_positive(world):
    response = world.client_for("lead_a").post(_url(world.org_a), _data(capacity="0"))
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors


def test_lead_of_organisation_b_gets_404(world, lead_b):
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.org_a)).status_code == 404
    assert client.post(_url(world.org_a), _data()).status_code == 404
    assert not Venue.objects.filter(name="Wijkcentrum De Esch").exists()


def test_lead_who_only_coordinates_the_organisation_gets_403(world, lead_b):
    # lead_b also coordinates the programme: may see organisation A, not change it.
    grant_role(lead_b, Role.PROGRAMME_COORDINATOR, world.programme)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.org_a)).status_code == 403
    assert client.post(_url(world.org_a), _data()).status_code == 403


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "coordinator", "funder"]
)
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.org_a)).status_code == 403
    assert client.post(_url(world.org_a), _data()).status_code == 403
    assert not Venue.objects.filter(name="Wijkcentrum De Esch").exists()


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(_url(world.org_a), _data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_missing_organisation_is_404(world):
    response = world.client_for("lead_a").get(reverse("venue_create", args=[999_999]))
    assert response.status_code == 404


def test_wrong_method(world):
    assert world.client_for("lead_a").put(_url(world.org_a)).status_code == 405
