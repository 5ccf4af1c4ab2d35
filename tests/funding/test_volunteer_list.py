"""GET /volunteers/ — the lead's volunteers with hours and allowances this year."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from funding.models import AllowancePayment, VolunteerHours
from tests.factories import VolunteerFactory
from tests.helpers import HOSTILE, assert_escaped

pytestmark = pytest.mark.django_db

URL = reverse("volunteer_list")


@time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC))
def test_lead_sees_own_volunteers_with_totals_this_year(world):
    volunteer = world.volunteer_a
    volunteer.groups.add(world.group_a1)
    volunteer.user = world.users["volunteer_a1"]
    volunteer.save(update_fields=["user"])
    VolunteerHours.objects.create(
        volunteer=volunteer, group=world.group_a1, worked_on=dt.date(2025, 3, 1), hours=2
    )
    VolunteerHours.objects.create(
        volunteer=volunteer, group=world.group_a1, worked_on=dt.date(2024, 3, 1), hours=7
    )
    AllowancePayment.objects.create(
        volunteer=volunteer, paid_on=dt.date(2025, 3, 1), amount=Decimal("1234.50")
    )
    VolunteerFactory(organisation=world.org_b, full_name="Bert of B")
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vera Volunteer" in body and "Bert of B" not in body
    assert "Group A1" in body
    assert "€1,234.50" in body
    [row] = response.context["volunteers"]
    assert row.hours_year == Decimal("2") and row.allowances_year == Decimal("1234.50")


def test_dutch_money_format(world):
    AllowancePayment.objects.create(
        volunteer=world.volunteer_a, paid_on=timezone.localdate(), amount=Decimal("1234.50")
    )
    client = world.client_for("lead_a")
    client.cookies["django_language"] = "nl"
    user = world.users["lead_a"]
    user.language = "nl"
    user.save(update_fields=["language"])
    body = client.get(URL).content.decode()
    assert "€ 1.234,50" in body


def test_hostile_names_are_escaped(world):
    for i, text in enumerate(HOSTILE):
        VolunteerFactory(
            organisation=world.org_a, full_name=f"{i} {text[:140]}".replace("\x00", "")
        )
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    assert_escaped(response)


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "coordinator", "funder"])
def test_non_leads_are_forbidden(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(URL).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_query_count_is_fixed(world, extra, warm, django_assert_num_queries):
    for i in range(extra):
        volunteer = VolunteerFactory(organisation=world.org_a, full_name=f"Extra {i}")
        volunteer.groups.add(world.group_a1, world.group_a2)
        VolunteerHours.objects.create(
            volunteer=volunteer, group=world.group_a1, worked_on=timezone.localdate(), hours=1
        )
        AllowancePayment.objects.create(
            volunteer=volunteer, paid_on=timezone.localdate(), amount=Decimal("5")
        )
    client = world.client_for("lead_a")
    warm(client, URL)
    with django_assert_num_queries(5):
        # 1. the session  2. the user  3. the user's roles (access rule)
        # 4. the volunteers with organisation, account and both yearly totals (subqueries)
        # 5. their groups (prefetch)
        response = client.get(URL)
    assert len(response.context["volunteers"]) == 1 + extra
