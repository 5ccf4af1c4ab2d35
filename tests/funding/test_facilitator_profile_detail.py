"""GET /people/<pk>/profile/ — a lead reads the profile of someone in their organisation."""

import pytest
from django.urls import reverse

from funding.models import FacilitatorProfile

pytestmark = pytest.mark.django_db


def _url(user):
    return reverse("facilitator_profile_detail", args=[user.pk])


def test_lead_reads_a_facilitators_profile(world):
    FacilitatorProfile.objects.create(
        user=world.users["facilitator_a1"], languages=["tr", "ku"], motivation="<b>Kind</b>"
    )
    response = world.client_for("lead_a").get(_url(world.users["facilitator_a1"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Turkish" in body and "Kurdish" in body
    assert "&lt;b&gt;Kind&lt;/b&gt;" in body


def test_no_profile_yet(world):
    response = world.client_for("lead_a").get(_url(world.users["facilitator_a1"]))
    assert response.status_code == 200
    assert "has not filled in a facilitator profile yet" in response.content.decode()


@pytest.mark.parametrize("persona", ["facilitator_b1", "outsider", "funder"])
def test_people_outside_the_leads_organisation_are_404(world, persona):
    response = world.client_for("lead_a").get(_url(world.users[persona]))
    assert response.status_code == 404


def test_unknown_user_is_404(world):
    url = reverse("facilitator_profile_detail", args=[999999])
    assert world.client_for("lead_a").get(url).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    response = world.client_for(persona).get(_url(world.users["facilitator_a1"]))
    assert response.status_code == 403


def test_post_is_not_allowed(world):
    response = world.client_for("lead_a").post(_url(world.users["facilitator_a1"]))
    assert response.status_code == 405
