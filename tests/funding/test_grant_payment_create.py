import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import GrantPayment
from tests.factories import ApplicationFactory, GrantFactory
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def url(grant):
    return reverse("grant_payment_create", kwargs={"pk": grant.pk})


def test_lead_records_a_payment(world, login):
    client = login(world.users["lead_a"])
    assert client.get(url(world.grant_a)).status_code == 200
    response = client.post(
        url(world.grant_a), {"received_on": "2026-02-01", "amount": "2500.50", "note": "Advance"}
    )
    assert response.status_code == 302
    assert response.url == reverse("grant_edit", kwargs={"pk": world.application_a.pk})
    payment = GrantPayment.objects.get(grant=world.grant_a)
    assert payment.amount == Decimal("2500.50")
    assert payment.note == "Advance"


def test_more_than_the_grant_is_a_field_error(world, login):
    GrantPayment.objects.create(
        grant=world.grant_a, received_on=dt.date(2026, 1, 1), amount=Decimal("4000")
    )
    response = login(world.users["lead_a"]).post(
        url(world.grant_a), {"received_on": "2026-02-01", "amount": "1000.01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert GrantPayment.objects.filter(grant=world.grant_a).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"received_on": "x", "amount": "1"},
        {"received_on": "2026-01-01", "amount": "0"},
        {"received_on": "2026-01-01", "amount": "1e9999"},
    ],
)
def test_bad_input(world, login, data):
    response = login(world.users["lead_a"]).post(url(world.grant_a), data)
    assert response.status_code == 200
    assert not GrantPayment.objects.exists()


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_note(world, login, hostile):
    response = login(world.users["lead_a"]).post(
        url(world.grant_a), {"received_on": "2026-01-01", "amount": "1", "note": hostile}
    )
    assert response.status_code in (200, 302)


def test_other_organisation_is_404(world, login):
    other = GrantFactory(application=ApplicationFactory(organisation=world.org_b))
    assert login(world.users["lead_a"]).get(url(other)).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "facilitator_b1", "coordinator", "funder"])
def test_other_roles_403(world, persona):
    assert (
        world.client_for(persona)
        .post(url(world.grant_a), {"received_on": "2026-01-01", "amount": "1"})
        .status_code
        == 403
    )
    assert not GrantPayment.objects.exists()


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).put(url(world.grant_a)).status_code == 405
