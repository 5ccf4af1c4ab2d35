"""GET/POST /participants/<pk>/enrol/ — enrol someone in a group."""

import datetime as dt

import pytest
from django.urls import reverse

from participants.models import Enrolment
from tests.factories import ParticipantFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(participant):
    return reverse("participant_enrol", args=[participant.pk])


@pytest.fixture
def candidate(world):
    return ParticipantFactory(group=world.group_a1, full_name="New Candidate", status="intake_done")


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_enrol(world, candidate, persona):
    client = world.client_for(persona)
    assert client.get(_url(candidate)).status_code == 200
    response = client.post(_url(candidate), {"group": world.group_a1.pk, "joined_on": "2025-03-01"})
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[candidate.pk])
    enrolment = candidate.enrolments.get()
    assert (enrolment.group, enrolment.joined_on, enrolment.left_on) == (
        world.group_a1,
        dt.date(2025, 3, 1),
        None,
    )
    candidate.refresh_from_db()
    assert candidate.status == "joined"


@pytest.mark.parametrize(
    ("persona", "groups"),
    [("facilitator_a1", ["Group A1"]), ("lead_a", ["Group A1", "Group A2"])],
)
def test_group_choices(world, candidate, persona, groups):
    form = world.client_for(persona).get(_url(candidate)).context["form"]
    assert [g.name for g in form.fields["group"].queryset] == groups


def test_lead_enrols_in_another_group_of_the_organisation(world):
    p = world.participant_a1
    response = world.client_for("lead_a").post(
        _url(p), {"group": world.group_a2.pk, "joined_on": "2025-03-01"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.group == world.group_a2
    assert p.enrolments.count() == 2


@pytest.mark.parametrize(
    ("persona", "group"),
    [("facilitator_a1", "group_a2"), ("lead_a", "group_b1"), ("facilitator_a1", "group_b1")],
)
def test_a_group_out_of_reach_is_refused(world, candidate, persona, group):
    response = world.client_for(persona).post(
        _url(candidate), {"group": getattr(world, group).pk, "joined_on": "2025-03-01"}
    )
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not candidate.enrolments.exists()


def test_already_in_the_group_is_a_field_error(world):
    p = world.participant_a1
    response = world.client_for("facilitator_a1").post(
        _url(p), {"group": world.group_a1.pk, "joined_on": "2025-03-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["group"] == ["This person is already in this group."]
    assert p.enrolments.count() == 1


@pytest.mark.parametrize("value", ["", "tomorrow", "2025-13-01", *HOSTILE_SAMPLE])
def test_bad_input(world, candidate, value):
    response = world.client_for("facilitator_a1").post(
        _url(candidate), {"group": value, "joined_on": value}
    )
    assert response.status_code == 200
    assert_escaped(response)
    assert response.context["form"].errors
    assert not Enrolment.objects.filter(participant=candidate).exists()


def test_anonymous_is_sent_to_sign_in(world, candidate):
    assert world.client_for("anonymous").get(_url(candidate)).status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_get_403(world, candidate, persona):
    client = world.client_for(persona)
    assert client.get(_url(candidate)).status_code == 403
    data = {"group": world.group_a1.pk, "joined_on": "2025-03-01"}
    assert client.post(_url(candidate), data).status_code == 403
    assert not candidate.enrolments.exists()


def test_out_of_scope_is_404(world, candidate):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(candidate)).status_code == 404
    data = {"group": world.group_b1.pk, "joined_on": "2025-03-01"}
    assert client.post(_url(candidate), data).status_code == 404
    assert not candidate.enrolments.exists()


def test_wrong_method(world, candidate):
    assert world.client_for("lead_a").delete(_url(candidate)).status_code == 405
