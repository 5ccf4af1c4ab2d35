"""Dates to plan around (issue 4): Dutch public and school holidays, Ramadan and the two
Eids (computed, estimates), Keti Koti; stored once as editable suggestions; a meeting on
Eid al-Fitr 2026 is flagged."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services_planning
from meetings.calendar import suggestions
from meetings.models import CalendarEvent, EventSource
from meetings.selectors_planning import calendar_conflicts

pytestmark = pytest.mark.django_db


def _by_name(found, name):
    return [s for s in found if s.name == name]


@pytest.fixture
def middle_2026():
    return suggestions(school_region="Midden", year=2026)


def test_eid_al_fitr_2026_starts_on_20_march_as_an_estimate(middle_2026):
    (fitr,) = _by_name(middle_2026, "Suikerfeest (Eid al-Fitr)")
    assert fitr.starts_on == dt.date(2026, 3, 20)
    assert fitr.is_estimate
    assert fitr.source == EventSource.HIJRI


def test_eid_al_adha_and_ramadan_2026(middle_2026):
    (adha,) = _by_name(middle_2026, "Offerfeest (Eid al-Adha)")
    assert adha.starts_on == dt.date(2026, 5, 27)
    (ramadan,) = _by_name(middle_2026, "Ramadan")
    assert ramadan.starts_on == dt.date(2026, 2, 18)
    assert ramadan.ends_on == dt.date(2026, 3, 19)
    assert ramadan.is_estimate


def test_fixed_and_public_days_2026(middle_2026):
    (keti_koti,) = _by_name(middle_2026, "Keti Koti")
    assert (keti_koti.starts_on, keti_koti.ends_on) == (dt.date(2026, 7, 1), dt.date(2026, 7, 1))
    assert not keti_koti.is_estimate
    (kingsday,) = _by_name(middle_2026, "Koningsdag")
    assert kingsday.starts_on == dt.date(2026, 4, 27)
    # Christmas comes with the public holidays.
    (christmas,) = _by_name(middle_2026, "Eerste kerstdag")
    assert christmas.starts_on == dt.date(2026, 12, 25)


def test_summer_school_holidays_follow_the_region(middle_2026):
    (middle,) = _by_name(middle_2026, "Zomervakantie")
    assert (middle.starts_on, middle.ends_on) == (dt.date(2026, 7, 18), dt.date(2026, 8, 30))
    (north,) = _by_name(suggestions(school_region="Noord", year=2026), "Zomervakantie")
    assert (north.starts_on, north.ends_on) == (dt.date(2026, 7, 4), dt.date(2026, 8, 16))


def test_suggestion_keys_are_unique(middle_2026):
    keys = [s.key for s in middle_2026]
    assert len(keys) == len(set(keys))


def test_calendar_suggest_is_idempotent(world):
    added = services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    assert added > 10
    assert services_planning.calendar_suggest(organisation=world.org_a, year=2026) == 0
    stored = CalendarEvent.objects.filter(organisation=world.org_a).exclude(suggestion_key="")
    assert stored.count() == added


def test_calendar_suggest_keeps_edited_and_dismissed_suggestions(world):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    events = CalendarEvent.objects.filter(organisation=world.org_a)
    fitr = events.get(suggestion_key="eid-al-fitr-1447")
    services_planning.calendar_event_save(
        organisation=world.org_a,
        event=fitr,
        name="Suikerfeest",
        starts_on=dt.date(2026, 3, 21),
        ends_on=dt.date(2026, 3, 21),
        category=fitr.category,
    )
    kingsday = events.get(name="Koningsdag")
    services_planning.calendar_event_save(organisation=world.org_a, event=kingsday, dismissed=True)
    assert services_planning.calendar_suggest(organisation=world.org_a, year=2026) == 0
    fitr.refresh_from_db()
    kingsday.refresh_from_db()
    assert (fitr.name, fitr.starts_on) == ("Suikerfeest", dt.date(2026, 3, 21))
    assert kingsday.dismissed
    assert events.filter(suggestion_key="eid-al-fitr-1447").count() == 1


def test_calendar_conflicts_flags_eid_al_fitr_2026(world):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    conflicts = calendar_conflicts(
        organisation_id=world.org_a.pk, dates=[dt.date(2026, 3, 20), dt.date(2026, 3, 3)]
    )
    assert [e.name for e in conflicts[dt.date(2026, 3, 20)]] == ["Suikerfeest (Eid al-Fitr)"]
    # 3 March 2026 is in Ramadan: also worth a warning.
    assert [e.name for e in conflicts[dt.date(2026, 3, 3)]] == ["Ramadan"]


def test_dismissed_dates_and_other_organisations_do_not_conflict(world):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    CalendarEvent.objects.filter(organisation=world.org_a, name="Keti Koti").update(dismissed=True)
    assert calendar_conflicts(organisation_id=world.org_a.pk, dates=[dt.date(2026, 7, 1)]) == {}
    assert calendar_conflicts(organisation_id=world.org_b.pk, dates=[dt.date(2026, 3, 20)]) == {}


def test_a_meeting_planned_on_eid_al_fitr_2026_is_flagged(world, login):
    client = login(world.users["facilitator_a1"])
    response = client.post(
        reverse("meeting_create", args=[world.group_a1.pk]),
        {"date": "2026-03-20", "start_time": "10:00", "end_time": "12:00"},
        follow=True,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Suikerfeest (Eid al-Fitr) – estimated date" in content
    assert world.group_a1.meetings.filter(starts_at__date=dt.date(2026, 3, 20)).exists()
