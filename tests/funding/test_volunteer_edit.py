"""GET/POST /volunteers/<pk>/edit/."""

import pytest
from django.urls import reverse

from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _url(volunteer):
    return reverse("volunteer_edit", args=[volunteer.pk])


def test_form_is_filled_in(world):
    world.volunteer_a.groups.add(world.group_a2)
    response = world.client_for("lead_a").get(_url(world.volunteer_a))
    assert response.status_code == 200
    assert response.context["form"].initial["groups"] == [world.group_a2.pk]
    assert "Vera Volunteer" in response.content.decode()


def test_edit(world):
    data = {"full_name": "Vera V.", "phone": "06 1234 5678", "groups": [world.group_a1.pk]}
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 302
    volunteer = world.volunteer_a
    volunteer.refresh_from_db()
    assert volunteer.full_name == "Vera V." and volunteer.phone == "06 1234 5678"
    assert not volunteer.active  # unticked
    assert list(volunteer.groups.all()) == [world.group_a1]


def test_empty_post_shows_errors(world):
    response = world.client_for("lead_a").post(_url(world.volunteer_a), {})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors


def test_other_organisations_volunteer_is_404(world):
    other = VolunteerFactory(organisation=world.org_b)
    assert world.client_for("lead_a").get(_url(other)).status_code == 404
    assert world.client_for("lead_a").post(_url(other), {"full_name": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    assert world.client_for(persona).post(_url(world.volunteer_a), {}).status_code == 403


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(_url(world.volunteer_a)).status_code == 405
