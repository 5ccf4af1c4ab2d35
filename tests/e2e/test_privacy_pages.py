"""The log pages in a browser at phone size (390 px): the project lead opens "who saw and
changed this file" from a participant's page; the privacy officer opens the organisation's
access log and its summary from the menu. axe finds nothing serious, the CSP blocks
nothing and the phone never scrolls sideways (decision 61)."""

import datetime as dt

import pytest
from django.urls import reverse

from groups.models import Role
from privacy.models import Access, AccessAction
from tests.e2e.helpers import PHONE, assert_clean, blocking_violations, open_main_nav, sign_in
from tests.factories import UserFactory, grant_role

pytestmark = pytest.mark.e2e


def _check(page, label) -> list[str]:
    problems = blocking_violations(page, label)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"] + 1:
        problems.append(f"{label}: {width} px wide")
    return problems


def _seed_log(world) -> None:
    saturday = dt.datetime(2026, 11, 7, 23, tzinfo=dt.UTC)
    for user, action, at in [
        (world.users["facilitator_a1"], AccessAction.VIEW, None),
        (world.users["facilitator_a1"], AccessAction.EXPORT, saturday),
        (world.users["volunteer_a1"], AccessAction.REFUSED, None),
    ]:
        Access.objects.create(
            actor_id=user.pk,
            participant_id=world.participant_a1.pk if action != AccessAction.REFUSED else None,
            action=action,
            view="participant_detail",
            status=403 if action == AccessAction.REFUSED else 200,
            **({"at": at} if at else {}),
        )


def test_the_lead_reads_the_file_log_on_a_phone(open_page, world):
    _seed_log(world)
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("participant_detail", world.participant_a1.pk))
    page.locator(f'a[href="{reverse("participant_log", args=[world.participant_a1.pk])}"]').click()
    page.wait_for_url(watched.url("participant_log", world.participant_a1.pk))
    page.locator("details.filter-panel summary").click()
    problems = _check(page, "file log")
    watched.screenshot("file-log-phone")
    assert problems == [], "\n".join(problems)
    assert_clean(watched)


def test_the_officer_reads_the_organisation_log_on_a_phone(open_page, world):
    _seed_log(world)
    officer = UserFactory(email="officer.a@example.org", full_name="Olga Officer")
    grant_role(officer, Role.PRIVACY_OFFICER, world.org_a)
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, officer.email)
    open_main_nav(watched)
    page.locator(f'#main-nav a[href="{reverse("privacy_home")}"]').click()
    page.wait_for_url(watched.url("privacy_home"))
    problems = _check(page, "privacy home")
    page.goto(watched.url("organisation_access_log", world.org_a.pk))
    problems += _check(page, "organisation log")
    watched.screenshot("organisation-log-phone")
    page.goto(watched.url("organisation_access_summary", world.org_a.pk) + "?date_from=2026-11-01")
    problems += _check(page, "organisation summary")
    watched.screenshot("organisation-summary-phone")
    page.goto(watched.url("privacy_register"))
    problems += _check(page, "register")
    assert problems == [], "\n".join(problems)
    assert_clean(watched)
