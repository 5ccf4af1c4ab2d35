"""Issue 3's journey on a phone: a facilitator registers a candidate, records the intake
conversation and enrols them; plus axe on the participant pages."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from participants.models import Enrolment, Intake, Participant
from tests.e2e.helpers import (
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    open_main_nav,
    sign_in,
    size_name,
)

pytestmark = pytest.mark.e2e


def test_facilitator_registers_interviews_and_enrols_on_a_phone(open_page, world):
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)

    open_main_nav(watched)
    page.locator(f'#main-nav a[href="{reverse("participant_list")}"]').click()
    page.wait_for_url(watched.url("participant_list"))
    page.locator(f'a[href="{reverse("participant_create")}"]').click()

    # 1. Register the candidate right after meeting them.
    page.locator("#id_full_name").fill("Nadia Haddou")
    page.locator("#id_phone").fill("06 5555 1234")
    page.locator("#id_group").select_option(str(world.group_a1.pk))
    page.locator("#id_birth_year").fill("1958")
    watched.screenshot("participant-register-phone")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/participants/\d+/$"))  # saved before it is read
    person = Participant.objects.get(full_name="Nadia Haddou")
    assert page.url == watched.url("participant_detail", person.pk)
    expect(page.get_by_role("heading", level=1, name="Nadia Haddou")).to_be_visible()

    # 2. The intake conversation, a home visit.
    page.locator(f'a[href="{reverse("intake_create", args=[person.pk])}"]').first.click()
    page.locator("#id_location").select_option("home")
    page.locator("#id_wishes").fill("Wants to cook together and meet women from the area.")
    page.locator("input[name=group_fits][value=yes]").check()  # radio buttons: one tap
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(watched.url("participant_detail", person.pk))
    expect(page.get_by_text("Wants to cook together")).to_be_visible()

    # 3. Enrol them in the group.
    page.locator(f'a[href="{reverse("participant_enrol", args=[person.pk])}"]').first.click()
    page.locator("#id_group").select_option(str(world.group_a1.pk))
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(watched.url("participant_detail", person.pk))
    watched.screenshot("participant-enrolled-phone")

    # Reload: everything is stored.
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Nadia Haddou")).to_be_visible()
    person.refresh_from_db()
    assert person.status == "joined"
    assert Intake.objects.filter(participant=person, location="home").count() == 1
    assert Enrolment.objects.filter(
        participant=person, group=world.group_a1, left_on__isnull=True
    ).exists()
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_participant_pages_have_no_serious_accessibility_problems(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users["facilitator_a1"].email)
    problems = []
    pages = [
        ("participant list", watched.url("participant_list")),
        ("participant detail", watched.url("participant_detail", world.participant_a1.pk)),
        ("register form", watched.url("participant_create")),
        ("edit form", watched.url("participant_edit", world.participant_a1.pk)),
        ("consent form", watched.url("consent_create", world.participant_a1.pk)),
        ("intake form", watched.url("intake_create", world.participant_a1.pk)),
        ("recruitment", watched.url("group_funnel", world.group_a1.pk)),
        ("social map", watched.url("social_map")),
        ("group detail", watched.url("group_detail", world.group_a1.pk)),
    ]
    for label, url in pages:
        page.goto(url)
        problems += blocking_violations(page, label)
        watched.screenshot(f"facilitator-{label.replace(' ', '-')}-{size}")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    assert_clean(watched)
