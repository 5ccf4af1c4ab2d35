"""The server error page with its reference (the request id): readable on a phone and a
desktop, nothing serious for axe, and no personal data (issue 15, item 6)."""

import pytest

from tests.e2e.helpers import SIZES, assert_clean, blocking_violations, size_name
from tests.stetapp.urls_boom import CANARY_NAME, CANARY_PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.allow_server_error,
    pytest.mark.urls("tests.stetapp.urls_boom"),
]


@pytest.mark.parametrize("viewport", SIZES)
def test_the_500_page_shows_the_reference_and_passes_axe(open_page, viewport):
    watched = open_page(viewport)
    page = watched.page
    response = page.goto(watched.base_url + "/boom-data/")
    assert response.status == 500
    request_id = response.headers["x-request-id"]
    assert page.locator("code").inner_text() == request_id
    body = page.content()
    assert "Kenmerk:" in body
    assert CANARY_NAME not in body
    assert CANARY_PHONE not in body
    watched.screenshot(f"error-500-{size_name(viewport)}")
    problems = blocking_violations(page, "500 page")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    assert_clean(watched)
