"""GET/POST /invitation/<uidb64>/<token>/ — the link from the invitation e-mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from groups import services
from groups.models import Role

User = get_user_model()
PASSWORD = "a-long-new-password-2025"


def _visitor(language="en") -> Client:
    """The invitee is not signed in: the page follows the browser's language (the site's
    default is Dutch), so tests that read English text ask for English."""
    return Client(headers={"accept-language": language})


@pytest.fixture
def invited(world, django_capture_on_commit_callbacks):
    """Invite a new volunteer through the service; return (user, path of the mailed link)."""
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_invite(
            email="invited@example.org",
            full_name="Ilse Invited",
            role=Role.VOLUNTEER,
            scope=world.group_a1,
            invited_by=world.users["lead_a"],
            base_url="http://testserver",
        )
    match = re.search(r"http://testserver(/invitation/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return membership.user, match.group(1)


def _set(client, path, password=PASSWORD, confirm=None):
    return client.post(
        path, {"new_password1": password, "new_password2": confirm if confirm else password}
    )


def test_link_from_the_mail_shows_the_form(world, invited):
    user, path = invited
    response = _visitor().get(path)
    assert response.status_code == 200
    assert "invited@example.org" in response.text
    assert response.context["invitee"] == user


def test_setting_a_password_then_signing_in(world, invited):
    user, path = invited
    client = _visitor()
    response = _set(client, path)
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.check_password(PASSWORD)
    assert not user.invitation_pending
    assert client.login(username="invited@example.org", password=PASSWORD)
    assert client.get(reverse("group_detail", args=[world.group_a1.pk])).status_code == 200


def test_the_link_works_only_once(world, invited):
    user, path = invited
    client = _visitor()
    assert _set(client, path).status_code == 302

    again = client.get(path)
    assert again.status_code == 400
    assert "This link no longer works" in again.text
    second = _set(client, path, password="another-long-password-99")
    assert second.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_mismatched_passwords_rerender(world, invited):
    user, path = invited
    response = _set(_visitor("nl"), path, confirm="something-else-entirely")
    assert response.status_code == 200
    # A Dutch browser gets Django's own Dutch messages.
    assert response.context["form"].errors["new_password2"] == [
        "De twee wachtwoordvelden komen niet overeen."
    ]
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_weak_password_rejected(world, invited):
    user, path = invited
    response = _set(_visitor(), path, password="short")
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"uidb64": "MQ", "token": "not-a-token"},
        {"uidb64": "not-base64!", "token": "abc-def"},
        {"uidb64": urlsafe_base64_encode(force_bytes(999_999)), "token": "abc-def"},
    ],
)
def test_invalid_link_is_a_400_page(world, invited, kwargs):
    response = _visitor().get(reverse("invitation_accept", kwargs=kwargs))
    assert response.status_code == 400
    assert "This link no longer works" in response.text


def test_token_of_another_user_is_rejected(world, invited):
    user, path = invited
    token = path.rstrip("/").rsplit("/", 1)[1]
    other_uid = urlsafe_base64_encode(force_bytes(world.users["lead_a"].pk))
    url = reverse("invitation_accept", kwargs={"uidb64": other_uid, "token": token})
    response = _set(_visitor(), url)
    assert response.status_code == 400
    lead = User.objects.get(pk=world.users["lead_a"].pk)
    assert not lead.check_password(PASSWORD)


def test_inactive_user_cannot_use_the_link(world, invited):
    user, path = invited
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _visitor().get(path).status_code == 400


def test_wrong_method(world, invited):
    _user, path = invited
    assert _visitor().put(path).status_code == 405
