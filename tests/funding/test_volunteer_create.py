"""GET/POST /volunteers/new/ — add a volunteer to the lead's organisation."""

import pytest
from django.urls import reverse

from funding.models import Volunteer
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db

URL = reverse("volunteer_create")


def test_form_offers_own_groups_and_accounts_only(world):
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["groups"].queryset) == {world.group_a1, world.group_a2}
    accounts = set(form.fields["user"].queryset)
    assert world.users["volunteer_a1"] in accounts
    assert world.users["facilitator_b1"] not in accounts


def test_create(world):
    data = {
        "full_name": "Nadia",
        "user": world.users["volunteer_a1"].pk,
        "email": "nadia@example.org",
        "under_21": "on",
        "groups": [world.group_a1.pk],
        "active": "on",
    }
    response = world.client_for("lead_a").post(URL, data)
    volunteer = Volunteer.objects.get(full_name="Nadia")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteer_detail", args=[volunteer.pk])
    assert volunteer.organisation == world.org_a
    assert volunteer.under_21 and volunteer.active
    assert list(volunteer.groups.all()) == [world.group_a1]


def test_without_account(world):
    response = world.client_for("lead_a").post(URL, {"full_name": "Piet"})
    assert response.status_code == 302
    assert Volunteer.objects.get(full_name="Piet").user is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"full_name": "Vera Volunteer"},  # the same name twice in one organisation
        {"full_name": "X", "email": "not-an-email"},
        {"full_name": "X", "groups": ["999999"]},
    ],
)
def test_bad_input_shows_errors(world, data):
    before = Volunteer.objects.count()
    response = world.client_for("lead_a").post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Volunteer.objects.count() == before


def test_other_organisations_group_or_account_is_refused(world):
    data = {"full_name": "X", "groups": [world.group_b1.pk]}
    assert world.client_for("lead_a").post(URL, data).status_code == 200
    data = {"full_name": "X", "user": world.users["facilitator_b1"].pk}
    assert world.client_for("lead_a").post(URL, data).status_code == 200
    assert not Volunteer.objects.filter(full_name="X").exists()


def test_chosen_organisation_must_be_led(world):
    response = world.client_for("lead_a").post(
        URL, {"full_name": "Y", "organisation": world.org_b.pk}
    )
    assert response.status_code == 302
    assert Volunteer.objects.get(full_name="Y").organisation == world.org_a


@pytest.mark.parametrize("text", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, text):
    response = world.client_for("lead_a").post(URL, {"full_name": text, "phone": text})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    assert world.client_for(persona).post(URL, {"full_name": "Z"}).status_code == 403


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(URL).status_code == 405
