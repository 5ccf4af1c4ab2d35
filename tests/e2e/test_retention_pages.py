"""Retention in a browser at phone and desktop size: the project lead reads on the
organisation page who will be anonymised in the next 30 days, opens the retention
periods, enters a wrong one (the error summary), then sets their own. axe finds nothing
serious, the CSP blocks nothing and a phone never scrolls sideways."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Participant
from privacy.models import RetentionPolicy
from privacy.retention import add_months
from tests.e2e.helpers import PHONE, SIZES, blocking_violations, sign_in, size_name
from tests.factories import EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.e2e


def _check(page, viewport, label) -> list[str]:
    problems = blocking_violations(page, label)
    if viewport == PHONE:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            problems.append(f"{label}: {width} px wide")
    return problems


def _left_soon(group, name: str) -> None:
    left = add_months(timezone.localdate(), -24) + dt.timedelta(days=12)
    person = ParticipantFactory(group=group, status="joined", full_name=name)
    EnrolmentFactory(
        participant=person,
        group=group,
        joined_on=left - dt.timedelta(days=300),
        left_on=left,
        leave_reason="moved",
    )
    moment = dt.datetime.combine(left, dt.time(12), tzinfo=dt.UTC)
    Participant.objects.filter(pk=person.pk).update(
        created_at=moment, updated_at=moment, status_changed_at=moment
    )


@pytest.mark.parametrize("viewport", SIZES)
def test_lead_sees_what_is_due_and_sets_the_periods(open_page, world, viewport):
    _left_soon(world.group_a2, "Fatma Uit-De-Groep")
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("organisation_detail", world.org_a.pk))
    section = page.locator("section[aria-labelledby=retention-heading]")
    expect(section).to_contain_text("Fatma Uit-De-Groep")
    expect(section.locator("tbody tr")).to_have_count(1)
    problems = _check(page, viewport, "organisation page with retention")
    watched.screenshot(f"retention-organisation-{size_name(viewport)}")

    section.locator(f'a[href="{reverse("retention_settings", args=[world.org_a.pk])}"]').click()
    page.wait_for_url(watched.url("retention_settings", world.org_a.pk))
    problems += _check(page, viewport, "retention periods")
    watched.screenshot(f"retention-settings-{size_name(viewport)}")

    page.locator("input[name=left_months]").fill("0")
    page.locator("main form [type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    problems += _check(page, viewport, "retention periods with an error")

    page.locator("input[name=left_months]").fill("36")
    page.locator("main form [type=submit]").click()
    page.wait_for_url(watched.url("organisation_detail", world.org_a.pk))
    assert RetentionPolicy.objects.get(organisation=world.org_a).left_months == 36
    # With three years, nobody who left is due within 30 days any more.
    expect(page.locator("section[aria-labelledby=retention-heading]")).not_to_contain_text(
        "Fatma Uit-De-Groep"
    )
    assert problems == [], "found:\n" + "\n".join(problems)
