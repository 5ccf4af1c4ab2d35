"""The page for too many downloads (stetapp/limits.py) in a browser: readable on a phone
and a desktop, in Dutch, nothing serious for axe, the CSP blocks nothing."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.e2e.helpers import SIZES, assert_clean, blocking_violations, sign_in, size_name

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", SIZES)
def test_the_429_page_says_how_long_to_wait(open_page, world, settings, viewport):
    settings.STETAPP_DOWNLOAD_LIMIT = 1
    settings.STETAPP_DOWNLOAD_WINDOW_SECONDS = 3600
    cache.clear()
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, lead.email)
    url = (
        watched.base_url
        + reverse("group_participants_export", args=[world.group_a1.pk])
        + "?format=csv"
    )
    # The first download goes through (fetched with the page's cookies: a download
    # would not show a page); the second is refused with the page.
    assert page.request.get(url).status == 200
    response = page.goto(url)
    assert response.status == 429
    assert int(response.headers["retry-after"]) > 0
    assert page.locator("h1").inner_text() == "Even geduld"
    assert "Probeer het over" in page.content()
    watched.screenshot(f"too-many-downloads-{size_name(viewport)}")
    problems = blocking_violations(page, "429 page")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    assert_clean(watched)
    cache.clear()
