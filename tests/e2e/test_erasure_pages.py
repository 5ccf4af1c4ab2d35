"""Issue 11, item 5 on a phone (390 px): a project lead records an erasure request from
the participant's page, a second project lead approves it; axe on the request form, the
list of waiting requests and the approval page."""

import pytest
from playwright.sync_api import expect

from participants.models import Participant
from privacy.models import Erasure, ErasureRequest
from tests.e2e.helpers import PHONE, assert_clean, blocking_violations, open_main_nav, sign_in
from tests.factories import Role, UserFactory, grant_role

pytestmark = pytest.mark.e2e


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_request_recorded_by_one_lead_is_approved_by_another(open_page, world):
    person = world.participant_a1
    second = UserFactory(email="lead2.a@example.org", full_name="Second Lead")
    grant_role(second, Role.PROJECT_LEAD, world.org_a)
    problems = []

    # 1. The first lead records the request from the participant's page.
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("participant_detail", person.pk))
    page.locator(
        f'a[href="{watched.url("erasure_request_create", person.pk)[len(watched.base_url) :]}"]'
    ).click()
    page.wait_for_url(watched.url("erasure_request_create", person.pk))
    problems += blocking_violations(page, "erasure request form")
    assert _fits(page)
    page.locator("input[name=channel][value=letter]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(watched.url("erasure_request_list"))
    expect(page.get_by_text("Recorded by you")).to_be_visible()
    problems += blocking_violations(page, "erasure request list")
    assert _fits(page)
    assert_clean(watched)
    (request,) = ErasureRequest.objects.all()
    assert request.channel == "letter"

    # 2. The second lead finds it in the menu and approves it.
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, second.email)
    open_main_nav(watched)
    page.locator(
        f'#main-nav a[href="{watched.url("erasure_request_list")[len(watched.base_url) :]}"]'
    ).click()
    page.wait_for_url(watched.url("erasure_request_list"))
    page.locator("main table a.btn").click()
    page.wait_for_url(watched.url("erasure_request_decide", request.pk))
    problems += blocking_violations(page, "erasure decision")
    assert _fits(page)
    watched.screenshot("erasure-decide-phone")
    # without the confirmation nothing happens
    page.locator("button.btn-danger").click()
    expect(page.locator("#id_confirm.is-invalid")).to_be_visible()
    problems += blocking_violations(page, "erasure decision with an error")
    page.locator("#id_confirm").check()
    page.locator("button.btn-danger").click()
    page.wait_for_url(watched.url("erasure_request_list"))
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()
    assert_clean(watched)

    assert problems == []
    assert Participant.objects.get(pk=person.pk).full_name == f"#{person.pk}"
    assert Erasure.objects.filter(participant_id=person.pk, request_id=request.pk).exists()
