"""GET/POST /participants/<pk>/calls/new/ — log a follow-up call; the call log below."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import FollowUpCall
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(participant):
    return reverse("follow_up_call_create", args=[participant.pk])


def test_form_shows_the_person_and_their_calls(world):
    FollowUpCall.objects.create(
        participant=world.participant_a1,
        called_by=world.users["lead_a"],
        outcome="no_answer",
        notes="Try again on Friday",
    )
    response = world.client_for("facilitator_a1").get(_url(world.participant_a1))
    assert response.status_code == 200
    text = response.text
    assert "Ayse Demir" in text
    assert 'href="tel:0611112222"' in text
    assert "Try again on Friday" in text
    assert "No answer" in text
    assert world.users["lead_a"].full_name in text
    assert 'type="datetime-local"' in text


def test_logging_a_call(world):
    client = world.client_for("facilitator_a1")
    when = timezone.localtime() - dt.timedelta(hours=2)
    response = client.post(
        _url(world.participant_a1),
        {
            "outcome": "coming_back",
            "notes": "  Was ill; comes next week ",
            "called_at": when.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("follow_up_list")
    call = FollowUpCall.objects.get()
    assert call.participant == world.participant_a1
    assert call.called_by == world.users["facilitator_a1"]
    assert call.outcome == "coming_back"
    assert call.notes == "Was ill; comes next week"
    assert call.called_at == when.replace(second=0, microsecond=0)


def test_lead_may_log_a_call(world):
    response = world.client_for("lead_a").post(
        _url(world.participant_a1),
        {"outcome": "reached", "called_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert FollowUpCall.objects.get().called_by == world.users["lead_a"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "outcome"),
        ({"outcome": "shouted", "called_at": "2026-01-01T10:00"}, "outcome"),
        ({"outcome": "reached", "called_at": "yesterday"}, "called_at"),
        ({"outcome": "reached", "called_at": "2999-01-01T10:00"}, "called_at"),
        ({"outcome": "reached", "called_at": "2026-01-01T10:00", "notes": "x" * 301}, "notes"),
    ],
)
def test_invalid_input_shows_field_errors(world, data, field):
    response = world.client_for("facilitator_a1").post(_url(world.participant_a1), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert FollowUpCall.objects.count() == 0


@pytest.mark.parametrize("notes", HOSTILE_SAMPLE)
def test_hostile_notes_never_fail_and_are_escaped(world, notes):
    client = world.client_for("facilitator_a1")
    data = {"outcome": "message", "notes": notes, "called_at": "2026-01-01T10:00"}
    response = client.post(_url(world.participant_a1), data)
    assert response.status_code in (200, 302)
    assert_escaped(client.get(_url(world.participant_a1)))


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "outsider", "funder"])
def test_roles_that_do_not_call_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.participant_a1)).status_code == 403
    assert client.post(_url(world.participant_a1), {"outcome": "reached"}).status_code == 403
    assert FollowUpCall.objects.count() == 0


def test_facilitator_of_another_group_gets_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.participant_a1)).status_code == 404
    data = {"outcome": "reached", "called_at": "2026-01-01T10:00"}
    assert client.post(_url(world.participant_a1), data).status_code == 404
    assert FollowUpCall.objects.count() == 0


def test_missing_participant_is_404(world):
    url = reverse("follow_up_call_create", args=[999_999])
    assert world.client_for("lead_a").get(url).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.participant_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_put_is_not_allowed(world):
    response = world.client_for("facilitator_a1").put(_url(world.participant_a1))
    assert response.status_code == 405
