"""Issue 6 in a browser: a project lead downloads a grant's fund report as PDF and asks
for the reports of all their grants at once (a background batch with a progress page);
plus axe-core and the Content-Security-Policy on the reporting pages."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from pypdf import PdfReader

from reporting.models import BatchStatus, ReportBatch
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    sign_in,
    size_name,
)
from tests.factories import ApplicationFactory, FundFactory, GrantFactory

pytestmark = pytest.mark.e2e


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    download = info.value
    with open(download.path(), "rb") as handle:
        return handle.read()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _too_wide(page, label: str, viewport: dict) -> list[str]:
    if viewport != PHONE:
        return []
    width = page.evaluate("document.documentElement.scrollWidth")
    return (
        [f"{label}: {width} px wide at {PHONE['width']} px"] if width > PHONE["width"] + 1 else []
    )


@pytest.mark.parametrize("viewport", SIZES)
def test_lead_downloads_a_report_and_a_batch(open_page, world, viewport):
    second = GrantFactory(
        application=ApplicationFactory(
            organisation=world.org_a,
            fund=FundFactory(name="Second Fund"),
            title="Walking together",
            groups=[world.group_a1],
            status="granted",
        )
    )
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    problems = []
    sign_in(watched, world.users["lead_a"].email)

    # 1. One grant's report page, and its PDF.
    page.goto(watched.url("grant_report", world.grant_a.pk))
    expect(page.locator("h1")).to_be_visible()
    problems += blocking_violations(page, "report") + _too_wide(page, "report", viewport)
    watched.screenshot(f"lead-grant-report-{size}")
    # The lead writes the summary for the funder; it lands in the PDF.
    page.get_by_role("textbox", name="Summary").fill("Our groups met every fortnight. 🌷")
    page.get_by_role("textbox", name="Contact").fill("Lena Lead, lena@example.org")
    page.get_by_role("button", name="Save the summary").click()
    expect(page.get_by_text("The summary is saved")).to_be_visible()
    problems += blocking_violations(page, "report, summary saved")
    pdf_url = reverse("grant_report_pdf", args=[world.grant_a.pk])
    pdf_link = page.locator(f'main a[href^="{pdf_url}"]').first
    data = _download(page, pdf_link)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Demo Fund" in text
    assert "Our groups met every fortnight. 🌷" in text
    assert "Lena Lead, lena@example.org" in text
    assert world.participant_a1.full_name not in text
    assert "06 1111 2222" not in text

    # 2. The reports of all visible grants at once.
    page.goto(watched.url("report_batch_create"))
    problems += blocking_violations(page, "batch form") + _too_wide(page, "batch form", viewport)
    watched.screenshot(f"lead-batch-form-{size}")
    page.get_by_label(re.compile("Demo Fund")).check()
    page.get_by_label(re.compile("Second Fund")).check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/reports/[0-9a-f-]{36}/$"))
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert set(batch.grants.all()) == {world.grant_a, second}
    download = page.locator(f'main a[href$="/reports/{batch.pk}/download/"]')
    expect(download).to_be_visible()
    expect(page.locator("progress#batch-progress-bar")).to_have_attribute("value", "2")
    problems += blocking_violations(page, "batch") + _too_wide(page, "batch", viewport)
    watched.screenshot(f"lead-batch-done-{size}")
    archive = zipfile.ZipFile(io.BytesIO(_download(page, download)))
    names = archive.namelist()
    assert len(names) == 2
    texts = [_pdf_text(archive.read(name)) for name in names]
    assert any("Demo Fund" in t for t in texts) and any("Second Fund" in t for t in texts)

    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", [DESKTOP])
def test_batch_page_follows_the_progress_until_the_download(open_page, world, viewport):
    """The page polls with htmx while the worker runs; the download appears by itself."""
    batch = ReportBatch.objects.create(
        requested_by=world.users["lead_a"], total=3, done=1, status=BatchStatus.RUNNING
    )
    batch.grants.add(world.grant_a)
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["lead_a"].email)
    page.goto(watched.url("report_batch_detail", batch.pk))
    bar = page.locator("progress#batch-progress-bar")
    expect(bar).to_have_attribute("value", "1")
    expect(bar).to_have_attribute("max", "3")
    problems = blocking_violations(page, "batch running")

    ReportBatch.objects.filter(pk=batch.pk).update(done=2)
    expect(bar).to_have_attribute("value", "2", timeout=8_000)
    ReportBatch.objects.filter(pk=batch.pk).update(
        done=3, status=BatchStatus.FAILED, error="The reports could not be made."
    )
    expect(page.locator("#batch-progress [role=alert]")).to_be_visible(timeout=8_000)
    expect(page.locator("#batch-progress[hx-trigger]")).to_have_count(0)
    problems += blocking_violations(page, "batch failed")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_reporting_pages_have_no_serious_accessibility_problems(open_page, world, viewport):
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users["lead_a"].email)
    pages = [
        ("report", watched.url("grant_report", world.grant_a.pk)),
        ("batch form", watched.url("report_batch_create")),
        ("batch", watched.url("report_batch_detail", world.batch_a.pk)),
        ("stories", watched.url("story_list", world.group_a1.pk)),
        ("measurement", watched.url("measurement_group", world.group_a1.pk)),
        ("continuation", watched.url("continuation_plan", world.group_a1.pk)),
    ]
    problems = []
    for label, url in pages:
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # e.g. an empty error response
            problems.append(f"{label}: {error.message.splitlines()[0]}")
            continue
        if response.status != 200:
            problems.append(f"{label}: HTTP {response.status}")
            continue
        problems += blocking_violations(page, label) + _too_wide(page, label, viewport)
        watched.screenshot(f"lead-{label.replace(' ', '-')}-{size}")
    assert problems == [], "found:\n" + "\n".join(problems)
    assert_clean(watched)
