"""The two daily journeys, in a real browser, at phone and desktop size."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import SIZES, assert_clean, go_to_group_list, sign_in, size_name

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", SIZES)
def test_facilitator_reaches_their_group(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)

    sign_in(watched, world.users["facilitator_a1"].email)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    my_groups = page.locator("section[aria-labelledby=my-groups-heading]")
    expect(my_groups.get_by_role("link", name="Group A1", exact=True)).to_be_visible()
    expect(page.get_by_text("Group B1")).to_have_count(0)
    watched.screenshot(f"facilitator-home-{size}")

    go_to_group_list(watched)
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    watched.screenshot(f"facilitator-group-list-{size}")

    rows.get_by_role("link", name="Group A1", exact=True).click()
    page.wait_for_url(watched.url("group_detail", world.group_a1.pk))
    expect(page.get_by_role("heading", level=1, name="Group A1")).to_be_visible()
    # A facilitator does not edit the group.
    edit_url = reverse("group_edit", args=[world.group_a1.pk])
    expect(page.locator(f'a[href="{edit_url}"]')).to_have_count(0)
    watched.screenshot(f"facilitator-group-detail-{size}")

    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_project_lead_filters_and_opens_a_group(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)

    sign_in(watched, world.users["lead_a"].email)
    crosstab = page.get_by_role("table", name="Groups by city and status")
    expect(crosstab).to_be_visible()
    rotterdam = crosstab.locator("tbody tr", has=page.get_by_role("rowheader", name="Rotterdam"))
    expect(rotterdam).to_have_count(1)
    expect(rotterdam.locator("td").last).to_have_text("2")  # A1 and A2, both running
    expect(crosstab).not_to_contain_text("Den Haag")  # B1 belongs to organisation B
    watched.screenshot(f"lead-home-{size}")

    go_to_group_list(watched)
    expect(page.locator("table tbody tr")).to_have_count(2)
    page.locator(".filter-panel > summary").click()  # the filters fold away until asked for
    page.locator("#id_status").select_option("running")
    page.locator("#id_composition").select_option("men")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_url("**/groups/?*composition=men*")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Group A2")
    expect(page.locator("#id_composition")).to_have_value("men")
    watched.screenshot(f"lead-group-list-filtered-{size}")

    rows.get_by_role("link", name="Group A2", exact=True).click()
    page.wait_for_url(watched.url("group_detail", world.group_a2.pk))
    expect(page.get_by_role("heading", level=1, name="Group A2")).to_be_visible()
    edit = page.get_by_role("link", name="Edit group")
    expect(edit).to_be_visible()
    expect(edit).to_have_attribute("href", reverse("group_edit", args=[world.group_a2.pk]))
    watched.screenshot(f"lead-group-detail-{size}")

    assert_clean(watched)
