"""Expensive downloads are limited per user (stetapp/limits.py; docs/deployment.md,
"Limits").

With a limit of 3 per 60 seconds: the first three downloads of one user in a window are
served, the fourth gets a 429 page in the user's language with Retry-After (the seconds
left in the window); another user is not affected; the next window serves again. Every
PDF, workbook, export and ZIP view carries the limit.
"""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.urls import get_resolver, reverse

from stetapp.limits import download_retry_after
from tests.helpers import walk

# The start of a 60-second window (a multiple of 60 since the epoch) a few minutes from
# now: near enough that the test's sessions are still valid.
WINDOW_START = float((int(time.time()) // 60 + 3) * 60)

# Every view that makes a PDF, a workbook, a table export or a ZIP, or asks for a batch
# of them. A new download view must be added here and carry @download_limit().
DOWNLOADS = {
    "grant_report_pdf",
    "grant_report_xlsx",
    "report_batch_create",
    "report_batch_download",
    "programme_dashboard",
    "agreement_pdf",
    "attendance_pdf",
    "series_attendance_pdf",
    "application_pdf",
    "group_participants_export",
    "participant_export",
}


@pytest.fixture(autouse=True)
def limit(settings):
    settings.STETAPP_DOWNLOAD_LIMIT = 3
    settings.STETAPP_DOWNLOAD_WINDOW_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def export_url(world):
    return reverse("group_participants_export", args=[world.group_a1.pk]) + "?format=csv"


def test_the_download_after_the_limit_gets_429_with_retry_after(world):
    client = world.client_for("lead_a")
    with time_machine.travel(WINDOW_START + 15, tick=False):
        statuses = [client.get(export_url(world)).status_code for _ in range(3)]
        refused = client.get(export_url(world), headers={"Accept-Language": "en"})
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert "text/html" in refused["Content-Type"]
    assert "Try again in 45 seconds." in refused.content.decode()
    assert "Content-Disposition" not in refused


def test_the_429_page_speaks_the_users_language(world):
    user = world.users["lead_a"]
    user.language = "nl"
    user.save(update_fields=["language"])
    client = world.client_for("lead_a")
    with time_machine.travel(WINDOW_START + 59, tick=False):
        for _ in range(3):
            client.get(export_url(world))
        refused = client.get(export_url(world), headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert 'lang="nl"' in refused.content.decode()
    assert "Probeer het over 1 seconde opnieuw." in refused.content.decode()


def test_another_user_is_not_affected(world):
    lead, facilitator = world.client_for("lead_a"), world.client_for("facilitator_a1")
    with time_machine.travel(WINDOW_START + 1, tick=False):
        for _ in range(4):
            lead.get(export_url(world))
        assert lead.get(export_url(world)).status_code == 429
        assert facilitator.get(export_url(world)).status_code == 200


def test_the_next_window_serves_again(world):
    client = world.client_for("lead_a")
    with time_machine.travel(WINDOW_START + 30, tick=False):
        for _ in range(3):
            client.get(export_url(world))
        assert client.get(export_url(world)).status_code == 429
    with time_machine.travel(WINDOW_START + 61, tick=False):
        assert client.get(export_url(world)).status_code == 200


def test_downloads_of_all_pages_count_together(world):
    client = world.client_for("lead_a")
    dashboard_page = reverse("programme_dashboard", args=[world.programme.pk])
    with time_machine.travel(WINDOW_START + 5, tick=False):
        for _ in range(3):
            client.get(export_url(world))
        # The dashboard page itself is no download; its workbook is.
        coordinator = world.client_for("coordinator")
        for _ in range(5):
            assert coordinator.get(dashboard_page).status_code == 200
        assert client.get(export_url(world)).status_code == 429


def test_a_refused_download_is_a_security_event(world, caplog):
    client = world.client_for("lead_a")
    with time_machine.travel(WINDOW_START + 5, tick=False), caplog.at_level("INFO"):
        for _ in range(4):
            client.get(export_url(world))
    refused = [r for r in caplog.records if getattr(r, "event", None) == "access.refused"]
    assert [(r.status, r.view) for r in refused] == [(429, "group_participants_export")]


def test_the_counter_itself():
    assert [download_retry_after(7, now=WINDOW_START + 10) for _ in range(4)] == [
        None,
        None,
        None,
        50,
    ]
    assert download_retry_after(8, now=WINDOW_START + 10) is None
    assert download_retry_after(7, now=WINDOW_START + 60) is None


def test_zero_switches_the_limit_off(settings):
    settings.STETAPP_DOWNLOAD_LIMIT = 0
    assert {download_retry_after(7, now=WINDOW_START) for _ in range(20)} == {None}


def test_every_download_view_carries_the_limit():
    limited = {
        pattern.name
        for _route, pattern, _namespace in walk(get_resolver().url_patterns)
        if getattr(pattern.callback, "download_limited", False)
    }
    assert limited == DOWNLOADS
