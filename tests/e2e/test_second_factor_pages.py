"""The second-factor pages in a browser at phone and desktop size (issue 15, item 5): a
facilitator who must set one up lands on the set-up page, reads the help, opens the
passkey and app pages; a project lead opens the reset on the people page. axe finds
nothing serious, the CSP blocks nothing and a phone never scrolls sideways."""

import pytest
from django.urls import reverse

from groups.models import Membership
from tests.e2e.helpers import (
    PASSWORD,
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    sign_in,
    size_name,
)

pytestmark = pytest.mark.e2e


def _check(page, viewport, label) -> list[str]:
    problems = blocking_violations(page, label)
    if viewport == PHONE:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            problems.append(f"{label}: {width} px wide")
    return problems


def _open_allauth_page(watched, name: str) -> None:
    """allauth may ask for the password once more before adding a factor."""
    page = watched.page
    page.goto(watched.url(name))
    if reverse("account_reauthenticate") in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_url(watched.url(name))


@pytest.mark.parametrize("viewport", SIZES)
def test_facilitator_is_led_to_set_up_a_second_factor(open_page, world, settings, viewport):
    settings.STETAPP_MFA_REQUIRED_ROLES = ["facilitator"]
    watched = open_page(viewport)
    page = watched.page
    page.goto(watched.url("account_login"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(world.users["facilitator_a1"].email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(watched.url("mfa_setup"))
    problems = _check(page, viewport, "second factor set-up")
    watched.screenshot(f"mfa-setup-{size_name(viewport)}")
    # Anything else sends them back here.
    page.goto(watched.url("group_list"))
    page.wait_for_url(watched.url("mfa_setup"))

    page.locator(f'a[href="{reverse("mfa_help")}"]').first.click()
    page.wait_for_url(watched.url("mfa_help"))
    problems += _check(page, viewport, "second factor help")
    watched.screenshot(f"mfa-help-{size_name(viewport)}")

    _open_allauth_page(watched, "mfa_add_webauthn")
    assert page.locator("#mfa_webauthn_add").is_visible()
    problems += _check(page, viewport, "add a passkey")
    _open_allauth_page(watched, "mfa_activate_totp")
    assert page.locator("input[name=code]").is_visible()
    problems += _check(page, viewport, "set up an app")

    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_lead_opens_the_reset_on_the_people_page(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("organisation_people", world.org_a.pk))
    membership = Membership.objects.get(user=world.users["facilitator_a1"])
    action = reverse("membership_reset_second_factor", args=[membership.pk])
    details = page.locator(f'details:has(form[action="{action}"])')
    details.locator("summary").click()
    assert details.locator("input[name=identity_checked]").is_visible()
    problems = _check(page, viewport, "people page, reset open")
    watched.screenshot(f"mfa-reset-{size_name(viewport)}")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


def test_passkey_ceremony_with_a_virtual_authenticator(open_page, world, settings):
    """A whole WebAuthn ceremony through the real pages: Chromium's virtual authenticator
    (DevTools protocol) plays the phone. Add a passkey, sign out, sign in with password +
    passkey."""
    from allauth.mfa.models import Authenticator

    settings.STETAPP_MFA_REQUIRED_ROLES = ["facilitator"]
    facilitator = world.users["facilitator_a1"]
    watched = open_page({"width": 390, "height": 844})
    page = watched.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.goto(watched.url("account_login"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(facilitator.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(watched.url("mfa_setup"))
    add, again = watched.url("mfa_add_webauthn"), reverse("account_reauthenticate")
    page.locator(f'a[href="{reverse("mfa_add_webauthn")}"]').click()
    # The passkey buttons work once allauth's script has run (a click before that does
    # nothing, which a busy machine showed): wait_for_url waits for the page's load.
    page.wait_for_url(lambda url: url == add or again in url)
    if again in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_url(add)
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(watched.url("mfa_view_recovery_codes"))
    assert Authenticator.objects.filter(user=facilitator, type=Authenticator.Type.WEBAUTHN).exists()
    page.goto(watched.url("home"))
    assert page.url == watched.url("home")
    # Every page asks the server what the phone may keep offline (static/js/offline.js).
    # An answer that comes after the cookies are cleared sets the old CSRF cookie again,
    # over the one the sign-in form below was made with: the sign-in was refused (403)
    # on a busy machine. Leaving the page first cancels what it still has on its way.
    page.goto("about:blank")

    # Sign out, then in again: the password, then the passkey.
    page.context.clear_cookies()
    page.goto(watched.url("account_login"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(facilitator.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(watched.url("mfa_authenticate"))
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(watched.url("home"))
    assert_clean(watched)
