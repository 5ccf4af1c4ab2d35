"""POST /groups/<pk>/readiness/tick/ — the project lead ticks or unticks an item."""

import pytest
from django.urls import reverse

from funding.models import ReadinessCheck
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(group):
    return reverse("readiness_tick", args=[group.pk])


def test_tick_then_untick(world):
    client = world.client_for("lead_a")
    response = client.post(_url(world.group_a1), {"key": "first_meetings", "note": "Tea first"})
    assert response.status_code == 302
    assert response["Location"] == reverse("group_readiness", args=[world.group_a1.pk])
    check = ReadinessCheck.objects.get(group=world.group_a1, key="first_meetings")
    assert check.note == "Tea first"
    assert check.checked_by == world.users["lead_a"]
    client.post(_url(world.group_a1), {"key": "first_meetings"})
    assert not ReadinessCheck.objects.exists()


@pytest.mark.parametrize("key", ["", "funding", "room", "facilitators", "nonsense", "\x00"])
def test_computed_unknown_or_empty_key_is_refused_with_a_message(world, key):
    client = world.client_for("lead_a")
    response = client.post(_url(world.group_a1), {"key": key}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the items to tick." in response.content.decode()
    assert not ReadinessCheck.objects.exists()


@pytest.mark.parametrize("note", HOSTILE_SAMPLE)
def test_hostile_notes_never_fail(world, note):
    client = world.client_for("lead_a")
    response = client.post(_url(world.group_a1), {"key": "target_group", "note": note})
    assert response.status_code == 302
    assert len(ReadinessCheck.objects.get().note) <= 200


def test_other_organisation_is_404(world):
    response = world.client_for("lead_a").post(_url(world.group_b1), {"key": "target_group"})
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    response = world.client_for(persona).post(_url(world.group_a1), {"key": "target_group"})
    assert response.status_code == 403
    assert not ReadinessCheck.objects.exists()


def test_get_is_not_allowed(world):
    assert world.client_for("lead_a").get(_url(world.group_a1)).status_code == 405
