"""The group's plan: meetings, clashes, the cadence panel, breaks and the calendar feed."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services_planning
from meetings.feeds import feed_resolve
from meetings.models import GroupBreak, MeetingStatus
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def march_2026(time_machine):
    time_machine.move_to(TODAY, tick=False)


def _url(world):
    return reverse("group_meetings", args=[world.group_a1.pk])


def test_facilitator_sees_the_plan_with_clashes_and_actions(world, login):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 3, 20))  # Eid al-Fitr
    response = login(world.users["facilitator_a1"]).get(_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tuesday" in content and "March 3, 2026" in content  # the date in the user's locale
    assert "10:00" in content and "Venue A" not in content  # the factory sets no venue
    assert "Suikerfeest (Eid al-Fitr) – estimated date" in content
    assert "Ramadan – estimated date" in content  # 3 March falls in Ramadan
    for name in ("series_create", "meeting_create", "break_create"):
        assert reverse(name, args=[world.group_a1.pk]) in content


def test_cadence_panel_counts_and_flags_gaps(world, login):
    world.group_a1.start_date = dt.date(2026, 3, 1)
    world.group_a1.save()
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 7, 2))
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 7, 21))
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert "3</span> meetings in the 12 months from March 1, 2026" in content
    assert "(at least 10 needed)" in content
    assert "to Feb. 28, 2027" in content
    assert "7 more meetings needed" in content
    assert "19 days between 2 July and 21 July 2026" in content


def test_agreed_breaks_are_listed_and_bridge_the_gap(world, login):
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 7, 2))
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 9, 3))
    GroupBreak.objects.create(
        group=world.group_a1,
        starts_on=dt.date(2026, 7, 3),
        ends_on=dt.date(2026, 9, 2),
        reason="Summer holiday",
    )
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert "Summer holiday" in content
    assert "between 2 July" not in content


def test_ten_meetings_are_on_course(world, login):
    for i in range(1, 10):
        MeetingFactory(group=world.group_a1, day=dt.date(2026, 3, 3) + dt.timedelta(weeks=2 * i))
    content = login(world.users["lead_a"]).get(_url(world)).content.decode()
    assert "On course" in content


def test_moved_and_cancelled_meetings_say_so(world, login):
    moved = MeetingFactory(group=world.group_a1, day=dt.date(2026, 4, 7))
    services_planning.meeting_move(
        meeting=moved,
        starts_at=moved.starts_at + dt.timedelta(days=1),
        ends_at=moved.ends_at + dt.timedelta(days=1),
        reason="Venue closed",
    )
    services_planning.meeting_cancel(meeting=world.meeting_a1, reason="Facilitator on leave")
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert "Moved from April 7, 2026" in content and "Venue closed" in content
    assert "Cancelled" in content and "Facilitator on leave" in content


def test_the_feed_link_is_personal_and_absolute(world, login):
    user = world.users["volunteer_a1"]
    response = login(user).get(_url(world))
    feed = response.context["feed_url"]
    assert feed.startswith("http://testserver/calendar/")
    token = feed.rsplit("/", 1)[1].removesuffix(".ics")
    assert feed_resolve(token) == (user.pk, world.group_a1.pk, 0)
    assert "personal" in response.content.decode()


def test_volunteers_and_coordinators_read_without_planning_buttons(world, login):
    world.meeting_a1.notes = "Confidential: Ayse was upset"
    world.meeting_a1.save()
    for persona in ("volunteer_a1", "coordinator"):
        response = login(world.users[persona]).get(_url(world))
        assert response.status_code == 200
        content = response.content.decode()
        assert reverse("series_create", args=[world.group_a1.pk]) not in content
        assert "(at least 10 needed)" in content
        assert "Confidential" not in content
        assert "Ayse" not in content


def test_the_group_page_links_here(world, login):
    for persona in ("volunteer_a1", "facilitator_a1", "lead_a", "coordinator"):
        response = login(world.users[persona]).get(
            reverse("group_detail", args=[world.group_a1.pk])
        )
        assert _url(world) in response.content.decode()


def test_planners_reach_the_organisation_calendar(world, login):
    url = reverse("organisation_calendar", args=[world.org_a.pk])
    assert url in login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert url not in login(world.users["volunteer_a1"]).get(_url(world)).content.decode()


def test_other_organisation_gets_404(world, login):
    assert login(world.users["facilitator_b1"]).get(_url(world)).status_code == 404


def test_funder_and_outsider_get_403_and_anonymous_signs_in(world, login, client):
    assert login(world.users["funder"]).get(_url(world)).status_code == 403
    assert login(world.users["outsider"]).get(_url(world)).status_code == 403
    assert client.get(_url(world)).status_code == 302


def test_post_is_not_allowed(world, login):
    assert login(world.users["facilitator_a1"]).post(_url(world)).status_code == 405


def test_hostile_names_are_escaped(world, login):
    world.group_a1.name = "<script>alert(1)</script>"
    world.group_a1.save()
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 4, 7))
    services_planning.meeting_cancel(
        meeting=world.meeting_a1, reason='"><img src=x onerror=alert(1)>'
    )
    response = login(world.users["facilitator_a1"]).get(_url(world))
    text = response.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_meetings(
    world, login, warm, count, django_assert_num_queries
):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    services_planning.calendar_suggest(organisation=world.org_a, year=2027)
    for i in range(count - 1):
        MeetingFactory(
            group=world.group_a1,
            day=dt.date(2026, 3, 10) + dt.timedelta(weeks=2 * i),
            venue=world.venue_a,
            status=MeetingStatus.PLANNED,
        )
    GroupBreak.objects.create(
        group=world.group_a1, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 8, 31)
    )
    client = login(world.users["facilitator_a1"])
    warm(client, _url(world))
    # 1 session, 2 user, 3 the user's roles (access rule), 4 the group by its key (the
    # user's roles in it, and so may they plan, come from 3.), 5 its meetings with
    # venues, 6 holiday clashes, 7 cadence meetings, 8 cadence breaks, 9 the breaks to
    # list, 10 the user's calendar feed link
    with django_assert_num_queries(10):
        response = client.get(_url(world))
    assert response.status_code == 200
