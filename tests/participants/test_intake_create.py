"""GET/POST /participants/<pk>/intakes/new/ — record an intake conversation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Intake
from tests.factories import ParticipantFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(participant):
    return reverse("intake_create", args=[participant.pk])


def _payload(**overrides):
    data = {
        "held_on": "2025-02-10",
        "location": "home",
        "situation": "Lives alone since her husband died",
        "wishes": "Used to sing in a choir",
        "practical_needs": "Needs a lift",
        "group_fits": "yes",
        "next_step": "Invite to the first meeting",
    }
    data.update(overrides)
    return data


@pytest.fixture
def candidate(world):
    return ParticipantFactory(group=world.group_a1, full_name="New Candidate", status="contacted")


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_record_an_intake(world, candidate, persona):
    client = world.client_for(persona)
    assert client.get(_url(candidate)).status_code == 200
    response = client.post(_url(candidate), _payload())
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[candidate.pk])
    intake = candidate.intakes.get()
    assert (intake.held_on, intake.location, intake.group_fits) == (
        dt.date(2025, 2, 10),
        "home",
        "yes",
    )
    assert intake.wishes == "Used to sing in a choir"
    assert intake.conducted_by == world.users[persona]
    candidate.refresh_from_db()
    assert candidate.status == "intake_done"


def test_status_of_a_participant_who_joined_stays(world):
    p = world.participant_a1
    world.client_for("facilitator_a1").post(_url(p), _payload())
    p.refresh_from_db()
    assert p.status == "joined"


def test_only_date_and_place_are_needed(world, candidate):
    response = world.client_for("facilitator_a1").post(
        _url(candidate), {"held_on": "2025-02-10", "location": "phone", "group_fits": "unsure"}
    )
    assert response.status_code == 302


def test_the_form_defaults_to_today(world, candidate):
    response = world.client_for("facilitator_a1").get(_url(candidate))
    assert response.context["form"]["held_on"].value() == timezone.localdate()
    assert 'type="date"' in response.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": ""}, "held_on"),
        ({"held_on": "10/02/2025x"}, "held_on"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"location": "moon"}, "location"),
        ({"group_fits": "maybe"}, "group_fits"),
        ({"next_step": "x" * 201}, "next_step"),
    ],
)
def test_bad_input(world, candidate, overrides, field):
    response = world.client_for("facilitator_a1").post(_url(candidate), _payload(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Intake.objects.exists()
    candidate.refresh_from_db()
    assert candidate.status == "contacted"


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input(world, candidate, value):
    response = world.client_for("facilitator_a1").post(
        _url(candidate),
        _payload(held_on=value, location=value, situation=value, wishes=value, next_step=value),
    )
    assert response.status_code == 200
    assert_escaped(response)
    assert not Intake.objects.exists()


def test_stored_markup_is_escaped_on_the_record(world, candidate):
    client = world.client_for("facilitator_a1")
    client.post(_url(candidate), _payload(situation="<script>alert(1)</script>"))
    page = client.get(reverse("participant_detail", args=[candidate.pk]))
    assert_escaped(page)
    assert "&lt;script&gt;" in page.text


def test_anonymous_is_sent_to_sign_in(world, candidate):
    assert world.client_for("anonymous").get(_url(candidate)).status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_get_403(world, candidate, persona):
    client = world.client_for(persona)
    assert client.get(_url(candidate)).status_code == 403
    assert client.post(_url(candidate), _payload()).status_code == 403
    assert not Intake.objects.exists()


def test_out_of_scope_is_404(world, candidate):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(candidate)).status_code == 404
    assert client.post(_url(candidate), _payload()).status_code == 404
    assert not Intake.objects.exists()


def test_wrong_method(world, candidate):
    assert world.client_for("lead_a").put(_url(candidate)).status_code == 405
