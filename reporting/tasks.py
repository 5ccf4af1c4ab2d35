"""Background tasks of the reporting app (Django's Tasks API, django-tasks backport).

In production the database backend queues them and `python manage.py db_worker` runs
them (docs/deployment.md); in development and tests they run at once.
"""

from django_tasks import task

from stetapp.logs import carries_request_id

from . import services_batches


@task()
@carries_request_id
def make_report_batch(batch_id: str, language: str | None = None) -> dict:
    """Make the fund reports of one ReportBatch (in the formats it asks for), in
    `language`, as one ZIP file.

    A failure is recorded on the batch (status failed, a short message) and logged; the
    task itself then still ends normally, so the worker's own log never repeats an
    exception message that might quote personal data. Queued with
    `stetapp.logs.enqueue`, it runs under the id of the request that asked for it.
    """
    batch = services_batches.batch_run(batch_id, language)
    return {"status": batch.status, "done": batch.done, "total": batch.total}


@task()
@carries_request_id
def make_report_pdf(stored_id: str) -> dict:
    """Make and store the fund report PDF of one StoredReport
    (reporting/services_report_pdf.py). A failure is recorded on the row (status failed)
    and logged by class only; the task itself ends normally."""
    from . import services_report_pdf

    stored = services_report_pdf.pdf_run(stored_id)
    return {"status": stored.status if stored else "skipped"}


@task()
@carries_request_id
def make_dashboard(
    programme_id: int,
    *,
    organisation_id: int | None = None,
    city_id: int | None = None,
    language: str = "",
) -> dict:
    """Build one programme dashboard (a filter, a language) and keep it in the cache, for
    the page that says it is being prepared (reporting/services_dashboard.py)."""
    from . import services_dashboard

    built = services_dashboard.dashboard_run(
        programme_id, organisation_id=organisation_id, city_id=city_id, language=language
    )
    return {"built": built}
