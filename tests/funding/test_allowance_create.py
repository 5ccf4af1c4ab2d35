"""GET/POST /volunteers/<pk>/allowances/new/ — pay an allowance; above a tax-free
maximum nothing is saved until the lead ticks "pay anyway"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import AllowancePayment
from tests.factories import VolunteerFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db


def _url(volunteer):
    return reverse("allowance_create", args=[volunteer.pk])


def _hours(world, hours):
    from funding.models import VolunteerHours

    VolunteerHours.objects.create(
        volunteer=world.volunteer_a,
        group=world.group_a1,
        worked_on=dt.date(2025, 5, 1),
        hours=Decimal(hours),
    )


def test_form_has_no_pay_anyway_box_at_first(world):
    response = world.client_for("lead_a").get(_url(world.volunteer_a))
    assert response.status_code == 200
    assert "confirmed" not in response.context["form"].fields


def test_within_the_maxima_is_saved(world):
    _hours(world, "20")
    data = {"paid_on": "2025-05-10", "amount": "100.00", "note": "May"}
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 302
    payment = AllowancePayment.objects.get()
    assert payment.amount == Decimal("100.00") and payment.note == "May"


def test_dutch_decimal_comma(world):
    _hours(world, "20")
    user = world.users["lead_a"]
    user.language = "nl"
    user.save(update_fields=["language"])
    client = world.client_for("lead_a")
    client.cookies["django_language"] = "nl"
    response = client.post(_url(world.volunteer_a), {"paid_on": "2025-05-10", "amount": "12,50"})
    assert response.status_code == 302
    assert AllowancePayment.objects.get().amount == Decimal("12.50")


def test_above_a_maximum_warns_and_saves_nothing_until_confirmed(world):
    _hours(world, "100")
    client = world.client_for("lead_a")
    data = {"paid_on": "2025-05-10", "amount": "250.00"}
    response = client.post(_url(world.volunteer_a), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "a month" in body and "Pay anyway" in body
    assert "confirmed" in response.context["form"].fields
    assert not AllowancePayment.objects.exists()
    response = client.post(_url(world.volunteer_a), {**data, "confirmed": "on"})
    assert response.status_code == 302
    assert AllowancePayment.objects.get().amount == Decimal("250.00")


def test_unknown_year_warns(world):
    response = world.client_for("lead_a").post(
        _url(world.volunteer_a), {"paid_on": "2031-01-10", "amount": "10"}
    )
    assert response.status_code == 200
    assert "No tax-free maximum is known for 2031" in response.content.decode()
    assert not AllowancePayment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"paid_on": "2025-05-10"},
        {"paid_on": "2025-05-10", "amount": "0"},
        {"paid_on": "2025-05-10", "amount": "-5"},
        {"paid_on": "2025-05-10", "amount": "1e400"},
        {"paid_on": "2025-05-10", "amount": "NaN"},
        {"paid_on": "2025-13-40", "amount": "5"},
    ],
)
def test_bad_input_shows_errors(world, data):
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AllowancePayment.objects.exists()


@pytest.mark.parametrize("text", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, text):
    data = {"paid_on": "2025-05-10", "amount": text, "note": text}
    response = world.client_for("lead_a").post(_url(world.volunteer_a), data)
    assert response.status_code == 200
    assert_escaped(response)


def test_other_organisations_volunteer_is_404(world):
    other = VolunteerFactory(organisation=world.org_b)
    data = {"paid_on": "2025-05-10", "amount": "10"}
    assert world.client_for("lead_a").post(_url(other), data).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    data = {"paid_on": "2025-05-10", "amount": "10"}
    assert world.client_for(persona).post(_url(world.volunteer_a), data).status_code == 403


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(_url(world.volunteer_a)).status_code == 405
