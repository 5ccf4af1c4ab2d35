"""GET/POST /participants/<pk>/consents/new/ — record a consent."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Consent
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(participant):
    return reverse("consent_create", args=[participant.pk])


def _payload(**overrides):
    data = {
        "purpose": "data_processing",
        "method": "oral",
        "language": "tr",
        "info_version": "2025-01",
        "given_on": "2025-02-03",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_record_consent(world, persona):
    p = world.participant_a1
    client = world.client_for(persona)
    assert client.get(_url(p)).status_code == 200
    response = client.post(_url(p), _payload())
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[p.pk])
    consent = p.consents.get(purpose="data_processing")
    assert (consent.method, consent.language, consent.info_version, consent.given_on) == (
        "oral",
        "tr",
        "2025-01",
        dt.date(2025, 2, 3),
    )
    assert consent.recorded_by == world.users[persona]
    assert consent.is_active


def test_the_form_defaults_to_today(world):
    form = world.client_for("lead_a").get(_url(world.participant_a1)).context["form"]
    assert form["given_on"].value() == timezone.localdate()
    assert 'type="date"' in world.client_for("lead_a").get(_url(world.participant_a1)).text


def test_a_second_active_consent_for_a_purpose_is_a_field_error(world):
    p = world.participant_a1  # has an active "phone" consent
    response = world.client_for("facilitator_a1").post(_url(p), _payload(purpose="phone"))
    assert response.status_code == 200
    assert "already recorded" in response.context["form"].errors["purpose"][0]
    assert p.consents.filter(purpose="phone").count() == 1


def test_after_withdrawing_it_can_be_recorded_again(world):
    p = world.participant_a1
    client = world.client_for("facilitator_a1")
    client.post(reverse("consent_withdraw", args=[world.consent_a1.pk]))
    assert client.post(_url(p), _payload(purpose="phone")).status_code == 302
    assert p.consents.filter(purpose="phone").count() == 2
    assert p.consents.filter(purpose="phone", withdrawn_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purpose": "everything"}, "purpose"),
        ({"method": "telepathy"}, "method"),
        ({"method": ""}, "method"),
        ({"language": "xx"}, "language"),
        ({"info_version": ""}, "info_version"),
        ({"info_version": "   "}, "info_version"),
        ({"info_version": "v" * 51}, "info_version"),
        ({"given_on": "yesterday"}, "given_on"),
        ({"given_on": ""}, "given_on"),
        ({"given_on": "2999-01-01"}, "given_on"),
    ],
)
def test_bad_input(world, overrides, field):
    before = Consent.objects.count()
    response = world.client_for("facilitator_a1").post(
        _url(world.participant_a1), _payload(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Consent.objects.count() == before


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input(world, value):
    before = Consent.objects.count()
    response = world.client_for("facilitator_a1").post(
        _url(world.participant_a1),
        _payload(purpose=value, method=value, language=value, info_version=value, given_on=value),
    )
    assert response.status_code == 200
    assert_escaped(response)
    assert Consent.objects.count() == before


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.participant_a1))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.participant_a1)).status_code == 403
    assert client.post(_url(world.participant_a1), _payload()).status_code == 403
    assert not Consent.objects.filter(purpose="data_processing").exists()


def test_out_of_scope_is_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.participant_a1)).status_code == 404
    assert client.post(_url(world.participant_a1), _payload()).status_code == 404
    assert not Consent.objects.filter(purpose="data_processing").exists()


def test_wrong_method(world):
    assert world.client_for("lead_a").put(_url(world.participant_a1)).status_code == 405
