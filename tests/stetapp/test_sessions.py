"""Sessions end after 30 minutes idle and after 12 hours in all (security.md §1.2, T7)."""

import datetime as dt

import time_machine
from django.urls import reverse

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _sign_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    return response


def test_active_session_survives_29_minutes_between_requests(world, client):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, world.users["lead_a"])
        for _ in range(4):  # two hours of regular use
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200


def test_idle_session_expires_after_30_minutes(world, client):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, world.users["lead_a"])
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_session_expires_after_12_hours_even_when_active(world, client):
    with time_machine.travel(START, tick=False) as traveller:
        _sign_in(client, world.users["lead_a"])
        for _ in range(24):  # a request every 25 minutes for 10 hours
            traveller.shift(dt.timedelta(minutes=25))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get(reverse("home"))
    assert response.status_code == 302


def test_session_key_rotates_at_sign_in(world, client):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    _sign_in(client, world.users["lead_a"])
    assert client.session.session_key != before


def test_cookie_is_dead_after_sign_out(world, client):
    _sign_in(client, world.users["lead_a"])
    old_cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = old_cookie
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_deactivated_user_is_out_on_the_next_request(world, client):
    user = world.users["lead_a"]
    _sign_in(client, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(reverse("home")).status_code == 302


def test_signed_in_pages_are_not_cached(world, client):
    _sign_in(client, world.users["lead_a"])
    assert client.get(reverse("home"))["Cache-Control"] == "no-store"


def test_an_htmx_request_after_the_session_ended_reloads_the_sign_in_page(client):
    """A polling fragment must not swap the sign-in page into itself: htmx gets an
    HX-Redirect to the sign-in page instead of a 302 it would follow silently."""
    from django.urls import reverse

    response = client.get(reverse("group_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert "next=" in response["HX-Redirect"]
    plain = client.get(reverse("group_list"))
    assert plain.status_code == 302
