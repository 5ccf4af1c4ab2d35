"""At phone width nothing makes the whole page scroll sideways."""

import pytest

from tests.e2e.helpers import PHONE, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a", "coordinator"])
def test_no_horizontal_scrolling_at_phone_width(open_page, world, persona):
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users[persona].email)
    pages = {
        "home": watched.url("home"),
        "group list": watched.url("group_list"),
        "group detail": watched.url("group_detail", world.group_a1.pk),
    }
    too_wide = {}
    for name, url in pages.items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            too_wide[name] = width
    assert too_wide == {}, f"wider than {PHONE['width']} px: {too_wide}"
