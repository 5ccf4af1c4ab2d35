"""GET/POST /profile/ — the signed-in facilitator's or lead's own profile."""

import re

import pytest
from django.urls import reverse

from funding.models import FacilitatorProfile
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db

URL = "facilitator_profile_edit"


def test_form_renders_with_language_checkboxes(world):
    response = world.client_for("facilitator_a1").get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="checkbox"' in body and 'value="tr"' in body


def test_first_save_creates_then_updates(world):
    client = world.client_for("facilitator_a1")
    data = {"languages": ["tr", "nl"], "motivation": "My mother", "hours_per_week": "4.5"}
    response = client.post(reverse(URL), data)
    assert response.status_code == 302
    profile = FacilitatorProfile.objects.get(user=world.users["facilitator_a1"])
    assert profile.languages == ["tr", "nl"]
    assert str(profile.hours_per_week) == "4.5"
    client.post(reverse(URL), {"languages": ["ar"], "local_network": "Mosque"})
    profile.refresh_from_db()
    assert profile.languages == ["ar"] and profile.local_network == "Mosque"
    assert profile.hours_per_week is None
    assert FacilitatorProfile.objects.count() == 1


def test_saved_profile_is_shown_again(world):
    FacilitatorProfile.objects.create(
        user=world.users["facilitator_a1"], languages=["ku"], motivation="Neighbours"
    )
    body = world.client_for("facilitator_a1").get(reverse(URL)).content.decode()
    assert "Neighbours" in body
    assert re.search(r'<input[^>]*value="ku"[^>]*checked', body)


def test_a_profile_makes_the_group_ready(world):
    world.client_for("facilitator_a1").post(reverse(URL), {"languages": ["tr"]})
    body = (
        world.client_for("lead_a")
        .get(reverse("group_readiness", args=[world.group_a1.pk]))
        .content.decode()
    )
    assert "3 of 6 ready" in body


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"languages": ["xx"]},
        {"languages": ["tr"], "hours_per_week": "-1"},
        {"languages": ["tr"], "hours_per_week": "lots"},
    ],
)
def test_bad_input_shows_errors(world, data):
    response = world.client_for("facilitator_a1").post(reverse(URL), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not FacilitatorProfile.objects.exists()


@pytest.mark.parametrize("text", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, text):
    data = {"languages": ["tr"], "motivation": text, "cultural_knowledge": text}
    response = world.client_for("lead_a").post(reverse(URL), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_are_forbidden(world, persona):
    assert world.client_for(persona).get(reverse(URL)).status_code == 403


def test_put_is_not_allowed(world):
    assert world.client_for("facilitator_a1").put(reverse(URL)).status_code == 405
