import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import ApplicationStatus, Grant, GrantPayment
from tests.factories import ApplicationFactory, GrantFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db

VALID = {
    "amount": "4000.50",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "conditions": "At least ten meetings.",
    "min_meetings": "10",
    "report_due": "2027-03-01",
}


def url(application):
    return reverse("grant_edit", kwargs={"pk": application.pk})


@pytest.fixture
def submitted(world):
    return ApplicationFactory(
        organisation=world.org_a,
        status=ApplicationStatus.SUBMITTED,
        amount_requested=Decimal("5000.00"),
    )


def test_lead_registers_a_grant_for_a_submitted_application(world, login, submitted):
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    response = login(lead).post(url(submitted), dict(VALID, amount="4000,50"))  # Dutch input
    assert response.status_code == 302
    grant = Grant.objects.get(application=submitted)
    assert grant.amount == Decimal("4000.50")
    assert grant.min_meetings == 10
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.PARTLY_GRANTED


def test_draft_application_gets_no_form(world, login):
    draft = ApplicationFactory(organisation=world.org_a)
    client = login(world.users["lead_a"])
    response = client.get(url(draft))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client.post(url(draft), VALID).status_code == 200
    assert not Grant.objects.filter(application=draft).exists()


def test_edit_existing_grant_lists_payments(world, login):
    GrantPayment.objects.create(
        grant=world.grant_a, received_on=dt.date(2026, 2, 1), amount=Decimal("1234.50")
    )
    client = login(world.users["lead_a"])
    response = client.get(url(world.application_a))
    assert response.status_code == 200
    text = response.content.decode()
    assert "€1,234.50" in text
    assert reverse("grant_payment_create", kwargs={"pk": world.grant_a.pk}) in text
    data = dict(VALID, amount="6000.00", min_meetings="12")
    response = client.post(url(world.application_a), data)
    assert response.status_code == 302
    world.grant_a.refresh_from_db()
    assert world.grant_a.amount == Decimal("6000.00")
    assert world.grant_a.min_meetings == 12


def test_amount_below_received_is_a_field_error(world, login):
    GrantPayment.objects.create(
        grant=world.grant_a, received_on=dt.date(2026, 2, 1), amount=Decimal("3000")
    )
    response = login(world.users["lead_a"]).post(
        url(world.application_a), dict(VALID, amount="2000")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    world.grant_a.refresh_from_db()
    assert world.grant_a.amount == Decimal("5000.00")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "abc"},
        {"amount": "-5"},
        {"period_end": "2025-01-01"},
        {"period_start": "not a date"},
        {"min_meetings": "-1"},
    ],
)
def test_bad_input_rerenders(world, login, change):
    response = login(world.users["lead_a"]).post(url(world.application_a), dict(VALID, **change))
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_conditions(world, login, hostile):
    response = login(world.users["lead_a"]).post(
        url(world.application_a), dict(VALID, conditions=hostile)
    )
    assert response.status_code in (200, 302)
    assert_escaped(login(world.users["lead_a"]).get(url(world.application_a)))


def test_other_organisation_is_404(world, login):
    other = GrantFactory(application=ApplicationFactory(organisation=world.org_b)).application
    assert login(world.users["lead_a"]).get(url(other)).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_403(world, persona):
    assert world.client_for(persona).get(url(world.application_a)).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).delete(url(world.application_a)).status_code == 405
