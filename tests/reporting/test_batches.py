"""Fund reports for many grants at once (issue 6, item 7): the form, the background task,
the progress page and the download. Most tests run the task at once (the immediate
backend of the test settings); one runs it through the real database queue and worker."""

import io
import logging
import signal
import uuid
import zipfile
from pathlib import PurePath

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from funding.models import GrantQuerySet
from reporting import report, services_batches
from reporting.models import BatchStatus, ReportBatch
from tests.factories import ApplicationFactory, FundFactory, GrantFactory
from tests.helpers import put_back_migration_data

CREATE = reverse("report_batch_create")


def detail_url(batch):
    return reverse("report_batch_detail", args=[batch.pk])


def download_url(batch):
    return reverse("report_batch_download", args=[batch.pk])


@pytest.fixture
def second_grant(world):
    """A second grant of organisation A, from another fund."""
    application = ApplicationFactory(
        organisation=world.org_a,
        fund=FundFactory(name="Second Fund"),
        title="Walking together",
        groups=[world.group_a1],
        status="granted",
    )
    return GrantFactory(application=application)


@pytest.fixture
def grant_b(world):
    """A grant of organisation B: project lead A cannot see it."""
    application = ApplicationFactory(
        organisation=world.org_b,
        fund=FundFactory(name="Fund of B"),
        title="The Hague together",
        groups=[world.group_b1],
        status="granted",
    )
    return GrantFactory(application=application)


def post_batch(client, grants, formats=("pdf",), **extra):
    data = {"grants": [g.pk for g in grants], "formats": list(formats), **extra}
    return client.post(CREATE, data)


def zip_of(batch) -> zipfile.ZipFile:
    with batch.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


# --- the form -------------------------------------------------------------------------


def test_form_lists_the_grants_the_user_may_see(world, second_grant, grant_b):
    response = world.client_for("lead_a").get(CREATE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Demo Fund" in html
    assert "Together in Rotterdam" in html
    assert "Second Fund" in html
    assert "Fund of B" not in html
    assert 'type="checkbox"' in html


def test_funder_sees_only_their_own_funds_grants(world, second_grant):
    html = world.client_for("funder").get(CREATE).content.decode()
    assert "Demo Fund" in html
    assert "Second Fund" not in html


def test_nothing_chosen_shows_errors(world):
    client = world.client_for("lead_a")
    response = client.post(CREATE, {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "grants" in response.context["form"].errors
    assert "formats" in response.context["form"].errors
    assert not ReportBatch.objects.exclude(pk=world.batch_a.pk).exists()


def test_a_grant_the_user_cannot_see_cannot_be_chosen(world, grant_b):
    client = world.client_for("lead_a")
    response = post_batch(client, [world.grant_a, grant_b])
    assert response.status_code == 200
    assert "grants" in response.context["form"].errors
    assert not ReportBatch.objects.exclude(pk=world.batch_a.pk).exists()


def test_period_end_before_start_is_an_error(world):
    response = post_batch(
        world.client_for("lead_a"),
        [world.grant_a],
        period_start="2026-06-01",
        period_end="2026-01-01",
    )
    assert response.status_code == 200
    assert "period_end" in response.context["form"].errors


def test_form_lists_recent_batches_with_download(world):
    html = world.client_for("lead_a").get(CREATE).content.decode()
    assert download_url(world.batch_a) in html
    assert "1 of 1 report" in html
    # The coordinator has no batches of their own.
    other = world.client_for("coordinator").get(CREATE).content.decode()
    assert download_url(world.batch_a) not in other


def test_recent_batches_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client_for("lead_a")
    client.get(CREATE)
    with django_assert_max_num_queries(12) as few:
        client.get(CREATE)
    for _n in range(5):
        batch = ReportBatch.objects.create(
            requested_by=world.users["lead_a"], total=2, done=1, status=BatchStatus.RUNNING
        )
        batch.grants.add(world.grant_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CREATE)


# --- the batch, run at once -----------------------------------------------------------


def test_batch_of_two_grants_ends_done_with_two_pdfs(world, second_grant):
    client = world.client_for("lead_a")
    response = post_batch(client, [world.grant_a, second_grant])
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert response.status_code == 302
    assert response.url == detail_url(batch)
    assert batch.requested_by == world.users["lead_a"]
    assert batch.total == 2
    assert batch.done == 2
    assert batch.status == BatchStatus.DONE
    assert batch.finished_at is not None
    assert batch.task_id
    assert batch.error == ""

    archive = zip_of(batch)
    names = archive.namelist()
    assert len(names) == 2
    assert all(PurePath(name).suffix == ".pdf" for name in names)
    texts = [pdf_text(archive.read(name)) for name in names]
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    assert any("Demo Fund" in text for text in texts)
    assert any("Second Fund" in text for text in texts)
    assert not any("Ayse Demir" in text for text in texts)

    page = client.get(detail_url(batch))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 of 2" in html
    assert "<progress" in html
    assert 'value="2"' in html and 'max="2"' in html
    assert download_url(batch) in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no more polling
    assert "no-store" in page["Cache-Control"]


def test_batch_with_both_formats_holds_pdf_and_xlsx(world, second_grant):
    client = world.client_for("lead_a")
    post_batch(client, [world.grant_a, second_grant], formats=("pdf", "xlsx"))
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    archive = zip_of(batch)
    names = archive.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    workbooks = [n for n in names if n.endswith(".xlsx")]
    assert len(pdfs) == 2 and len(workbooks) == 2
    texts = [xlsx_text(archive.read(name)) for name in workbooks]
    assert any("Demo Fund" in text for text in texts)
    assert any("Second Fund" in text for text in texts)


def test_all_grants_checkbox_takes_every_visible_grant(world, second_grant, grant_b):
    client = world.client_for("lead_a")
    response = client.post(CREATE, {"all_grants": "on", "formats": ["pdf"]})
    assert response.status_code == 302
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert set(batch.grants.all()) == {world.grant_a, second_grant}
    assert batch.status == BatchStatus.DONE


def test_period_is_passed_to_the_report(world, monkeypatch):
    seen = []
    real = report.build_grant_report

    def spy(grant, *, start=None, end=None):
        seen.append((grant.pk, start, end))
        return real(grant, start=start, end=end)

    monkeypatch.setattr(report, "build_grant_report", spy)
    post_batch(
        world.client_for("lead_a"),
        [world.grant_a],
        period_start="2026-01-01",
        period_end="2026-06-30",
    )
    assert [(pk, str(start), str(end)) for pk, start, end in seen] == [
        (world.grant_a.pk, "2026-01-01", "2026-06-30")
    ]


def test_download_streams_the_zip(world, second_grant):
    client = world.client_for("lead_a")
    post_batch(client, [world.grant_a, second_grant])
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    response = client.get(download_url(batch))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 2


def test_download_is_404_until_the_batch_is_done(world):
    batch = ReportBatch.objects.create(
        requested_by=world.users["lead_a"], total=1, status=BatchStatus.RUNNING
    )
    assert world.client_for("lead_a").get(download_url(batch)).status_code == 404


def test_another_users_batch_is_404(world):
    for persona in ("coordinator", "funder"):
        client = world.client_for(persona)
        assert client.get(detail_url(world.batch_a)).status_code == 404
        assert client.get(download_url(world.batch_a)).status_code == 404
    unknown = reverse("report_batch_detail", args=[uuid.uuid4()])
    assert world.client_for("lead_a").get(unknown).status_code == 404


def test_a_failing_build_marks_the_batch_failed(world, second_grant, monkeypatch, caplog):
    name = world.participant_a1.full_name

    def broken(made):
        raise RuntimeError(f"{name} broke the report")  # a message that quotes data

    monkeypatch.setattr(report, "report_pdf", broken)
    client = world.client_for("lead_a")
    with caplog.at_level(logging.ERROR, logger="reporting"):
        response = post_batch(client, [world.grant_a, second_grant])
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert response.status_code == 302
    assert batch.status == BatchStatus.FAILED
    assert batch.finished_at is not None
    assert not batch.file
    assert batch.error
    assert name not in batch.error and "Traceback" not in batch.error
    # Logged, with where it happened but not the exception's message.
    assert any(str(batch.pk) in record.getMessage() for record in caplog.records)
    assert not any(name in record.getMessage() for record in caplog.records)

    html = client.get(detail_url(batch)).content.decode()
    assert 'role="alert"' in html
    assert f"{CREATE}?grants=" in html  # try again, with the same grants
    assert download_url(batch) not in html
    assert client.get(download_url(batch)).status_code == 404

    assert batch.formats  # the formats asked for are kept, so "try again" repeats them
    assert all(f"formats={fmt}" in html for fmt in batch.formats)
    again = client.get(
        f"{CREATE}?grants={world.grant_a.pk}&period_start=2026-01-01&formats=xlsx&formats=pdf"
    )
    assert again.context["form"]["grants"].value() == [str(world.grant_a.pk)]
    assert set(again.context["form"]["formats"].value()) == {"pdf", "xlsx"}


def test_a_grant_no_longer_visible_is_left_out(world, second_grant, monkeypatch):
    """The task checks access again: a grant the requester lost is skipped."""
    real = GrantQuerySet.visible_to

    def without_second(self, user):
        return real(self, user).exclude(pk=second_grant.pk)

    client = world.client_for("lead_a")

    # The request is allowed; by the time the task runs, access to one grant is gone.
    original_run = services_batches.batch_run

    def run_after_losing_access(batch_id, language=None):
        with monkeypatch.context() as patch:
            patch.setattr(GrantQuerySet, "visible_to", without_second)
            return original_run(batch_id, language)

    monkeypatch.setattr(services_batches, "batch_run", run_after_losing_access)
    post_batch(client, [world.grant_a, second_grant])
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert batch.status == BatchStatus.DONE
    assert batch.done == 2
    names = zip_of(batch).namelist()
    assert len(names) == 1
    assert batch.error  # a note that something was left out
    html = client.get(detail_url(batch)).content.decode()
    assert "alert-warning" in html


def test_htmx_poll_returns_the_fragment_or_nothing_new(world):
    batch = ReportBatch.objects.create(
        requested_by=world.users["lead_a"], total=3, done=1, status=BatchStatus.RUNNING
    )
    client = world.client_for("lead_a")
    full = client.get(detail_url(batch)).content.decode()
    assert "<html" in full
    assert 'hx-trigger="every 2s"' in full
    assert f'hx-get="{detail_url(batch)}"' in full
    assert "1 of 3" in full

    fragment = client.get(detail_url(batch), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="batch-progress"' in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]

    same = client.get(
        detail_url(batch), {"done": "1", "status": "running"}, headers={"HX-Request": "true"}
    )
    assert same.status_code == 204

    ReportBatch.objects.filter(pk=batch.pk).update(done=3, status=BatchStatus.DONE)
    changed = client.get(
        detail_url(batch), {"done": "1", "status": "running"}, headers={"HX-Request": "true"}
    )
    html = changed.content.decode()
    assert changed.status_code == 200
    assert "3 of 3" in html
    assert "hx-trigger" not in html
    assert "<style" not in html and "style=" not in html


def test_polling_reads_only_the_batch_row(world, second_grant, django_assert_num_queries):
    """The page polls every 2 s: an unchanged poll and a changed fragment read the batch
    row and never its grants, however many grants the batch has."""
    batch = ReportBatch.objects.create(
        requested_by=world.users["lead_a"], total=2, done=1, status=BatchStatus.RUNNING
    )
    batch.grants.set([world.grant_a, second_grant])
    client = world.client_for("lead_a")
    client.get(detail_url(batch))  # warm the session
    poll = {"done": "1", "status": "running"}
    # session, user, the user's roles (access rule), the batch
    with django_assert_num_queries(4):
        same = client.get(detail_url(batch), poll, headers={"HX-Request": "true"})
    assert same.status_code == 204
    with django_assert_num_queries(4):
        fragment = client.get(detail_url(batch), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    # The whole page adds one query: the grants with their fund and organisation.
    with django_assert_num_queries(5):
        page = client.get(detail_url(batch))
    assert world.grant_a.application.fund.name in page.content.decode()


# --- the real queue: database backend and db_worker -----------------------------------


@pytest.fixture(scope="module")
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After this module, put back what the migrations loaded (the transactional test
    below flushes the database), as tests/e2e/conftest.py does."""
    yield
    put_back_migration_data(django_db_blocker)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_queue_and_worker(_restore_migration_data, world, second_grant, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    client = world.client_for("lead_a")
    response = client.post(
        CREATE,
        {"grants": [world.grant_a.pk, second_grant.pk], "formats": ["pdf", "xlsx"]},
        headers={"Accept-Language": "en"},
    )
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert response.url == detail_url(batch)
    assert batch.status == BatchStatus.QUEUED
    assert batch.done == 0
    queued = DBTaskResult.objects.get(pk=batch.task_id)
    assert queued.status == "READY"
    # The worker makes the reports in the language the batch was asked for in.
    # The task gets the batch and the language; the formats are kept on the batch.
    assert queued.task_result.args == [str(batch.pk), "en"]
    assert batch.formats == ["pdf", "xlsx"]

    html = client.get(detail_url(batch)).content.decode()
    assert "0 of 2" in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{detail_url(batch)}"' in html
    assert download_url(batch) not in html

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.done == 2
    assert len(zip_of(batch).namelist()) == 4
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    html = client.get(detail_url(batch)).content.decode()
    assert "2 of 2" in html
    assert download_url(batch) in html


def test_a_batch_that_cannot_be_queued_is_failed_not_waiting(world, monkeypatch):
    from reporting import tasks

    class Unreachable:
        def enqueue(self, *args):
            raise ConnectionError("queue is down")

    monkeypatch.setattr(tasks, "make_report_batch", Unreachable())
    response = post_batch(world.client_for("lead_a"), [world.grant_a])
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    assert response.url == detail_url(batch)
    assert batch.status == BatchStatus.FAILED
    assert batch.error
