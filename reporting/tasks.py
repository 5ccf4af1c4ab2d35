"""Background tasks of the reporting app (Django's Tasks API, django-tasks backport).

In production the database backend queues them and `python manage.py db_worker` runs
them (docs/deployment.md); in development and tests they run at once.
"""

from django_tasks import task

from . import services_batches


@task()
def make_report_batch(batch_id: str, language: str | None = None) -> dict:
    """Make the fund reports of one ReportBatch (in the formats it asks for), in
    `language`, as one ZIP file.

    A failure is recorded on the batch (status failed, a short message) and logged; the
    task itself then still ends normally, so the worker's own log never repeats an
    exception message that might quote personal data.
    """
    batch = services_batches.batch_run(batch_id, language)
    return {"status": batch.status, "done": batch.done, "total": batch.total}
