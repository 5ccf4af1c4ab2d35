"""The fund report PDF made ahead and kept per grant, period, language and data version
(issue 14, item 4; reporting/services_report_pdf.py, docs/decisions.md 66)."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Attendance
from privacy.models import Access
from reporting import report as reports
from reporting import services_report_pdf
from reporting.models import BatchStatus, StoredReport
from reporting.report import REPORT_QUERIES
from tests.factories import ExpenseFactory
from tests.helpers import postgresql_only

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def pdf_url(grant, **query):
    base = reverse("grant_report_pdf", kwargs={"pk": grant.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def version_of(grant, language="en", **period):
    return services_report_pdf.report_version(reports.build_grant_report(grant, **period), language)


@pytest.fixture
def queued_only(settings):
    """Tasks are queued and not run (the dummy backend keeps them in a list)."""
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY
    default_task_backend.clear()
    return default_task_backend


# --- the data version ------------------------------------------------------------------


def test_the_version_is_the_same_for_the_same_data(world):
    with translation.override("en"):
        assert version_of(world.grant_a) == version_of(world.grant_a)


def test_the_version_follows_language_and_period(world):
    with translation.override("en"):
        first = version_of(world.grant_a)
        assert version_of(world.grant_a, language="nl") != first
        other = version_of(world.grant_a, start=dt.date(2026, 2, 1), end=dt.date(2026, 7, 31))
        assert other != first


def test_a_new_attendance_mark_gives_a_new_version(world):
    with translation.override("en"):
        before = version_of(world.grant_a)
        Attendance.objects.create(
            meeting=world.meeting_a1, participant=world.participant_a1, status="present"
        )
        assert version_of(world.grant_a) != before


def test_an_approved_expense_gives_a_new_version(world):
    with translation.override("en"):
        before = version_of(world.grant_a)
        ExpenseFactory(
            group=world.group_a1,
            grant=world.grant_a,
            status="approved",
            amount=Decimal("12.00"),
            spent_on=dt.date(2026, 4, 1),
        )
        assert version_of(world.grant_a) != before


def test_a_finished_period_keeps_its_version_the_next_day(world):
    period = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 1, 31)}
    with translation.override("en"):
        report = reports.build_grant_report(world.grant_a, **period)
        later = reports.build_grant_report(world.grant_a, **period)
        later.made_on = report.made_on + dt.timedelta(days=1)
        assert services_report_pdf.report_version(
            later, "en"
        ) == services_report_pdf.report_version(report, "en")
        # A running period counts one more day: a new version.
        running = reports.build_grant_report(world.grant_a)
        running.end = running.made_on + dt.timedelta(days=30)
        tomorrow = reports.build_grant_report(world.grant_a)
        tomorrow.end = running.end
        tomorrow.made_on = running.made_on + dt.timedelta(days=1)
        assert services_report_pdf.report_version(
            running, "en"
        ) != services_report_pdf.report_version(tomorrow, "en")


# --- the download -----------------------------------------------------------------------


def test_a_ready_pdf_is_served_exactly_as_stored(world):
    client = world.client_for("funder")
    first = client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    assert first.status_code == 200
    stored = StoredReport.objects.get()
    assert stored.status == BatchStatus.DONE
    with stored.file.open("rb") as handle:
        kept = handle.read()
    assert first.content == kept
    assert first["Content-Disposition"] == f'attachment; filename="{stored.filename}"'
    # The second download renders nothing: the same bytes, from the file.
    again = client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    assert again.content == kept
    assert StoredReport.objects.count() == 1


def test_the_stored_file_is_served_even_if_rendering_would_now_differ(world, monkeypatch):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a))
    stored = StoredReport.objects.get()
    stored.file.delete(save=False)
    stored.file.save(f"{stored.pk}.pdf", ContentFile(b"%PDF-stored"), save=True)

    def boom(report):
        raise AssertionError("rendered again")

    monkeypatch.setattr(reports, "report_pdf", boom)
    assert client.get(pdf_url(world.grant_a)).content == b"%PDF-stored"


def test_new_data_makes_a_new_pdf_and_removes_the_old_file(world):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a))
    old = StoredReport.objects.get()
    storage, old_name = old.file.storage, old.file.name
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    response = client.get(pdf_url(world.grant_a))
    assert response.status_code == 200
    new = StoredReport.objects.get()
    assert new.pk != old.pk and new.version != old.version
    assert not storage.exists(old_name)


def test_not_ready_shows_the_page_and_queues_once(world, queued_only):
    client = world.client_for("funder")
    response = client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    assert response.status_code == 202
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    html = response.content.decode()
    assert "The PDF is being prepared" in html
    stored = StoredReport.objects.get()
    status_url = reverse("grant_report_pdf_status", args=[world.grant_a.pk, stored.pk])
    assert f'hx-get="{status_url}?start=2026-01-01&amp;end=2026-12-31"' in html
    assert 'hx-trigger="every 2s"' in html
    assert len(queued_only.results) == 1
    assert queued_only.results[0].args == [str(stored.pk)]
    # A second request (another reader, a reload) queues nothing more.
    lead = world.client_for("lead_a")
    again = lead.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    assert again.status_code == 202
    assert len(queued_only.results) == 1
    assert StoredReport.objects.count() == 1


def test_a_request_while_another_creates_the_row_queues_nothing(world, queued_only, monkeypatch):
    with translation.override("en"):
        report = reports.build_grant_report(world.grant_a)
        key = services_report_pdf.report_version(report, "en")
        first = services_report_pdf.pdf_request(report=report, language="en")
        # The other request looked before the row existed and tries to create it too.
        real_filter = StoredReport.objects.filter

        def looked_too_early(**kw):
            return real_filter(pk=None) if "version" in kw else real_filter(**kw)

        monkeypatch.setattr(StoredReport.objects, "filter", looked_too_early)
        second = services_report_pdf.pdf_request(report=report, language="en")
    assert second.pk == first.pk and first.version == key
    assert len(queued_only.results) == 1


def test_the_task_renders_and_stores(world, queued_only):
    world.client_for("funder").get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    stored = StoredReport.objects.get()
    result = services_report_pdf.pdf_run(str(stored.pk))
    assert result.pk == stored.pk
    stored.refresh_from_db()
    assert stored.status == BatchStatus.DONE
    assert stored.file.name == f"reports/pdf/{stored.pk}.pdf"
    assert stored.filename.endswith("-2026-01-01-2026-12-31.pdf")
    with stored.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    # Run twice (a task delivered again): nothing more to do.
    assert services_report_pdf.pdf_run(str(stored.pk)) is None


def test_the_task_stores_under_the_new_version_when_data_changed(world, queued_only):
    world.client_for("funder").get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    asked = StoredReport.objects.get()
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    made = services_report_pdf.pdf_run(str(asked.pk))
    assert made.version != asked.version
    assert made.status == BatchStatus.DONE
    assert not StoredReport.objects.filter(pk=asked.pk).exists()
    with translation.override("en"):
        assert made.version == version_of(world.grant_a)
    # The page that polled the old row links back to the download.
    response = world.client_for("funder").get(
        reverse("grant_report_pdf_status", args=[world.grant_a.pk, asked.pk]) + "?start=2026-01-01",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert f'href="{pdf_url(world.grant_a)}?start=2026-01-01"' in response.content.decode()


def test_a_failure_is_recorded_and_the_next_request_queues_again(
    world, queued_only, monkeypatch, caplog
):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    stored = StoredReport.objects.get()

    def broken(report):
        raise ValueError("Ayse Demir")

    monkeypatch.setattr(reports, "report_pdf", broken)
    assert services_report_pdf.pdf_run(str(stored.pk)) is None
    stored.refresh_from_db()
    assert stored.status == BatchStatus.FAILED
    assert "Ayse Demir" not in caplog.text and "ValueError" in caplog.text
    status = reverse("grant_report_pdf_status", args=[world.grant_a.pk, stored.pk])
    html = client.get(status, headers={"Accept-Language": "en"}).content.decode()
    assert "could not be made" in html and "Try again" in html
    response = client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    assert response.status_code == 202
    assert len(queued_only.results) == 2
    stored.refresh_from_db()
    assert stored.status == BatchStatus.QUEUED


def test_a_stale_queued_pdf_is_queued_again(world, queued_only):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a))
    StoredReport.objects.update(queued_at=timezone.now() - dt.timedelta(hours=1))
    client.get(pdf_url(world.grant_a))
    assert len(queued_only.results) == 2
    client.get(pdf_url(world.grant_a))
    assert len(queued_only.results) == 2


def test_a_queue_that_is_down_fails_the_row(world, monkeypatch):
    from reporting import tasks

    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue is down")

    monkeypatch.setattr(tasks, "make_report_pdf", Unreachable())
    response = world.client_for("funder").get(pdf_url(world.grant_a))
    assert response.status_code == 202
    assert StoredReport.objects.get().status == BatchStatus.FAILED


def test_a_stored_file_that_is_gone_is_not_served(world, queued_only):
    stored = StoredReport.objects.create(
        grant=world.grant_a,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        language="en",
        version="x",
        status=BatchStatus.DONE,
        file="reports/pdf/missing.pdf",
    )
    assert services_report_pdf.stored_bytes(stored) is None


# --- the progress fragment ---------------------------------------------------------------


def test_polling_returns_nothing_new_or_the_ready_fragment(world, queued_only):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    stored = StoredReport.objects.get()
    status = reverse("grant_report_pdf_status", args=[world.grant_a.pk, stored.pk])
    query = "?start=2026-01-01&end=2026-12-31&status=queued"
    same = client.get(status + query, headers={"HX-Request": "true"})
    assert same.status_code == 204
    services_report_pdf.pdf_run(str(stored.pk))
    ready = client.get(status + query, headers={"HX-Request": "true", "Accept-Language": "en"})
    html = ready.content.decode()
    assert ready.status_code == 200
    assert "The PDF is ready." in html and "hx-get" not in html
    assert f'href="{pdf_url(world.grant_a)}?start=2026-01-01&amp;end=2026-12-31"' in html
    assert "<html" not in html  # the fragment only


def test_a_running_pdf_says_so(world, queued_only):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    StoredReport.objects.update(status=BatchStatus.RUNNING)
    stored = StoredReport.objects.get()
    status = reverse("grant_report_pdf_status", args=[world.grant_a.pk, stored.pk])
    html = client.get(status, headers={"Accept-Language": "en"}).content.decode()
    assert "The PDF is being made." in html


@pytest.mark.parametrize(
    ("persona", "code"),
    [("anonymous", 302), ("outsider", 403), ("volunteer_a1", 403), ("facilitator_b1", 404)],
)
def test_others_cannot_poll(world, queued_only, persona, code):
    world.client_for("funder").get(pdf_url(world.grant_a))
    stored = StoredReport.objects.get()
    status = reverse("grant_report_pdf_status", args=[world.grant_a.pk, stored.pk])
    assert world.client_for(persona).get(status).status_code == code


# --- query counts, the access log, the limit ---------------------------------------------


@pytest.mark.parametrize("n", [1, 4])
def test_download_query_count(world, django_assert_num_queries, n):
    from tests.factories import MeetingFactory, participant_in

    for _ in range(n):
        participant_in(world.group_a1)
        MeetingFactory(group=world.group_a1, status="held")
    client = world.client_for("funder")
    assert client.get(pdf_url(world.grant_a)).status_code == 200
    # session, user, roles, the grant, the report's queries and the stored row.
    with django_assert_num_queries(4 + REPORT_QUERIES + 1):
        assert client.get(pdf_url(world.grant_a)).status_code == 200


def test_polling_query_count(world, queued_only, django_assert_num_queries):
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a))
    stored = StoredReport.objects.get()
    status = reverse("grant_report_pdf_status", args=[world.grant_a.pk, stored.pk])
    # session, user, roles, the grant, the row.
    with django_assert_num_queries(5):
        client.get(status + "?status=queued", headers={"HX-Request": "true"})


def test_the_access_log_is_as_before(world):
    """The report loads aggregates only: neither a rendered nor a stored PDF logs a
    participant (as before the PDF was kept)."""
    client = world.client_for("funder")
    client.get(pdf_url(world.grant_a))
    client.get(pdf_url(world.grant_a))
    assert not Access.objects.filter(view="grant_report_pdf").exists()


# An hour's window: two downloads a second apart must not straddle a window's edge (with
# a minute's window they did, now and then, and the second was served).
@override_settings(STETAPP_DOWNLOAD_LIMIT=1, STETAPP_DOWNLOAD_WINDOW_SECONDS=3600)
def test_a_stored_pdf_still_counts_against_the_download_limit(world):
    from django.core.cache import cache

    cache.clear()
    client = world.client_for("funder")
    assert client.get(pdf_url(world.grant_a)).status_code == 200
    assert client.get(pdf_url(world.grant_a)).status_code == 429


# --- clean-up ---------------------------------------------------------------------------------


def test_old_pdfs_are_pruned_with_their_files(world):
    from stetapp.scheduler import registered_jobs

    world.client_for("funder").get(pdf_url(world.grant_a))
    stored = StoredReport.objects.get()
    storage, name = stored.file.storage, stored.file.name
    assert services_report_pdf.pdf_prune() == 0
    StoredReport.objects.update(asked_at=timezone.now() - dt.timedelta(days=31))
    jobs = {job.name: job for job in registered_jobs()}
    jobs["prune-report-pdfs"].func()
    assert not StoredReport.objects.exists()
    assert not storage.exists(name)


# --- the lighter print layout ---------------------------------------------------------------


def test_the_pdf_bars_are_boxes_with_the_values_as_text():
    from django.template.loader import render_to_string

    from stetapp.charts import bar_chart, paired_bar_chart

    chart = bar_chart(chart_id="c", title="Present", items=[("3 Mar", 10), ("10 Mar", 5)])
    html = render_to_string("reporting/pdf/_bars.html", {"chart": chart})
    assert "<svg" not in html
    assert 'style="width: 100%"' in html and 'style="width: 50%"' in html
    assert "3 Mar <strong>10</strong>" in html
    paired = paired_bar_chart(
        items=[("Room", Decimal("100"), Decimal("150"), True), ("Food", Decimal("50"), 0, False)]
    )
    html = render_to_string("reporting/pdf/_bars.html", {"chart": paired, "paired": True})
    assert 'class="bar-fill bar-over" style="width: 100%"' in html
    assert 'class="bar-fill bar-budgeted" style="width: 67%"' in html
    assert 'style="width: 0%"' in html


def test_the_refresh_job_remakes_a_recently_asked_report_whose_data_changed(world):
    from stetapp.scheduler import registered_jobs

    refresh = {job.name: job for job in registered_jobs()}["refresh-report-pdfs"]
    world.client_for("funder").get(pdf_url(world.grant_a))
    old = StoredReport.objects.get()
    assert services_report_pdf.pdf_refresh() == 0  # nothing changed
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    refresh.func()  # the immediate backend makes it at once
    new = StoredReport.objects.get()
    assert new.pk != old.pk and new.status == BatchStatus.DONE
    assert new.asked_at == old.asked_at  # the job does not count as a reader
    with translation.override(new.language):
        assert new.version == version_of(world.grant_a, language=new.language)


def test_the_refresh_job_leaves_reports_nobody_asked_for_lately(world):
    world.client_for("funder").get(pdf_url(world.grant_a))
    StoredReport.objects.update(asked_at=timezone.now() - dt.timedelta(days=8))
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    assert services_report_pdf.pdf_refresh() == 0
    assert StoredReport.objects.count() == 1


def test_a_task_whose_new_version_is_already_made_only_drops_its_row(world, queued_only):
    world.client_for("funder").get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    asked = StoredReport.objects.get()
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    # A reader asked again after the change, and that version was made first.
    world.client_for("funder").get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    current = StoredReport.objects.exclude(pk=asked.pk).get()
    services_report_pdf.pdf_run(str(current.pk))
    current.refresh_from_db()
    made = current.file.name
    assert made
    assert services_report_pdf.pdf_run(str(asked.pk)).pk == current.pk
    assert list(StoredReport.objects.values_list("pk", flat=True)) == [current.pk]
    current.refresh_from_db()
    assert current.file.name == made


def test_a_failure_after_the_data_changed_fails_the_new_row_too(world, queued_only, monkeypatch):
    world.client_for("funder").get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    asked = StoredReport.objects.get()
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )

    def broken(report):
        raise ValueError("no fonts")

    monkeypatch.setattr(reports, "report_pdf", broken)
    assert services_report_pdf.pdf_run(str(asked.pk)) is None
    assert list(StoredReport.objects.values_list("status", flat=True)) == [BatchStatus.FAILED]


def test_a_row_made_again_replaces_its_own_file(world, queued_only):
    world.client_for("funder").get(pdf_url(world.grant_a), headers={"Accept-Language": "en"})
    stored = StoredReport.objects.get()
    stored.file.save(f"{stored.pk}.pdf", ContentFile(b"%PDF-half"), save=True)
    services_report_pdf.pdf_run(str(stored.pk))
    stored.refresh_from_db()
    assert stored.file.name == f"reports/pdf/{stored.pk}.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read() != b"%PDF-half"


# --- which version is current, kept while the data fingerprint stays (decision 68) -------

KEPT = override_settings(STETAPP_REPORT_PAGE_CACHE_SECONDS=300)


@pytest.fixture
def kept_versions():
    from django.core.cache import cache

    cache.clear()
    with KEPT:
        yield
    cache.clear()


@postgresql_only
def test_a_made_pdf_is_found_without_building_the_report(
    world, kept_versions, django_assert_num_queries
):
    client = world.client_for("funder")
    first = client.get(pdf_url(world.grant_a))
    assert first.status_code == 200
    # session, user, roles, the grant; the data fingerprint and the stored row.
    with django_assert_num_queries(6):
        again = client.get(pdf_url(world.grant_a))
    assert again.content == first.content


def test_new_data_is_never_served_from_the_kept_version(world, kept_versions):
    from django.db import transaction

    client = world.client_for("funder")
    first = client.get(pdf_url(world.grant_a))
    old = StoredReport.objects.get()
    with transaction.atomic():
        Attendance.objects.create(
            meeting=world.meeting_a1, participant=world.participant_a1, status="present"
        )
    second = client.get(pdf_url(world.grant_a))
    assert second.status_code == 200
    new = StoredReport.objects.get()  # the old version and its file were removed
    assert new.version != old.version
    assert second.content != first.content
    with translation.override("en"):
        assert new.version == version_of(world.grant_a)


def test_a_kept_version_still_being_made_is_asked_for_again(world, kept_versions, queued_only):
    client = world.client_for("funder")
    assert client.get(pdf_url(world.grant_a)).status_code == 202
    # The version is known but not made: the report is built and the row found; the task
    # is not queued twice.
    assert client.get(pdf_url(world.grant_a)).status_code == 202
    assert StoredReport.objects.get().status == BatchStatus.QUEUED
    assert len(queued_only.results) == 1


@postgresql_only
def test_the_refresh_job_builds_no_report_whose_data_did_not_change(world, kept_versions):
    # It compares the data fingerprint with the one the current PDF was found for, and
    # keeps that longer than it runs apart: an unchanged report costs one query, not a
    # build, at every run.
    import time_machine

    from reporting import jobs

    start = dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        world.client_for("funder").get(pdf_url(world.grant_a))
        assert services_report_pdf.pdf_refresh() == 0
        with mock.patch.object(reports, "build_grant_report") as build:
            for _ in range(3):
                clock.shift(jobs.PDF_REFRESH)
                assert services_report_pdf.pdf_refresh() == 0
        build.assert_not_called()
        Attendance.objects.create(
            meeting=world.meeting_a1, participant=world.participant_a1, status="present"
        )
        clock.shift(jobs.PDF_REFRESH)
        old = StoredReport.objects.get()
        assert services_report_pdf.pdf_refresh() == 1
    new = StoredReport.objects.get()
    assert new.pk != old.pk and new.status == BatchStatus.DONE


@postgresql_only
def test_a_version_a_download_found_outlives_the_pages_five_minutes(world, kept_versions):
    # A download notes the current version for as long as the job keeps it (two runs),
    # so neither the job's next run nor a later download builds the report again.
    import time_machine

    from reporting import jobs

    start = dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = world.client_for("funder")
        first = client.get(pdf_url(world.grant_a))
        assert first.status_code == 200
        clock.shift(jobs.PDF_REFRESH + dt.timedelta(minutes=5))
        with mock.patch.object(reports, "build_grant_report") as build:
            assert services_report_pdf.pdf_refresh() == 0
            again = client.get(pdf_url(world.grant_a))
        build.assert_not_called()
    assert again.content == first.content
