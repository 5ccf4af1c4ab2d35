"""The organisation's list of communities in a browser at phone and desktop size: the
project lead adds a category of their own and renames it; the group form suggests it.
axe finds nothing serious, the CSP blocks nothing and a phone never scrolls sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.models import OrganisationCommunity
from tests.e2e.helpers import PHONE, SIZES, assert_clean, blocking_violations, sign_in, size_name

pytestmark = pytest.mark.e2e


def _check(page, viewport, label) -> list[str]:
    problems = blocking_violations(page, label)
    if viewport == PHONE:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            problems.append(f"{label}: {width} px wide")
    return problems


@pytest.mark.parametrize("viewport", SIZES)
def test_lead_keeps_the_list_of_communities(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("organisation_detail", world.org_a.pk))
    page.locator(f'a[href="{reverse("organisation_communities", args=[world.org_a.pk])}"]').click()
    page.wait_for_url(watched.url("organisation_communities", world.org_a.pk))
    problems = _check(page, viewport, "communities")
    watched.screenshot(f"communities-{size_name(viewport)}")

    page.locator("input[name=code]").fill("riffian")
    page.locator("input[name=label_nl]").fill("Riffijns")
    page.locator("input[name=label_en]").fill("Riffian")
    page.locator("form[action$='/communities/new/'] [type=submit]").click()
    page.wait_for_url(watched.url("organisation_communities", world.org_a.pk))
    expect(page.locator("code", has_text="riffian")).to_be_visible()
    problems += _check(page, viewport, "communities after adding")

    # A taken code: a field error, read out by the error summary.
    page.locator("input[name=code]").fill("riffian")
    page.locator("input[name=label_nl]").fill("Iets anders")
    page.locator("form[action$='/communities/new/'] [type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    problems += _check(page, viewport, "communities with an error")

    page.goto(watched.url("community_category_edit", world.org_a.pk, "riffian"))
    problems += _check(page, viewport, "edit category")
    page.locator("input[name=label_en]").fill("Rif Berber")
    page.locator("main form:has(input[name=version]) [type=submit]").click()
    page.wait_for_url(watched.url("organisation_communities", world.org_a.pk))
    assert OrganisationCommunity.objects.get(code="riffian").label_en == "Rif Berber"

    page.goto(watched.url("group_edit", world.group_a1.pk))
    assert page.locator("#id_community-choices option[value='Rif Berber']").count() == 1
    problems += _check(page, viewport, "group form")

    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
