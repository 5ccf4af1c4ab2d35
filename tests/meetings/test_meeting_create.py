"""Planning one meeting."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import AMSTERDAM, VenueFactory
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("meeting_create", args=[world.group_a1.pk])


def _data(**overrides):
    data = {"date": "2026-06-02", "start_time": "10:00", "end_time": "12:00", "venue": ""}
    data.update(overrides)
    return data


def test_get_shows_date_and_time_inputs_and_only_own_venues(world, login):
    response = login(world.users["facilitator_a1"]).get(_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="date"' in content and 'type="time"' in content
    assert "Venue A" in content and "Venue B" not in content


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_planner_plans_a_meeting(world, login, persona):
    response = login(world.users[persona]).post(_url(world), _data(venue=world.venue_a.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("group_meetings", args=[world.group_a1.pk])
    meeting = Meeting.objects.get(group=world.group_a1, starts_at__date=dt.date(2026, 6, 2))
    assert meeting.starts_at == dt.datetime(2026, 6, 2, 10, tzinfo=AMSTERDAM)
    assert meeting.ends_at == dt.datetime(2026, 6, 2, 12, tzinfo=AMSTERDAM)
    assert meeting.venue == world.venue_a


def test_a_holiday_is_a_warning_never_a_block(world, login):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), _data(date="2026-04-27"), follow=True
    )
    assert response.status_code == 200
    assert "Koningsdag" in response.content.decode()
    assert Meeting.objects.filter(starts_at__date=dt.date(2026, 4, 27)).exists()


def test_a_venue_of_another_organisation_is_refused(world, login):
    response = login(world.users["facilitator_a1"]).post(_url(world), _data(venue=world.venue_b.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["venue"]
    other = VenueFactory()
    response = login(world.users["facilitator_a1"]).post(_url(world), _data(venue=other.pk))
    assert response.context["form"].errors["venue"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        _data(end_time="09:00"),
        _data(date="0001-01-01"),
        _data(date="2026-02-30"),
        _data(start_time="25:00"),
    ],
)
def test_bad_input_rerenders_with_errors(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Meeting.objects.filter(group=world.group_a1).count() == 1


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), _data(date=value, start_time=value, venue=value)
    )
    assert response.status_code == 200


def test_volunteer_and_coordinator_get_403(world, login):
    for persona in ("volunteer_a1", "coordinator", "funder"):
        assert login(world.users[persona]).post(_url(world), _data()).status_code == 403


def test_facilitator_who_volunteers_elsewhere_cannot_plan_there(world, login):
    from groups.models import Role
    from tests.factories import grant_role

    volunteer = world.users["volunteer_a1"]
    grant_role(volunteer, Role.FACILITATOR, world.group_a2)
    assert login(volunteer).get(_url(world)).status_code == 403


def test_other_organisation_gets_404(world, login):
    assert login(world.users["facilitator_b1"]).get(_url(world)).status_code == 404


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world)).status_code == 405
