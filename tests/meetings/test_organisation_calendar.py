"""The organisation's dates to plan around: suggestions on request, own dates added."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Role
from meetings.models import CalendarEvent, EventCategory, EventSource
from tests.factories import grant_role
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world, year=None):
    url = reverse("organisation_calendar", args=[world.org_a.pk])
    return f"{url}?year={year}" if year else url


def test_get_lists_the_year_grouped_by_month_without_suggesting(world, login):
    response = login(world.users["facilitator_a1"]).get(_url(world, 2026))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Buurtfeest" in content and "June" in content
    assert "Add suggested dates for 2026" in content
    assert not CalendarEvent.objects.exclude(suggestion_key="").exists()


def test_the_suggest_button_adds_the_years_dates_once(world, login):
    client = login(world.users["lead_a"])
    response = client.post(_url(world, 2026), {"suggest": "1", "year": "2026"}, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Suikerfeest (Eid al-Fitr)" in content and "estimated" in content
    assert "computed" in content
    count = CalendarEvent.objects.filter(organisation=world.org_a).count()
    client.post(_url(world, 2026), {"suggest": "1", "year": "2026"})
    assert CalendarEvent.objects.filter(organisation=world.org_a).count() == count
    assert not CalendarEvent.objects.filter(organisation=world.org_b).exists()


def test_add_an_own_date(world, login):
    response = login(world.users["facilitator_a1"]).post(
        _url(world, 2026),
        {"name": "Venue closed", "starts_on": "2026-10-05", "ends_on": "", "category": "local"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2026")
    event = CalendarEvent.objects.get(name="Venue closed")
    assert event.organisation == world.org_a
    assert event.ends_on == dt.date(2026, 10, 5)
    assert event.source == EventSource.MANUAL and event.category == EventCategory.LOCAL


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x", "starts_on": "2026-10-05", "ends_on": "2026-10-01", "category": "local"},
        {"name": "x", "starts_on": "2026-10-05", "category": "nonsense"},
        {"name": "", "starts_on": "2026-10-05", "category": "local"},
    ],
)
def test_bad_input_rerenders(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert CalendarEvent.objects.count() == 1


@pytest.mark.parametrize("year", ["abc", "-1", "99999", "", "2026.5"])
def test_a_bad_year_falls_back_to_this_year(world, login, year):
    response = login(world.users["facilitator_a1"]).get(_url(world) + f"?year={year}")
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_a_bad_suggest_year_does_nothing(world, login):
    response = login(world.users["facilitator_a1"]).post(_url(world), {"suggest": "1", "year": "1"})
    assert response.status_code == 302
    assert CalendarEvent.objects.count() == 1


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), {"name": value, "starts_on": "2026-10-05", "category": "local"}
    )
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_roles(world, login):
    for persona, status in [
        ("volunteer_a1", 403),
        ("coordinator", 403),
        ("funder", 403),
        ("facilitator_b1", 404),
    ]:
        assert login(world.users[persona]).get(_url(world)).status_code == status


def test_a_volunteer_here_who_facilitates_elsewhere_gets_403(world, login):
    volunteer = world.users["volunteer_a1"]
    grant_role(volunteer, Role.FACILITATOR, world.group_b1)
    assert login(volunteer).get(_url(world)).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world)).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_query_count(world, login, warm, extra, django_assert_num_queries):
    for i in range(extra):
        CalendarEvent.objects.create(
            organisation=world.org_a,
            name=f"Day {i}",
            starts_on=dt.date(2026, 1 + i % 12, 1 + i),
            ends_on=dt.date(2026, 1 + i % 12, 1 + i),
            category="local",
        )
    client = login(world.users["facilitator_a1"])
    warm(client, _url(world, 2026))
    # 1 session, 2 user, 3 roles, 4 the organisation (visible_to), 5 leads it?,
    # 6 facilitates one of its groups?, 7 the year's dates
    with django_assert_num_queries(7):
        client.get(_url(world, 2026))
