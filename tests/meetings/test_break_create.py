"""An agreed break: no gap warnings during it."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import GroupBreak
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("break_create", args=[world.group_a1.pk])


def test_facilitator_adds_a_summer_break(world, login):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), {"starts_on": "2026-07-18", "ends_on": "2026-08-30", "reason": "Summer"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("group_meetings", args=[world.group_a1.pk])
    agreed = GroupBreak.objects.get(group=world.group_a1)
    assert (agreed.starts_on, agreed.ends_on, agreed.reason) == (
        dt.date(2026, 7, 18),
        dt.date(2026, 8, 30),
        "Summer",
    )


def test_get(world, login):
    response = login(world.users["lead_a"]).get(_url(world))
    assert response.status_code == 200
    assert 'type="date"' in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"starts_on": "2026-08-30", "ends_on": "2026-07-18"},
        {"starts_on": "2026-07-18", "ends_on": "2026-08-30", "reason": "x" * 101},
    ],
)
def test_bad_input(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not GroupBreak.objects.exists()


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), {"starts_on": value, "ends_on": "2026-08-30", "reason": value}
    )
    assert response.status_code == 200


def test_roles(world, login):
    data = {"starts_on": "2026-07-18", "ends_on": "2026-08-30"}
    assert login(world.users["volunteer_a1"]).post(_url(world), data).status_code == 403
    assert login(world.users["coordinator"]).post(_url(world), data).status_code == 403
    assert login(world.users["facilitator_b1"]).post(_url(world), data).status_code == 404
    assert not GroupBreak.objects.exists()


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world)).status_code == 405
