"""Sign-in: e-mail login, rate limiting, no open sign-up (T6)."""

from django.core.cache import cache
from django.urls import reverse


def _attempt(client, email, password):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        headers={"accept-language": "en"},
    )


def test_sign_in_with_email(world, client):
    response = _attempt(client, "lead.a@example.org", "a-long-test-password")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_email_is_case_insensitive(world, client):
    response = _attempt(client, "Lead.A@Example.org", "a-long-test-password")
    assert response.status_code == 302


def test_sixth_bad_password_within_five_minutes_is_blocked(world, client):
    cache.clear()
    for _ in range(5):
        response = _attempt(client, "lead.a@example.org", "wrong-password")
        assert response.status_code == 200  # the form again, with an error
    blocked = _attempt(client, "lead.a@example.org", "a-long-test-password")
    # Even the right password does not get through; the form says why.
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert client.get(reverse("home")).status_code == 302
    cache.clear()


def test_admin_login_goes_through_the_same_sign_in(world, client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signup_is_closed(db, client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "x-long-password-1",
            "password2": "x-long-password-1",
        },
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="new@example.org").exists()
    assert response.status_code in (200, 403)


def test_password_reset_does_not_reveal_accounts(world, client):
    known = client.post(reverse("account_reset_password"), {"email": "lead.a@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
