"""Setting up without the Django admin, in a browser at phone and desktop size: the site
administrator's home and new programme, a fund's readers, and the coordinator's grants
and funding per organisation. axe finds nothing serious, the CSP blocks nothing and a
phone never scrolls sideways."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.models import Membership, Programme, Role
from tests.e2e.helpers import (
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    open_main_nav,
    sign_in,
    size_name,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def _too_wide(page, viewport, label) -> list[str]:
    if viewport != PHONE:
        return []
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"{label}: {width} px wide"] if width > PHONE["width"] + 1 else []


def _check(page, viewport, label) -> list[str]:
    return blocking_violations(page, label) + _too_wide(page, viewport, label)


@pytest.mark.parametrize("viewport", SIZES)
def test_site_administrator_starts_a_programme(open_page, world, viewport):
    admin = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, admin.email)
    problems = _check(page, viewport, "home")
    watched.screenshot(f"site-admin-home-{size_name(viewport)}")

    page.locator(f'a[href="{reverse("programme_create")}"]').click()
    page.wait_for_url(watched.url("programme_create"))
    problems += _check(page, viewport, "new programme")
    page.get_by_label("Name").fill("Samen Utrecht")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/programmes/\d+/people/$"))
    programme = Programme.objects.get(name="Samen Utrecht")
    assert page.url == watched.url("programme_people", programme.pk)
    problems += _check(page, viewport, "programme people")

    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_lead_invites_a_reader_at_the_fund(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("fund_detail", world.fund.pk))
    page.locator(f'a[href="{reverse("fund_readers", args=[world.fund.pk])}"]').click()
    page.wait_for_url(watched.url("fund_readers", world.fund.pk))
    problems = _check(page, viewport, "fund readers")
    page.get_by_label("E-mail address").fill("lezer@fonds.example")
    page.get_by_label("Name").fill("Lotte Lezer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("lezer@fonds.example").first).to_be_visible()
    assert Membership.objects.filter(
        user__email="lezer@fonds.example", role=Role.FUNDER, fund=world.fund
    ).exists()
    problems += _check(page, viewport, "fund readers after invitation")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_coordinator_finds_the_grants_and_funding_per_organisation(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["coordinator"].email)
    open_main_nav(watched)
    page.locator("#main-nav .dropdown-toggle").first.click()
    page.locator(f'#main-nav a[href="{reverse("programme_grants")}"]').click()
    page.wait_for_url(watched.url("programme_grants"))
    problems = _check(page, viewport, "programme grants")
    expect(
        page.locator(f'a[href="{reverse("grant_report", args=[world.grant_a.pk])}"]')
    ).to_be_visible()

    page.locator(f'a[href="{reverse("programme_funding", args=[world.programme.pk])}"]').click()
    page.wait_for_url(watched.url("programme_funding", world.programme.pk))
    problems += _check(page, viewport, "funding per organisation")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
