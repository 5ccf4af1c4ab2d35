"""GET/POST /venues/<pk>/edit/ — the project lead of the venue's organisation changes it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Role, Venue
from tests.factories import VenueFactory, city, grant_role


def _url(venue):
    return reverse("venue_edit", args=[venue.pk])


def _data(venue, **overrides):
    data = {
        "name": venue.name,
        "address": venue.address,
        "postcode": venue.postcode,
        "city": venue.city_id,
        "closed_room": "on" if venue.closed_room else "",
        "separate_rooms": "on" if venue.separate_rooms else "",
        "capacity": venue.capacity or "",
        "step_free": "on" if venue.step_free else "",
        "notes": venue.notes,
    }
    data.update(overrides)
    return data


def test_get_shows_the_form(world):
    response = world.client_for("lead_a").get(_url(world.venue_a))
    assert response.status_code == 200
    assert "Edit Venue A" in response.text
    assert response.context["form"].initial["postcode"] == "3011 AB"


def test_changes_are_saved_with_normalised_postcode(world):
    venue = world.venue_a
    response = world.client_for("lead_a").post(
        _url(venue),
        _data(
            venue,
            name="Buurthuis Het Anker",
            postcode=" 3072cd ",
            city=city("GM0344").pk,
            capacity="18",
            closed_room="",
            step_free="on",
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[world.org_a.pk])
    venue.refresh_from_db()
    assert (venue.name, venue.postcode, venue.city.name) == (
        "Buurthuis Het Anker",
        "3072 CD",
        "Utrecht",
    )
    assert (venue.capacity, venue.closed_room, venue.step_free) == (18, False, True)
    assert venue.organisation == world.org_a


def test_only_changed_fields_are_written(world):
    venue = world.venue_a
    with CaptureQueriesContext(connection) as ctx:
        response = world.client_for("lead_a").post(_url(venue), _data(venue, capacity="12"))
    assert response.status_code == 302
    updates = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "groups_venue"')
    ]
    assert len(updates) == 1
    set_clause = updates[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert set_clause.startswith('"capacity" = ')
    assert "," not in set_clause


def test_success_message(world):
    response = world.client_for("lead_a").post(
        _url(world.venue_a), _data(world.venue_a), follow=True
    )
    assert "Changes saved." in response.text


@pytest.mark.parametrize("typed", ["3011a", "3011-AB", "AB 3011"])
def test_invalid_postcode(world, typed):
    response = world.client_for("lead_a").post(
        _url(world.venue_a), _data(world.venue_a, postcode=typed)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"] == ["Use a Dutch postcode: 1234 AB."]
    assert Venue.objects.get(pk=world.venue_a.pk).postcode == "3011 AB"


def test_renaming_to_an_existing_venue_name_is_a_form_error(world):
    # Was a 500 (IntegrityError): the form cannot check the (organisation, name) constraint.
    other = VenueFactory(organisation=world.org_a, name="Venue A2")
    response = world.client_for("lead_a").post(_url(other), _data(other, name="Venue A"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Venue with this Organisation and Name already exists."
    ]
    assert Venue.objects.get(pk=other.pk).name == "Venue A2"


def test_lead_of_organisation_b_gets_404(world, lead_b):
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.venue_a)).status_code == 404
    assert client.post(_url(world.venue_a), _data(world.venue_a, name="Taken")).status_code == 404
    assert Venue.objects.get(pk=world.venue_a.pk).name == "Venue A"


def test_lead_elsewhere_who_works_in_organisation_a_gets_403(world, lead_b):
    grant_role(lead_b, Role.FACILITATOR, world.group_a1)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.venue_a)).status_code == 403
    assert client.post(_url(world.venue_a), _data(world.venue_a, name="Taken")).status_code == 403
    assert Venue.objects.get(pk=world.venue_a.pk).name == "Venue A"


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "coordinator", "funder"]
)
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.venue_a)).status_code == 403
    assert client.post(_url(world.venue_a), _data(world.venue_a, name="X")).status_code == 403
    assert Venue.objects.get(pk=world.venue_a.pk).name == "Venue A"


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.venue_a))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_missing_venue_is_404(world):
    assert world.client_for("lead_a").get(reverse("venue_edit", args=[999_999])).status_code == 404


def test_wrong_method(world):
    assert world.client_for("lead_a").patch(_url(world.venue_a)).status_code == 405
