"""The fund report PDF that is still being prepared (reporting/views_reports.py,
docs/decisions.md 66) in a browser at 390 px: the page says so in Dutch, passes axe,
fits the phone, updates by itself when the worker has made the PDF, and then downloads
the stored file."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting import services_report_pdf
from reporting.models import StoredReport
from tests.e2e.helpers import PHONE, assert_clean, blocking_violations, sign_in

pytestmark = pytest.mark.e2e


def test_the_pdf_being_prepared_at_390_px(open_page, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    funder = world.users["funder"]
    funder.language = "nl"
    funder.save(update_fields=["language"])
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, funder.email)

    page.goto(watched.url("grant_report", world.grant_a.pk))
    pdf_url = reverse("grant_report_pdf", args=[world.grant_a.pk])
    page.locator(f'main a[href^="{pdf_url}"]').first.click()
    expect(page.locator("h1")).to_have_text("Fondsrapportage als PDF")
    expect(page.get_by_text("De PDF wordt klaargezet")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{width} px wide at 390 px"
    watched.screenshot("report-pdf-being-prepared-phone")
    problems = blocking_violations(page, "PDF being prepared")
    assert problems == [], "axe found:\n" + "\n".join(problems)

    # The worker makes the PDF; the page notices within a few seconds.
    stored = StoredReport.objects.get()
    services_report_pdf.pdf_run(str(stored.pk))
    ready = page.locator("#report-pdf-progress a.btn")
    expect(ready).to_have_text("PDF downloaden", timeout=10_000)
    problems = blocking_violations(page, "PDF ready")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    with page.expect_download() as info:
        ready.click()
    with open(info.value.path(), "rb") as handle:
        data = handle.read()
    stored.refresh_from_db()
    with stored.file.open("rb") as handle:
        assert data == handle.read()
    assert_clean(watched)
