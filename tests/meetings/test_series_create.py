"""Planning a series: every N weeks from a first date until a last."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Meeting, MeetingSeries
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("series_create", args=[world.group_a1.pk])


def _data(**overrides):
    data = {
        "first_date": "2026-09-01",
        "until_date": "2026-12-22",
        "interval_weeks": "2",
        "start_time": "10:00",
        "end_time": "12:00",
        "venue": "",
    }
    data.update(overrides)
    return data


def test_get_defaults_to_every_other_week(world, login):
    response = login(world.users["facilitator_a1"]).get(_url(world))
    assert response.status_code == 200
    assert response.context["form"]["interval_weeks"].value() == 2
    content = response.content.decode()
    assert 'type="date"' in content and 'type="time"' in content
    assert "Venue B" not in content


def test_every_other_tuesday(world, login):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), _data(venue=world.venue_a.pk), follow=True
    )
    assert response.status_code == 200
    series = MeetingSeries.objects.get(group=world.group_a1)
    dates = [m.date for m in series.meetings.order_by("starts_at")]
    assert dates[0] == dt.date(2026, 9, 1)
    assert dates[-1] == dt.date(2026, 12, 22)
    assert len(dates) == 9
    assert all((b - a).days == 14 for a, b in zip(dates, dates[1:], strict=False))
    content = response.content.decode()
    assert "9 meetings planned." in content
    # 22 December is in the Christmas school holiday (region Midden): a warning.
    assert "Kerstvakantie" in content


def test_weekly_series(world, login):
    login(world.users["lead_a"]).post(
        _url(world), _data(interval_weeks="1", until_date="2026-09-29")
    )
    assert Meeting.objects.filter(group=world.group_a1, series__isnull=False).count() == 5


@pytest.mark.parametrize(
    "data",
    [
        {},
        _data(until_date="2026-08-01"),
        _data(interval_weeks="5"),
        _data(interval_weeks="0"),
        _data(end_time="09:00"),
        _data(until_date="2030-12-31", interval_weeks="1"),  # more than 60 meetings
    ],
)
def test_bad_input_rerenders_with_errors(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not MeetingSeries.objects.exists()


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), _data(first_date=value, interval_weeks=value, venue=value)
    )
    assert response.status_code == 200


def test_roles(world, login, client):
    assert login(world.users["volunteer_a1"]).post(_url(world), _data()).status_code == 403
    assert login(world.users["coordinator"]).get(_url(world)).status_code == 403
    assert login(world.users["facilitator_b1"]).post(_url(world), _data()).status_code == 404
    assert client.get(_url(world)).status_code == 302
    assert not MeetingSeries.objects.exists()


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).delete(_url(world)).status_code == 405
