"""Correcting a date, or marking a suggestion as not relevant."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services_planning
from meetings.models import CalendarEvent
from tests.factories import CalendarEventFactory
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(event):
    return reverse("calendar_event_edit", args=[event.pk])


def _data(**overrides):
    data = {"name": "Buurtfeest", "starts_on": "2026-06-14", "ends_on": "", "category": "local"}
    data.update(overrides)
    return data


def test_get(world, login):
    response = login(world.users["facilitator_a1"]).get(_url(world.event_a))
    assert response.status_code == 200
    assert 'value="2026-06-13"' in response.content.decode()


def test_correct_an_estimated_eid(world, login):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    fitr = CalendarEvent.objects.get(organisation=world.org_a, suggestion_key="eid-al-fitr-1447")
    response = login(world.users["lead_a"]).post(
        _url(fitr),
        _data(name=fitr.name, starts_on="2026-03-21", ends_on="2026-03-23", category="religious"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2026")
    fitr.refresh_from_db()
    assert fitr.starts_on == dt.date(2026, 3, 21)
    assert fitr.suggestion_key == "eid-al-fitr-1447"


def test_mark_as_not_relevant(world, login):
    response = login(world.users["facilitator_a1"]).post(
        _url(world.event_a), _data(starts_on="2026-06-13", dismissed="on")
    )
    assert response.status_code == 302
    world.event_a.refresh_from_db()
    assert world.event_a.dismissed


@pytest.mark.parametrize(
    "data", [{}, _data(ends_on="2026-01-01"), _data(category="x"), _data(starts_on="31-31-2026")]
)
def test_bad_input_rerenders(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world.event_a), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    world.event_a.refresh_from_db()
    assert world.event_a.starts_on == dt.date(2026, 6, 13)


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(_url(world.event_a), _data(name=value))
    assert response.status_code in (200, 302)


def test_another_organisations_date_is_404(world, login):
    event_b = CalendarEventFactory(organisation=world.org_b)
    assert login(world.users["facilitator_a1"]).get(_url(event_b)).status_code == 404
    assert (
        login(world.users["facilitator_b1"]).post(_url(world.event_a), _data()).status_code == 404
    )
    url = reverse("calendar_event_edit", args=[event_b.pk + 100])
    assert login(world.users["facilitator_a1"]).get(url).status_code == 404


def test_read_only_roles_get_403(world, login):
    for persona in ("volunteer_a1", "coordinator"):
        assert login(world.users[persona]).post(_url(world.event_a), _data()).status_code == 403
    world.event_a.refresh_from_db()
    assert world.event_a.starts_on == dt.date(2026, 6, 13)


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world.event_a)).status_code == 405
