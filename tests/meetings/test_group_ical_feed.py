"""The private calendar feed: times and places, never people; it ends with the role."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar

from groups.models import Membership
from meetings import services_planning
from meetings.feeds import LEGACY_SALT, feed_token
from meetings.models import CalendarFeed
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _url(user, group):
    return reverse("group_ical_feed", kwargs={"token": feed_token(user=user, group=group)})


@pytest.fixture
def feed_url(world):
    return _url(world.users["facilitator_a1"], world.group_a1)


def _events(response):
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_the_feed_parses_and_holds_the_meetings(world, client, feed_url):
    world.meeting_a1.venue = world.venue_a
    world.meeting_a1.save()
    second = MeetingFactory(group=world.group_a1, day=dt.date(2026, 3, 17))
    services_planning.meeting_cancel(meeting=second, reason="Ill")
    MeetingFactory(group=world.group_a2, day=dt.date(2026, 3, 10))  # another group
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    events = _events(response)
    assert len(events) == 2
    first, cancelled = events
    assert str(first["UID"]) == f"meeting-{world.meeting_a1.pk}@stetapp"
    assert first.decoded("DTSTART") == dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC)
    assert first.decoded("DTEND") == dt.datetime(2026, 3, 3, 11, tzinfo=dt.UTC)
    assert str(first["SUMMARY"]) == "Group A1"
    assert "Venue A" in str(first["LOCATION"]) and world.venue_a.address in str(first["LOCATION"])
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_the_uid_is_stable_when_a_meeting_moves(world, client, feed_url):
    before = str(_events(client.get(feed_url))[0]["UID"])
    services_planning.meeting_move(
        meeting=world.meeting_a1,
        starts_at=world.meeting_a1.starts_at + dt.timedelta(days=1),
        ends_at=world.meeting_a1.ends_at + dt.timedelta(days=1),
        reason="Room",
    )
    (event,) = _events(client.get(feed_url))
    assert str(event["UID"]) == before
    assert event.decoded("DTSTART").date() == dt.date(2026, 3, 4)


def test_no_participant_names_and_no_notes(world, client, feed_url):
    services_planning.meeting_record(
        meeting=world.meeting_a1,
        version=1,
        recorded_by=None,
        organisers=[world.participant_a1],
        notes="Confidential remark",
        guest="Guest speaker",
    )
    text = client.get(feed_url).content.decode()
    assert "Ayse" not in text
    assert "Confidential" not in text
    assert "Guest speaker" not in text


def test_the_feed_stops_when_the_membership_is_revoked(world, client, feed_url):
    assert client.get(feed_url).status_code == 200
    Membership.objects.filter(user=world.users["facilitator_a1"]).delete()
    assert client.get(feed_url).status_code == 404


def test_the_feed_stops_for_an_inactive_user(world, client, feed_url):
    user = world.users["facilitator_a1"]
    user.is_active = False
    user.save()
    assert client.get(feed_url).status_code == 404


def test_a_token_for_a_group_the_user_cannot_see_is_404(world, client):
    url = _url(world.users["facilitator_b1"], world.group_a1)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "token", ["nonsense", "eyJ1IjozLCJnIjoxfQ:1vwcee:forged", "%00", "a" * 2000]
)
def test_a_bad_token_is_404(world, client, token):
    url = reverse("group_ical_feed", kwargs={"token": "x"}).replace("x.ics", f"{token}.ics")
    assert client.get(url).status_code == 404


def test_post_is_not_allowed(world, client, feed_url):
    assert client.post(feed_url).status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_query_count(world, client, feed_url, count, django_assert_num_queries):
    for i in range(count - 1):
        MeetingFactory(
            group=world.group_a1,
            day=dt.date(2026, 4, 1) + dt.timedelta(weeks=i),
            venue=world.venue_a,
        )
    client.get(feed_url)  # the first use makes the link's row
    # 1 the user, 2 the group (visible_to), 3 the link's row, 4 its meetings with venues
    with django_assert_num_queries(4):
        response = client.get(feed_url)
    assert len(_events(response)) == count


# --- links expire and can be renewed (issue 15, item 0) ----------------------------------


def _page(client, world):
    return client.get(reverse("group_meetings", args=[world.group_a1.pk]))


def _renew(client, world):
    return client.post(reverse("calendar_feed_renew", args=[world.group_a1.pk]))


def test_the_page_shows_until_when_the_link_works(world, login, settings):
    settings.STETAPP_CALENDAR_FEED_DAYS = 180
    user = world.users["facilitator_a1"]
    client = login(user)
    before = timezone.now()
    response = _page(client, world)
    feed = CalendarFeed.objects.get(user=user, group=world.group_a1)
    assert (
        before + dt.timedelta(days=180)
        <= feed.expires_at
        <= timezone.now() + dt.timedelta(days=180)
    )
    content = response.content.decode()
    assert "It works until" in content
    assert date_format(timezone.localdate(feed.expires_at), "DATE_FORMAT") in content
    # The same link on every visit (a calendar app keeps the address it was given).
    assert _page(client, world).context["feed_url"] == response.context["feed_url"]


def test_an_expired_link_is_404_and_the_page_says_so(world, client, login, feed_url):
    user = world.users["facilitator_a1"]
    assert client.get(feed_url).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=181), tick=False):
        assert client.get(feed_url).status_code == 404
        content = _page(login(user), world).content.decode()
    assert "stopped working on" in content
    assert feed_url not in content


def test_renewing_ends_the_old_link_and_gives_a_new_one(world, client, login, feed_url):
    user = world.users["facilitator_a1"]
    owner = login(user)
    assert client.get(feed_url).status_code == 200
    # Ten days left on the old link; the new one gets the whole period again.
    CalendarFeed.objects.filter(user=user).update(expires_at=timezone.now() + dt.timedelta(days=10))
    before = timezone.now()
    response = _renew(owner, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("group_meetings", args=[world.group_a1.pk]))
    assert client.get(feed_url).status_code == 404
    page = _page(owner, world)
    assert "You have a new calendar address" in page.content.decode()
    new_url = page.context["feed_url"]
    assert new_url.removeprefix("http://testserver") != feed_url
    assert client.get(new_url).status_code == 200
    feed = CalendarFeed.objects.get(user=user, group=world.group_a1)
    assert feed.generation == 1
    assert feed.expires_at >= before + dt.timedelta(days=settings.STETAPP_CALENDAR_FEED_DAYS)
    # Renewing again ends this one too.
    _renew(owner, world)
    assert client.get(new_url).status_code == 404


def test_renewing_touches_only_ones_own_link(world, client, login):
    volunteer_url = _url(world.users["volunteer_a1"], world.group_a1)
    assert client.get(volunteer_url).status_code == 200
    assert _renew(login(world.users["facilitator_a1"]), world).status_code == 302
    assert client.get(volunteer_url).status_code == 200


def test_renewing_needs_a_post(world, login):
    client = login(world.users["facilitator_a1"])
    assert client.get(reverse("calendar_feed_renew", args=[world.group_a1.pk])).status_code == 405


def test_a_link_from_before_expiry_works_and_expires_from_its_first_use(world, client):
    """Links handed out before links expired (signed with a time stamp, no generation)
    keep working; their expiry counts from the first time they are used after the change."""
    user = world.users["facilitator_a1"]
    token = signing.dumps({"u": user.pk, "g": world.group_a1.pk}, salt=LEGACY_SALT, compress=True)
    url = reverse("group_ical_feed", kwargs={"token": token})
    assert client.get(url).status_code == 200
    feed = CalendarFeed.objects.get(user=user, group=world.group_a1)
    assert feed.generation == 0
    assert feed.expires_at > timezone.now() + dt.timedelta(days=179)
    with time_machine.travel(timezone.now() + dt.timedelta(days=181), tick=False):
        assert client.get(url).status_code == 404


def test_a_renewed_generation_without_its_row_is_404(world, client):
    user = world.users["facilitator_a1"]
    token = feed_token(user=user, group=world.group_a1, generation=1)
    url = reverse("group_ical_feed", kwargs={"token": token})
    assert client.get(url).status_code == 404
