"""The programme dashboard in a browser: a coordinator opens it on a phone and on a desktop,
filters it and downloads the workbook; axe finds nothing serious, the CSP blocks nothing
and a phone never scrolls sideways."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance
from tests.e2e.helpers import (
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    open_main_nav,
    sign_in,
    size_name,
)
from tests.factories import MeetingFactory, participant_in

pytestmark = pytest.mark.e2e


def _recent_meetings(world):
    """Group A1 met every other week for the last four months, with six participants and
    falling attendance, so every section of the dashboard has something to show."""
    people = [world.participant_a1] + [
        participant_in(world.group_a1, full_name=f"Dashboard Person {i}") for i in range(5)
    ]
    today = timezone.localdate()
    for k, present in enumerate([6, 6, 5, 4, 3, 3, 2, 2]):
        meeting = MeetingFactory(
            group=world.group_a1, day=today - dt.timedelta(days=7 + 14 * (7 - k)), status="held"
        )
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                participant=person,
                status="present" if i < present else "absent",
            )
            for i, person in enumerate(people)
        )
    return people


@pytest.mark.parametrize("viewport", SIZES)
def test_coordinator_opens_the_dashboard(open_page, world, viewport):
    people = _recent_meetings(world)
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users["coordinator"].email)

    # The navigation offers the reports; it works at 390 px behind the menu button.
    open_main_nav(watched)
    expect(page.locator(f'#main-nav a[href="{reverse("report_batch_create")}"]')).to_be_visible()

    problems = []
    dashboard = watched.url("programme_dashboard", world.programme.pk)
    page.goto(dashboard)
    expect(page.locator("h1")).to_have_text("Programme dashboard")
    expect(page.locator("#risk-heading")).to_be_visible()
    expect(page.locator("svg[role=img] polyline")).to_have_count(1)
    problems += blocking_violations(page, "dashboard")
    watched.screenshot(f"coordinator-dashboard-{size}")
    body = page.content()
    for person in people:
        assert person.full_name not in body

    # Filter on organisation A.
    page.locator("details.filter-panel > summary").click()
    page.locator("#id_organisation").select_option(str(world.org_a.pk))
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_url(f"**organisation={world.org_a.pk}**")
    expect(page.locator("#reach-heading")).to_be_visible()
    assert "Group B1" not in page.content()
    problems += blocking_violations(page, "dashboard filtered")

    if viewport == PHONE:
        for url in (dashboard, page.url):
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"] + 1:
                problems.append(f"{url}: {width} px wide at {PHONE['width']} px")

    # The workbook, with the same filter.
    with page.expect_download() as download:
        page.locator(f'a[href*="format=xlsx"][href*="organisation={world.org_a.pk}"]').click()
    assert download.value.suggested_filename.endswith(".xlsx")

    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


def test_a_large_dashboard_shows_itself_once_prepared(open_page, world, settings, monkeypatch):
    """A programme too large to count in the request (decision 73): the page says the
    figures are being counted, and shows the dashboard by itself once the worker has
    built it, without a reload by the coordinator. On a phone; axe finds nothing
    serious on the waiting page."""
    from django.core.cache import cache

    from reporting import selectors_dashboard, services_dashboard

    _recent_meetings(world)
    settings.STETAPP_DASHBOARD_CACHE_SECONDS = 300
    monkeypatch.setattr(selectors_dashboard, "PREPARE_FROM_GROUPS", 1)
    queued = []
    monkeypatch.setattr(
        services_dashboard, "enqueue", lambda task, *args, **kwargs: queued.append(kwargs)
    )
    cache.clear()
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["coordinator"].email)
    page.goto(watched.url("programme_dashboard", world.programme.pk))
    expect(page.locator("#dashboard-progress progress")).to_be_visible()
    expect(page.locator("#risk-heading")).to_have_count(0)
    problems = blocking_violations(page, "dashboard being prepared")
    watched.screenshot("coordinator-dashboard-preparing")
    assert len(queued) == 1

    # The worker builds it; the page asks again within seconds and shows it.
    assert services_dashboard.dashboard_run(world.programme.pk, **queued[0])
    expect(page.locator("#risk-heading")).to_be_visible(timeout=15_000)
    expect(page.locator("svg[role=img] polyline")).to_have_count(1)
    assert len(queued) == 1
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
    cache.clear()
