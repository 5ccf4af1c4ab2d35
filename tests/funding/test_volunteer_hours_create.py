"""GET/POST /volunteers/<pk>/hours/new/."""

import pytest
from django.urls import reverse

from funding.models import VolunteerHours
from tests.factories import VolunteerFactory
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(volunteer):
    return reverse("volunteer_hours_create", args=[volunteer.pk])


def test_form_offers_the_organisations_groups(world):
    response = world.client_for("lead_a").get(_url(world.volunteer_a))
    assert response.status_code == 200
    assert set(response.context["form"].fields["group"].queryset) == {
        world.group_a1,
        world.group_a2,
    }


def test_record_hours_with_a_meeting(world):
    data = {
        "group": world.group_a1.pk,
        "meeting": world.meeting_a1.pk,
        "worked_on": "2026-03-03",
        "hours": "2.5",
    }
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 302
    record = VolunteerHours.objects.get()
    assert record.hours == 2.5 and record.meeting == world.meeting_a1


def test_meeting_of_another_group_is_refused(world):
    data = {
        "group": world.group_a2.pk,
        "meeting": world.meeting_a1.pk,
        "worked_on": "2026-03-03",
        "hours": "2",
    }
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 200
    assert "meeting" in response.context["form"].errors
    assert not VolunteerHours.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"group": "", "worked_on": "2026-03-03", "hours": "2"},
        {"group": "x", "worked_on": "2026-03-03", "hours": "2"},
        {"worked_on": "yesterday", "hours": "2"},
        {"worked_on": "2026-03-03", "hours": "0"},
        {"worked_on": "2026-03-03", "hours": "25"},
    ],
)
def test_bad_input_shows_errors(world, data):
    data = {"group": world.group_a1.pk, **data} if data else data
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 200
    assert not VolunteerHours.objects.exists()


def test_group_of_another_organisation_is_refused(world):
    data = {"group": world.group_b1.pk, "worked_on": "2026-03-03", "hours": "2"}
    assert world.client_for("lead_a").post(_url(world.volunteer_a), data).status_code == 200
    assert not VolunteerHours.objects.exists()


@pytest.mark.parametrize("text", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, text):
    data = {"group": text, "meeting": text, "worked_on": text, "hours": text}
    assert world.client_for("lead_a").post(_url(world.volunteer_a), data).status_code == 200


def test_other_organisations_volunteer_is_404(world):
    other = VolunteerFactory(organisation=world.org_b)
    assert world.client_for("lead_a").get(_url(other)).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    assert world.client_for(persona).post(_url(world.volunteer_a), {}).status_code == 403


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(_url(world.volunteer_a)).status_code == 405
