"""GET/POST /enrolments/<pk>/leave/ — record that someone left a group."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import SocialServiceFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


@pytest.fixture
def enrolment(world):
    return world.participant_a1.enrolments.get()  # joined 2025-01-15


def _url(enrolment):
    return reverse("enrolment_leave", args=[enrolment.pk])


def _payload(world, **overrides):
    data = {
        "left_on": "2025-04-01",
        "reason": "moved",
        "notes": "Moved in with her daughter",
        "referred_to": world.service_a.pk,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_record_leaving(world, enrolment, persona):
    client = world.client_for(persona)
    assert client.get(_url(enrolment)).status_code == 200
    response = client.post(_url(enrolment), _payload(world))
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[world.participant_a1.pk])
    enrolment.refresh_from_db()
    assert (enrolment.left_on, enrolment.leave_reason, enrolment.referred_to) == (
        dt.date(2025, 4, 1),
        "moved",
        world.service_a,
    )
    assert enrolment.leave_notes == "Moved in with her daughter"
    # History: the row stays.
    assert world.participant_a1.enrolments.count() == 1


def test_referral_is_optional(world, enrolment):
    response = world.client_for("facilitator_a1").post(
        _url(enrolment), _payload(world, referred_to="", notes="")
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.referred_to is None


def test_referral_choices_are_the_organisations_social_map(world, enrolment):
    SocialServiceFactory(organisation=world.org_b, name="Elsewhere B")
    form = world.client_for("facilitator_a1").get(_url(enrolment)).context["form"]
    assert [s.name for s in form.fields["referred_to"].queryset] == ["Huisartsenpraktijk Oost"]


def test_a_social_map_entry_of_another_organisation_is_refused(world, enrolment):
    other = SocialServiceFactory(organisation=world.org_b, name="Elsewhere B")
    response = world.client_for("lead_a").post(
        _url(enrolment), _payload(world, referred_to=other.pk)
    )
    assert response.status_code == 200
    assert "referred_to" in response.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


def test_leaving_twice_redirects_with_a_message(world, enrolment):
    client = world.client_for("facilitator_a1")
    client.post(_url(enrolment), _payload(world))
    response = client.get(_url(enrolment))
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages][-1] == (
        "This person already left the group."
    )
    response = client.post(_url(enrolment), _payload(world, left_on="2025-05-01"))
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.left_on == dt.date(2025, 4, 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"left_on": ""}, "left_on"),
        ({"left_on": "2024-12-31"}, "left_on"),  # before joining
        ({"reason": ""}, "reason"),
        ({"reason": "bored"}, "reason"),
        ({"notes": "x" * 301}, "notes"),
        ({"referred_to": "999999"}, "referred_to"),
    ],
)
def test_bad_input(world, enrolment, overrides, field):
    response = world.client_for("facilitator_a1").post(
        _url(enrolment), _payload(world, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input(world, enrolment, value):
    response = world.client_for("facilitator_a1").post(
        _url(enrolment), {"left_on": value, "reason": value, "notes": value, "referred_to": value}
    )
    assert response.status_code == 200
    assert_escaped(response)
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


def test_anonymous_is_sent_to_sign_in(world, enrolment):
    assert world.client_for("anonymous").get(_url(enrolment)).status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_get_403(world, enrolment, persona):
    client = world.client_for(persona)
    assert client.get(_url(enrolment)).status_code == 403
    assert client.post(_url(enrolment), _payload(world)).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


def test_out_of_scope_is_404(world, enrolment):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(enrolment)).status_code == 404
    assert client.post(_url(enrolment), _payload(world)).status_code == 404
    assert world.client_for("lead_a").get("/enrolments/999999/leave/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.left_on is None


def test_a_volunteer_who_also_facilitates_elsewhere_cannot_close_it(world, enrolment):
    """Passing the role rule is not enough: the participant must be editable."""
    from tests.factories import Role, grant_role

    user = world.users["volunteer_a1"]
    grant_role(user, Role.FACILITATOR, world.group_a2)
    client = world.client_for("volunteer_a1")
    assert client.get(_url(enrolment)).status_code == 403
    assert client.post(_url(enrolment), _payload(world)).status_code == 403


def test_wrong_method(world, enrolment):
    assert world.client_for("lead_a").put(_url(enrolment)).status_code == 405
