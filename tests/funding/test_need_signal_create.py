"""GET/POST /groups/<pk>/needs/new/ — record a need signalled before a group starts."""

import pytest
from django.urls import reverse

from funding.models import NeedSignal
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db


def _url(group):
    return reverse("need_signal_create", args=[group.pk])


VALID = {
    "community": "Moroccan",
    "signs": "Women no longer come to the market",
    "key_figures": "The neighbourhood worker",
    "signalled_on": "2026-02-01",
}


def test_form_renders(world):
    response = world.client_for("lead_a").get(_url(world.group_a1))
    assert response.status_code == 200
    assert "novalidate" in response.content.decode()


def test_create(world):
    response = world.client_for("lead_a").post(_url(world.group_a1), VALID)
    assert response.status_code == 302
    signal = NeedSignal.objects.get()
    assert signal.group == world.group_a1
    assert signal.recorded_by == world.users["lead_a"]
    assert signal.community == "Moroccan"


def test_empty_post_shows_errors(world):
    response = world.client_for("lead_a").post(_url(world.group_a1), {})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"community", "signs", "signalled_on"}
    assert not NeedSignal.objects.exists()


@pytest.mark.parametrize("text", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, text):
    data = {**VALID, "community": text, "signs": text, "signalled_on": text[:20]}
    response = world.client_for("lead_a").post(_url(world.group_a1), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)


def test_other_organisation_is_404(world):
    assert world.client_for("lead_a").post(_url(world.group_b1), VALID).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    assert world.client_for(persona).post(_url(world.group_a1), VALID).status_code == 403


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(_url(world.group_a1)).status_code == 405
