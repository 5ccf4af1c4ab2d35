"""The export of everything about one participant (privacy/views_export.py) in a
browser at 390 px: the project lead finds the section on the participant's page, chooses
the language and downloads one ZIP; axe finds nothing serious; the CSP blocks nothing."""

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from privacy.models import Access, AccessAction
from tests.e2e.helpers import PHONE, assert_clean, blocking_violations, sign_in

pytestmark = pytest.mark.e2e


def test_the_lead_downloads_everything_about_a_person_on_a_phone(open_page, world, tmp_path):
    cache.clear()
    person = world.participant_a1
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("participant_detail", person.pk))
    section = page.locator("section[aria-labelledby=export-heading]")
    expect(section).to_be_visible()
    # Nothing sticks out of a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    problems = blocking_violations(page, "participant page with the export")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    section.locator("select[name=language]").select_option("en")
    watched.screenshot("participant-export-phone")
    with page.expect_download() as download_info:
        section.locator("button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename == f"participant-{person.pk}.zip"
    target = tmp_path / "export.zip"
    download.save_as(target)
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        data = json.loads(archive.read(f"participant-{person.pk}.json"))
    assert data["language"] == "en"
    assert data["sections"]["person"]["records"][0]["full_name"] == "Ayse Demir"
    assert Access.objects.filter(
        participant_id=person.pk, action=AccessAction.EXPORT, view="participant_export"
    ).exists()
    assert_clean(watched)
    cache.clear()
