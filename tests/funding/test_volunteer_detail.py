"""GET /volunteers/<pk>/ — hours and allowances per month against the tax-free maxima."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from funding.models import AllowancePayment, VolunteerHours
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def _url(volunteer):
    return reverse("volunteer_detail", args=[volunteer.pk])


@time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC))
def test_months_limits_and_warnings(world):
    volunteer = world.volunteer_a
    VolunteerHours.objects.create(
        volunteer=volunteer, group=world.group_a1, worked_on=dt.date(2025, 3, 4), hours=10
    )
    AllowancePayment.objects.create(
        volunteer=volunteer, paid_on=dt.date(2025, 6, 1), amount=Decimal("250.00")
    )
    response = world.client_for("lead_a").get(_url(volunteer))
    assert response.status_code == 200
    body = response.content.decode()
    assert "€2,100.00" in body and "€210.00" in body and "€5.60" in body
    months = {row["month"].month: row for row in response.context["months"]}
    assert set(months) == {1, 2, 3, 4, 5, 6}
    assert months[3]["hours"] == Decimal("10")
    assert months[6]["allowances"] == Decimal("250.00") and months[6]["over"]
    assert "above the monthly maximum" in body
    warnings = response.context["warnings"]
    assert any("a month" in w for w in warnings)
    assert any("an hour" in w for w in warnings)


@time_machine.travel(dt.datetime(2031, 2, 1, 12, tzinfo=dt.UTC))
def test_unknown_year_says_so(world):
    body = world.client_for("lead_a").get(_url(world.volunteer_a)).content.decode()
    assert "No tax-free maximum is known for 2031" in body


def test_other_organisations_volunteer_is_404(world):
    other = VolunteerFactory(organisation=world.org_b)
    assert world.client_for("lead_a").get(_url(other)).status_code == 404


def test_unknown_volunteer_is_404(world):
    url = reverse("volunteer_detail", args=[999999])
    assert world.client_for("lead_a").get(url).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator"])
def test_non_leads_are_forbidden(world, persona):
    assert world.client_for(persona).get(_url(world.volunteer_a)).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.volunteer_a)).status_code == 405
