"""The report page's body kept while its data is unchanged (reporting/report_page.py,
docs/decisions.md 68): the data fingerprint covers every table the report reads and
changes with every write within reach and with the clock; the page serves the kept body
with two queries and never a body older than the data.

Writes here happen in `transaction.atomic()` blocks: a row written twice in one
transaction keeps the version it got first, and between requests that never happens
(each request, and each service in it, writes in its own transaction or savepoint).
"""

import datetime as dt
import io
import re
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from funding.models import Grant, VolunteerHours
from groups.models import OrganisationCommunity
from meetings.models import Attendance
from reporting import report as reports
from reporting import report_page
from reporting.models import Observation, ReadReportPage, ReportSummary
from tests.factories import AMSTERDAM, ApplicationFactory, MeetingFactory
from tests.helpers import postgresql_only

pytestmark = pytest.mark.django_db

KEPT = override_settings(STETAPP_REPORT_PAGE_CACHE_SECONDS=300)
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def filled(world):
    """The world with a row within reach in every table the report reads."""
    world.meeting_a1.organisers.add(world.participant_a1)
    Attendance.objects.create(
        meeting=world.meeting_a1, participant=world.participant_a1, status="present"
    )
    VolunteerHours.objects.create(
        volunteer=world.volunteer_a,
        group=world.group_a1,
        worked_on=dt.date(2026, 3, 3),
        hours=Decimal("2.0"),
    )
    Observation.objects.create(
        group=world.group_a1, kind="conversation", observed_on=dt.date(2026, 3, 3), text="Tea"
    )
    OrganisationCommunity.objects.create(
        organisation=world.org_a, code="turkish", label_nl="Turks", label_en="Turkish"
    )
    follow_up = ApplicationFactory(organisation=world.org_a, fund=world.fund, title="Next year")
    world.plan_a1.follow_up_applications.add(follow_up)
    ReportSummary.objects.create(grant=world.grant_a, start=START, end=END, text="A good year.")
    return world


def _grant(world) -> Grant:
    return Grant.objects.select_related("application").get(pk=world.grant_a.pk)


def _fingerprint(world, now=None) -> str | None:
    return report_page.data_fingerprint(
        grant=_grant(world), start=START, end=END, now=now or timezone.now()
    )


# --- the fingerprint ------------------------------------------------------------------------


def test_every_table_the_report_reads_is_within_reach(filled):
    with CaptureQueriesContext(connection) as captured:
        reports.build_grant_report(filled.grant_a)
    read = {
        table
        for query in captured.captured_queries
        for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])
    }
    assert len(read) > 20
    assert read - set(report_page.REACH) == set()


@postgresql_only
def test_the_same_data_gives_the_same_fingerprint_in_one_query(filled, django_assert_num_queries):
    grant = _grant(filled)
    now = timezone.now()
    with django_assert_num_queries(1):
        first = report_page.data_fingerprint(grant=grant, start=START, end=END, now=now)
    assert first == _fingerprint(filled, now)
    assert len(first) == 64


def _row_within_reach(world, table: str):
    params = report_page.reach_params(grant=_grant(world), start=START, end=END, now=timezone.now())
    sql = (
        f"{report_page.REACH_WITH} SELECT id FROM {table} WHERE {report_page.REACH[table]} LIMIT 1"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("table", sorted(report_page.REACH))
@postgresql_only
def test_a_write_within_reach_of_any_table_gives_a_new_fingerprint(filled, table):
    # A row rewritten with the same values is a new row version, like any update.
    pk = _row_within_reach(filled, table)
    assert pk is not None, f"the test world has no row of {table} within reach"
    now = timezone.now()
    before = _fingerprint(filled, now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [pk])  # noqa: S608
    assert _fingerprint(filled, now) != before


@postgresql_only
def test_a_new_row_and_a_removed_row_give_a_new_fingerprint(filled):
    now = timezone.now()
    first = _fingerprint(filled, now)
    with transaction.atomic():
        meeting = MeetingFactory(group=filled.group_a1, day=dt.date(2026, 4, 7), status="held")
    second = _fingerprint(filled, now)
    with transaction.atomic():
        meeting.delete()
    third = _fingerprint(filled, now)
    assert second != first
    assert third != second
    # The same rows as before: the same fingerprint.
    assert third == first


def test_rows_of_other_organisations_leave_it_as_it_is(filled):
    now = timezone.now()
    before = _fingerprint(filled, now)
    with transaction.atomic():
        MeetingFactory(group=filled.group_b1, day=dt.date(2026, 4, 7), status="held")
        # Group A2 is not in the grant's application.
        MeetingFactory(group=filled.group_a2, day=dt.date(2026, 4, 7), status="held")
    assert _fingerprint(filled, now) == before


@postgresql_only
def test_the_next_meeting_to_start_is_part_of_it(filled):
    # A planned meeting counts from the moment it starts, with no write at all.
    starts = dt.datetime(2026, 6, 2, 10, tzinfo=AMSTERDAM)
    with transaction.atomic():
        MeetingFactory(group=filled.group_a1, day=starts.date(), status="held")
    before = _fingerprint(filled, starts - dt.timedelta(minutes=1))
    assert _fingerprint(filled, starts - dt.timedelta(seconds=1)) == before
    assert _fingerprint(filled, starts) != before


def test_no_fingerprint_without_row_versions(filled, django_assert_num_queries):
    grant = _grant(filled)
    with mock.patch.object(connection, "vendor", "sqlite"), django_assert_num_queries(0):
        assert (
            report_page.data_fingerprint(grant=grant, start=START, end=END, now=timezone.now())
            is None
        )


# --- the page ---------------------------------------------------------------------------------


class Reader:
    """A signed-in reader of the grant's report; the first request (which signs in and
    sets the language) is made when the reader is made."""

    def __init__(self, world, persona="funder", language="en"):
        user = world.users[persona]
        if user.language != language:
            with transaction.atomic():
                user.language = language
                user.save(update_fields=["language"])
        self.client = world.client_for(persona)
        self.url = reverse("grant_report", kwargs={"pk": world.grant_a.pk})
        self.get()

    def get(self):
        response = self.client.get(self.url)
        assert response.status_code == 200
        return response


def _without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def _body(response) -> str:
    return str(response.context["shown"].body)


@pytest.fixture
def kept():
    cache.clear()
    with KEPT:
        yield
    cache.clear()


@postgresql_only
def test_a_second_view_serves_the_kept_body_with_two_queries(
    filled, kept, django_assert_num_queries
):
    reader = Reader(filled)
    cache.clear()
    first = reader.get()
    assert first.context["report"] is not None
    # Session, user, roles, grant; the fingerprint and the summary.
    with django_assert_num_queries(6):
        second = reader.get()
    assert second.context["report"] is None
    assert _body(second) == _body(first)
    # The whole page is the same, but for the new CSRF token of each response.
    assert _without_tokens(second) == _without_tokens(first)


@postgresql_only
def test_a_build_costs_the_fingerprint_and_the_note_of_the_wait_more(
    filled, kept, django_assert_num_queries
):
    reader = Reader(filled)
    cache.clear()
    with django_assert_num_queries(4 + 1 + reports.REPORT_QUERIES + 1):
        assert reader.get().context["report"] is not None


@postgresql_only
def test_a_new_held_meeting_is_shown_at_once(filled, kept):
    reader = Reader(filled)
    first = reader.get()
    assert first.context["report"] is None  # kept by the reader's first request
    held = reports.build_grant_report(filled.grant_a).meetings.held
    with transaction.atomic():
        MeetingFactory(group=filled.group_a1, day=dt.date(2026, 4, 7), status="held")
    second = reader.get()
    assert second.context["report"] is not None
    assert second.context["report"].meetings.held == held + 1
    assert _body(second) != _body(first)


@postgresql_only
def test_a_new_version_replaces_the_kept_body(filled, kept):
    reader = Reader(filled)
    with transaction.atomic():
        MeetingFactory(group=filled.group_a1, day=dt.date(2026, 4, 7), status="held")
    assert reader.get().context["report"] is not None
    # One entry per report and language, whatever the number of versions it went through.
    keys = [key for key in cache._cache if "report-body" in key]  # LocMemCache's own
    assert len(keys) == 1


def test_each_language_has_its_own_body(filled, kept):
    english = _body(Reader(filled, "funder", "en").get())
    dutch = _body(Reader(filled, "coordinator", "nl").get())
    assert "About this report" in english
    assert "Over deze rapportage" in dutch
    assert _body(Reader(filled, "lead_a", "en").get()) == english


def test_a_saved_summary_is_shown_at_once(filled, kept):
    reader = Reader(filled)
    assert "A good year." in reader.get().content.decode()
    with transaction.atomic():
        ReportSummary.objects.filter(grant=filled.grant_a).update(text="Better than planned.")
    text = reader.get().content.decode()
    assert "Better than planned." in text
    assert "A good year." not in text


@postgresql_only
def test_a_write_while_the_report_is_built_is_not_hidden(filled, kept):
    # The fingerprint is read before the report is built: a write in between is in the
    # body kept under the older version, and the next view, with the newer one, builds
    # again. A kept body may be newer than its version, never older.
    grant = _grant(filled)
    build = reports.build_grant_report

    def build_after_a_write(*args, **kwargs):
        with transaction.atomic():
            MeetingFactory(group=filled.group_a1, day=dt.date(2026, 4, 7), status="held")
        return build(*args, **kwargs)

    with translation.override("en"):
        with mock.patch.object(reports, "build_grant_report", build_after_a_write):
            first = report_page.shown_report(grant=grant, start=START, end=END)
        second = report_page.shown_report(grant=grant, start=START, end=END)
        third = report_page.shown_report(grant=grant, start=START, end=END)
    assert second.report is not None
    assert second.report.meetings.held == first.report.meetings.held
    assert third.report is None
    assert third.body == second.body


def _shown_on(world, day: dt.date):
    with (
        time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=AMSTERDAM), tick=False),
        translation.override("en"),
    ):
        return report_page.shown_report(grant=_grant(world), start=START, end=END)


@postgresql_only
def test_a_finished_period_keeps_its_body_from_day_to_day(filled, kept):
    # Nothing on the body of an ended period depends on the day it is read: the next
    # morning's first reader (and the scheduler's refresh) need not build it again.
    after = END + dt.timedelta(days=40)
    cache_for_days = override_settings(STETAPP_REPORT_PAGE_CACHE_SECONDS=3 * 86400)
    with cache_for_days:
        first = _shown_on(filled, after)
        next_day = _shown_on(filled, after + dt.timedelta(days=1))
    assert first.report is not None
    assert next_day.report is None
    assert next_day.body == first.body


def test_a_running_period_is_made_again_on_a_new_day(filled, kept):
    # It says up to which day it counted: today.
    day = dt.date(2026, 6, 1)
    first = _shown_on(filled, day)
    next_day = _shown_on(filled, day + dt.timedelta(days=1))
    assert first.report is not None and next_day.report is not None
    assert "1 June 2026" in first.body
    assert "2 June 2026" in next_day.body


def test_without_row_versions_the_page_is_built_every_time(filled, kept):
    with mock.patch.object(connection, "vendor", "sqlite"):
        reader = Reader(filled)
        assert reader.get().context["report"] is not None


def test_off_builds_every_time_without_the_fingerprint(filled, django_assert_num_queries):
    reader = Reader(filled)
    with django_assert_num_queries(4 + reports.REPORT_QUERIES):
        assert reader.get().context["report"] is not None


# --- made ahead of the reader (report_page.refresh_read_pages) -----------------------------


@postgresql_only
def test_a_reader_who_waited_for_the_build_is_remembered_once(filled, kept):
    reader = Reader(filled)  # the first view builds the body
    row = ReadReportPage.objects.get()
    assert (row.grant_id, row.language) == (filled.grant_a.pk, "en")
    first = row.asked_at
    assert reader.get().context["report"] is None  # kept: nothing written
    assert ReadReportPage.objects.get().asked_at == first
    cache.clear()
    assert reader.get().context["report"] is not None  # built again: the same row, later
    assert ReadReportPage.objects.count() == 1
    assert ReadReportPage.objects.get().asked_at > first


@postgresql_only
def test_the_refresh_job_makes_a_changed_page_before_its_next_reader(
    filled, kept, django_assert_num_queries
):
    from stetapp.scheduler import registered_jobs

    assert "refresh-report-pages" in {job.name for job in registered_jobs()}
    reader = Reader(filled)
    # Unchanged: the pages read lately, the forgotten ones removed, one fingerprint.
    with django_assert_num_queries(3):
        assert report_page.refresh_read_pages() == 0
    with transaction.atomic():
        MeetingFactory(group=filled.group_a1, day=dt.date(2026, 4, 7), status="held")
    assert report_page.refresh_read_pages() == 1
    served = reader.get()
    assert served.context["report"] is None  # the reader waits for no build
    cache.clear()
    built = reader.get()
    assert built.context["report"] is not None
    assert _body(served) == _body(built)  # the new data, in the reader's language


@postgresql_only
def test_the_refresh_job_makes_a_page_whose_body_the_cache_lost(filled, kept):
    reader = Reader(filled)
    cache.clear()
    assert report_page.refresh_read_pages() == 1
    assert reader.get().context["report"] is None


@postgresql_only
def test_the_refresh_job_keeps_an_unchanged_body_past_its_lifetime(filled):
    # A kept body lives STETAPP_REPORT_PAGE_CACHE_SECONDS; the job, which runs more
    # often, lets an unchanged one live on instead of building it again when it expires.
    cache.clear()
    start = dt.datetime(2027, 2, 1, 10, tzinfo=AMSTERDAM)
    with KEPT, time_machine.travel(start, tick=False) as clock:
        Reader(filled)  # built and kept for 300 s
        with mock.patch.object(reports, "build_grant_report") as build:
            for _ in range(5):  # every two minutes, for ten minutes
                clock.shift(dt.timedelta(minutes=2))
                assert report_page.refresh_read_pages() == 0
        build.assert_not_called()
        assert Reader(filled).get().context["report"] is None
    cache.clear()


def test_the_refresh_job_forgets_pages_nobody_read_lately(filled, kept):
    Reader(filled)
    long_ago = timezone.now() - dt.timedelta(days=report_page.REFRESH_DAYS, minutes=1)
    ReadReportPage.objects.update(asked_at=long_ago)
    cache.clear()
    with mock.patch.object(reports, "build_grant_report") as build:
        assert report_page.refresh_read_pages() == 0
    build.assert_not_called()
    assert not ReadReportPage.objects.exists()


def test_nothing_is_remembered_or_made_when_bodies_are_not_kept(filled):
    Reader(filled)
    assert not ReadReportPage.objects.exists()
    ReadReportPage.objects.create(grant=filled.grant_a, start=START, end=END, language="en")
    with mock.patch.object(reports, "build_grant_report") as build:
        assert report_page.refresh_read_pages() == 0
    build.assert_not_called()


def test_the_refresh_job_runs_only_with_a_cache_the_web_servers_share(filled, kept):
    from reporting import jobs

    with mock.patch.object(report_page, "refresh_read_pages") as refresh:
        jobs.refresh_report_pages()  # the test settings' cache is in this process
        refresh.assert_not_called()
        with mock.patch.object(jobs, "cache_is_shared", return_value=True):
            jobs.refresh_report_pages()
        refresh.assert_called_once_with()


# --- the workbook (report_page.report_workbook) -----------------------------------------


def _cells(response) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]


@postgresql_only
def test_the_workbook_is_kept_while_the_data_is_unchanged(filled, kept, django_assert_num_queries):
    client = filled.client_for("funder")
    url = reverse("grant_report_xlsx", kwargs={"pk": filled.grant_a.pk})
    first = client.get(url)
    assert first.status_code == 200
    # Session, user, roles, grant; the fingerprint: no build.
    with django_assert_num_queries(5):
        second = client.get(url)
    assert second.content == first.content
    assert second["Content-Disposition"] == first["Content-Disposition"]
    held = reports.build_grant_report(filled.grant_a).meetings.held
    with transaction.atomic():
        MeetingFactory(group=filled.group_a1, day=dt.date(2026, 4, 7), status="held")
    assert reports.build_grant_report(filled.grant_a).meetings.held == held + 1
    third = client.get(url)
    assert _cells(third) != _cells(first)
    cache.clear()
    assert _cells(client.get(url)) == _cells(third)  # the same as one built afresh


@postgresql_only
def test_a_page_that_cannot_be_made_does_not_stop_the_others(filled, kept, caplog):
    Reader(filled)
    ReadReportPage.objects.create(
        grant=filled.grant_a, start=START, end=END, language="nl"
    )  # a second page of the same grant, noted earlier
    cache.clear()
    build = reports.build_grant_report
    calls = []

    def first_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("secret-canary-participant-name")
        return build(*args, **kwargs)

    with mock.patch.object(reports, "build_grant_report", first_fails):
        assert report_page.refresh_read_pages() == 1
    assert len(calls) == 2
    logged = [r.getMessage() for r in caplog.records if r.name == "reporting.report_page"]
    assert len(logged) == 1 and "could not be made: RuntimeError" in logged[0]
    assert "secret-canary" not in caplog.text
