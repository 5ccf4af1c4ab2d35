"""Two-factor sign-in can be required per role (issue: foundation, item 2; T6)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse

REQUIRED = ["project_lead", "programme_coordinator"]


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("persona", ["lead_a", "coordinator"])
def test_required_roles_without_totp_are_sent_to_setup(world, persona, client):
    user = world.users[persona]
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-test-password"})
    for url in [reverse("home"), reverse("group_list"), reverse("organisation_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before showing the QR code; both pages
    # stay reachable (the middleware lets /accounts/ through).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "funder"])
def test_other_roles_are_not_forced(world, persona):
    assert world.client_for(persona).get(reverse("home")).status_code == 200


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
def test_sign_out_stays_reachable(world):
    client = world.client_for("lead_a")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


@override_settings(STETAPP_MFA_REQUIRED_ROLES=REQUIRED)
def test_lead_with_totp_gets_through(world):
    Authenticator.objects.create(
        user=world.users["lead_a"], type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert world.client_for("lead_a").get(reverse("home")).status_code == 200


def test_not_required_by_default_in_tests(world):
    assert world.client_for("lead_a").get(reverse("home")).status_code == 200


@override_settings(STETAPP_MFA_REQUIRED_FOR_STAFF=True)
def test_site_administrators_must_set_up_two_factor(world, client):
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Staff without the setting are not forced.
    with override_settings(STETAPP_MFA_REQUIRED_FOR_STAFF=False):
        assert client.get("/admin/").status_code == 200
