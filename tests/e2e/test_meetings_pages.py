"""axe-core on the meeting pages at phone and desktop size, and no sideways scrolling at
390 px: nothing serious or critical, nothing blocked by the CSP."""

import pytest

from tests.e2e.helpers import PHONE, SIZES, assert_clean, blocking_violations, sign_in, size_name

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", SIZES)
def test_meeting_pages_have_no_serious_accessibility_problems(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users["facilitator_a1"].email)
    pages = [
        ("meetings", watched.url("group_meetings", world.group_a1.pk)),
        ("meeting", watched.url("meeting_detail", world.meeting_a1.pk)),
        ("meeting record", watched.url("meeting_record", world.meeting_a1.pk)),
        ("plan a series", watched.url("series_create", world.group_a1.pk)),
        ("calendar", watched.url("organisation_calendar", world.org_a.pk)),
        ("ideas", watched.url("idea_board", world.group_a1.pk)),
        ("agreements", watched.url("agreement_list", world.group_a1.pk)),
        ("walking buddies", watched.url("walking_buddies", world.group_a1.pk)),
        ("people to call", watched.url("follow_up_list")),
    ]
    problems = []
    for label, url in pages:
        page.goto(url)
        problems += blocking_violations(page, label)
        if viewport == PHONE:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"] + 1:
                problems.append(f"{label}: {width} px wide at {PHONE['width']} px")
        watched.screenshot(f"facilitator-{label.replace(' ', '-')}-{size}")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
