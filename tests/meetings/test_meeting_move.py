"""Moving a meeting, with a reason."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services_planning
from tests.factories import AMSTERDAM
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("meeting_move", args=[world.meeting_a1.pk])


def test_get_shows_the_current_time(world, login):
    response = login(world.users["facilitator_a1"]).get(_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="2026-03-03"' in content and 'value="10:00"' in content


def test_move_keeps_the_first_time_and_warns_about_clashes(world, login):
    response = login(world.users["lead_a"]).post(
        _url(world),
        {"date": "2026-04-27", "start_time": "14:00", "end_time": "16:00", "reason": "Room"},
        follow=True,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Koningsdag" in content
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.starts_at == dt.datetime(2026, 4, 27, 14, tzinfo=AMSTERDAM)
    assert world.meeting_a1.moved_from == dt.datetime(2026, 3, 3, 10, tzinfo=AMSTERDAM)
    assert world.meeting_a1.change_reason == "Room"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"date": "2026-04-28", "start_time": "14:00", "end_time": "16:00", "reason": ""},
        {"date": "2026-04-28", "start_time": "14:00", "end_time": "16:00", "reason": "   "},
        {"date": "2026-04-28", "start_time": "16:00", "end_time": "14:00", "reason": "x"},
    ],
)
def test_bad_input_rerenders(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.moved_from is None


def test_a_cancelled_meeting_cannot_move(world, login):
    services_planning.meeting_cancel(meeting=world.meeting_a1, reason="Ill")
    response = login(world.users["facilitator_a1"]).post(
        _url(world),
        {"date": "2026-04-28", "start_time": "14:00", "end_time": "16:00", "reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), {"date": value, "start_time": "14:00", "end_time": "16:00", "reason": value}
    )
    assert response.status_code == 200


def test_roles(world, login):
    data = {"date": "2026-04-28", "start_time": "14:00", "end_time": "16:00", "reason": "x"}
    assert login(world.users["volunteer_a1"]).post(_url(world), data).status_code == 403
    assert login(world.users["coordinator"]).post(_url(world), data).status_code == 403
    assert login(world.users["facilitator_b1"]).post(_url(world), data).status_code == 404
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.moved_from is None


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world)).status_code == 405
