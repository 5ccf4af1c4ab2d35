"""axe-core on the main pages at phone and desktop size: nothing serious or critical."""

import pytest

from tests.e2e.helpers import (
    PHONE,
    SIZES,
    blocking_violations,
    go_to_group_list,
    open_main_nav,
    sign_in,
    size_name,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a", "coordinator"])
@pytest.mark.parametrize("viewport", SIZES)
def test_main_pages_have_no_serious_accessibility_problems(open_page, world, viewport, persona):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    problems = []

    page.goto(watched.url("account_login"))
    problems += blocking_violations(page, "sign-in")
    watched.screenshot(f"sign-in-{size}")

    sign_in(watched, world.users[persona].email)
    problems += blocking_violations(page, "home")
    watched.screenshot(f"{persona}-home-{size}")
    if viewport == PHONE:
        open_main_nav(watched)  # the collapsed menu is only checked when it is open
        problems += blocking_violations(page, "home, menu open")
        watched.screenshot(f"{persona}-home-menu-open-{size}")

    go_to_group_list(watched)
    problems += blocking_violations(page, "group list")

    page.goto(watched.url("group_detail", world.group_a1.pk))
    problems += blocking_violations(page, "group detail")

    assert problems == [], "axe found:\n" + "\n".join(problems)
