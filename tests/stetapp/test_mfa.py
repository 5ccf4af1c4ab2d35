"""A second factor, required per role (issue: foundation, item 2; issue 15, item 5; T6).

The one setting is STETAPP_MFA_REQUIRED_ROLES; the test settings keep it empty, these
tests turn it on. A passkey (WebAuthn) or an authenticator app (TOTP) counts as a factor;
recovery codes alone do not.
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import override_settings
from django.urls import reverse

PASSWORD = "a-long-test-password"
# Production's default (stetapp/settings/production.py).
REQUIRED = ["facilitator", "project_lead", "programme_coordinator", "privacy_officer"]


def _sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a", "coordinator"])
def test_required_roles_without_a_factor_are_sent_to_setup(world, persona, client):
    _sign_in(client, world.users[persona])
    for url in [reverse("home"), reverse("group_list"), reverse("participant_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_setup")
    setup = client.get(reverse("mfa_setup"))
    assert setup.status_code == 200
    # The page says why and offers a passkey first, then an app (the personas read
    # English; the Dutch text is checked on the help page).
    text = setup.content.decode()
    assert "Before you continue: set up a second factor." in text
    assert reverse("mfa_add_webauthn") in text
    assert reverse("mfa_activate_totp") in text
    assert text.index(reverse("mfa_add_webauthn")) < text.index(reverse("mfa_activate_totp"))
    assert reverse("mfa_help") in text
    # The help page and allauth's own set-up pages stay reachable.
    assert client.get(reverse("mfa_help")).status_code == 200
    assert client.get(reverse("mfa_add_webauthn"), follow=True).status_code == 200


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("persona", ["volunteer_a1", "funder", "outsider"])
def test_optional_roles_are_not_forced(world, persona):
    client = world.client_for(persona)
    assert client.get(reverse("home")).status_code == 200
    setup = client.get(reverse("mfa_setup"))
    assert "For your role it is optional" in setup.content.decode()


@override_settings(STETAPP_MFA_REQUIRED_ROLES=["volunteer"])
def test_a_role_is_required_by_naming_it_in_the_setting(world):
    assert world.client_for("volunteer_a1").get(reverse("home"))["Location"] == reverse("mfa_setup")
    assert world.client_for("facilitator_a1").get(reverse("home")).status_code == 200


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
def test_sign_out_stays_reachable(world):
    client = world.client_for("lead_a")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("kind", [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
def test_a_passkey_or_an_app_lets_them_through(world, kind):
    Authenticator.objects.create(user=world.users["facilitator_a1"], type=kind, data={})
    client = world.client_for("facilitator_a1")
    assert client.get(reverse("home")).status_code == 200
    assert "Your second factor is set up." in client.get(reverse("mfa_setup")).content.decode()


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
def test_recovery_codes_alone_are_not_a_factor(world):
    RecoveryCodes.activate(world.users["facilitator_a1"])
    assert world.client_for("facilitator_a1").get(reverse("home"))["Location"] == reverse(
        "mfa_setup"
    )


def test_not_required_by_default_in_tests(world):
    assert world.client_for("lead_a").get(reverse("home")).status_code == 200


@override_settings(STETAPP_MFA_REQUIRED_FOR_STAFF=True)
def test_site_administrators_must_set_up_two_factor(world, client):
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_setup")
    # Staff without the setting are not forced.
    with override_settings(STETAPP_MFA_REQUIRED_FOR_STAFF=False):
        assert client.get("/admin/").status_code == 200


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
def test_authenticator_app_end_to_end(world, client):
    """Set up an app with a computed code, get recovery codes, sign in again with one."""
    facilitator = world.users["facilitator_a1"]
    _sign_in(client, facilitator)
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    if page.redirect_chain:  # allauth may ask for the password once more
        client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=facilitator).exists()
    done = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("home")).status_code == 200
    codes = RecoveryCodes(
        Authenticator.objects.get(user=facilitator, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10

    client.post(reverse("account_logout"))
    step = _sign_in(client, facilitator)
    assert step["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not signed in yet
    signed_in = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert signed_in.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_passkey_is_offered_on_the_add_page(world, client):
    _sign_in(client, world.users["facilitator_a1"])
    page = client.get(reverse("mfa_add_webauthn"), follow=True)
    if page.redirect_chain:
        client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
        page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="mfa_webauthn_add"' in text
    assert "mfa/js/webauthn.js" in text
    # The page's scripts are files of our own origin (CSP script-src 'self').
    assert "<script>" not in text


def test_help_page_is_plain_dutch_and_public(client):
    text = client.get(reverse("mfa_help")).content.decode()
    for words in ["Wat is een passkey?", "Android", "iPhone", "authenticator-app", "Herstelcodes"]:
        assert words in text


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
def test_setup_page_speaks_dutch_to_a_dutch_facilitator(world):
    facilitator = world.users["facilitator_a1"]
    facilitator.language = "nl"
    facilitator.save(update_fields=["language"])
    text = world.client_for("facilitator_a1").get(reverse("mfa_setup")).content.decode()
    assert "Voordat je verdergaat: stel eerst een tweede factor in." in text
    assert "Passkey toevoegen" in text


def test_the_passkey_list_shows_each_key_in_a_table(world):
    # allauth's list page, through our Bootstrap table element (templates/allauth/elements).
    facilitator = world.users["facilitator_a1"]
    passkey = Authenticator.objects.create(
        user=facilitator,
        type=Authenticator.Type.WEBAUTHN,
        data={
            "name": "Telefoon van Ayla",
            "credential": {"clientExtensionResults": {"credProps": {"rk": True}}},
        },
    )
    page = world.client_for("facilitator_a1").get(reverse("mfa_list_webauthn"))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<div class="table-responsive"><table class="table">' in text
    assert "Telefoon van Ayla" in text
    assert reverse("mfa_remove_webauthn", kwargs={"pk": passkey.pk}) in text
