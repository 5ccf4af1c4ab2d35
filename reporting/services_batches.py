"""Batches of fund reports: ask for one, and the work the background task does.

`batch_request` (called by the view) records the batch and puts the task on the queue;
`batch_run` (called by the task in reporting/tasks.py) makes the reports one grant at a
time, saving its progress as it goes, and leaves a ZIP file in private storage.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import traceback
import zipfile
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from funding.models import Grant
from stetapp.logs import enqueue

from .models import BatchStatus, ReportBatch

logger = logging.getLogger(__name__)

PDF = "pdf"
XLSX = "xlsx"
FORMATS = (PDF, XLSX)

# Stored in ReportBatch.error in English and translated when shown (`{% translate %}`),
# so the worker does not need to know the reader's language. No names, no tracebacks.
ERROR_FAILED = gettext_noop(
    "The reports could not be made. Try again; if it fails again, tell the site administrator."
)
ERROR_NOTHING_VISIBLE = gettext_noop("You no longer have access to any of the chosen grants.")
NOTE_SKIPPED = gettext_noop("Some grants were left out because you no longer have access to them.")
ERROR_MESSAGES = (ERROR_FAILED, ERROR_NOTHING_VISIBLE, NOTE_SKIPPED)


class NothingToReport(Exception):
    """None of the batch's grants is visible to the requester any more."""


def batch_request(
    *,
    user,
    grants: Iterable[Grant],
    formats: Iterable[str],
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ReportBatch:
    """Record a batch for `grants` (each must be visible to `user`) and queue the task.

    With the immediate backend (development, tests) the task runs inside this call, so
    the batch that comes back may already be done.
    """
    from .tasks import make_report_batch

    chosen = {grant.pk for grant in grants}
    formats = [f for f in FORMATS if f in set(formats)]
    errors = {}
    if not chosen:
        errors["grants"] = _("Choose at least one grant.")
    elif Grant.objects.visible_to(user).filter(pk__in=chosen).count() != len(chosen):
        errors["grants"] = _("You cannot report on one of the chosen grants.")
    if not formats:
        errors["formats"] = _("Choose PDF, Excel or both.")
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = _("The end of the period lies before its start.")
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        batch = ReportBatch.objects.create(
            requested_by=user,
            period_start=period_start,
            period_end=period_end,
            formats=formats,
            total=len(chosen),
            status=BatchStatus.QUEUED,
        )
        batch.grants.set(chosen)
    # The task is queued after the batch is committed, so a worker always finds it.
    # The reports come out in the language of the page they were asked for from.
    try:
        result = enqueue(make_report_batch, str(batch.pk), translation.get_language())
    except Exception as exc:  # noqa: BLE001 - the batch must not wait for ever
        logger.error("Report batch %s could not be queued: %s", batch.pk, type(exc).__name__)
        ReportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=ERROR_FAILED, finished_at=timezone.now()
        )
    else:
        ReportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])
    batch.refresh_from_db()
    return batch


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name` with " (2)", " (3)"… before the extension when already taken."""
    path = PurePath(name)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{path.stem} ({n}){path.suffix}"
    taken.add(candidate)
    return candidate


def batch_run(batch_id, language: str | None = None) -> ReportBatch:
    """Make the reports of one batch in the formats it asks for, in `language` (default:
    the site's). Progress
    (`done`) is saved after every grant; at the end the ZIP is in `batch.file` and the
    status is done, or failed with a short message (the details go to the log, without
    personal data)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _run(batch_id)


def _run(batch_id) -> ReportBatch:
    from . import report

    batch = ReportBatch.objects.select_related("requested_by").get(pk=batch_id)
    formats = [f for f in FORMATS if f in set(batch.formats)] or [PDF]
    batch.status = BatchStatus.RUNNING
    batch.done = 0
    batch.error = ""
    batch.save(update_fields=["status", "done", "error"])

    grant_pk = None
    try:
        grants = list(
            batch.grants.select_related("application__fund", "application__organisation").order_by(
                "application__fund__name", "application__organisation__name", "pk"
            )
        )
        visible = set(
            Grant.objects.visible_to(batch.requested_by)
            .filter(pk__in=[g.pk for g in grants])
            .values_list("pk", flat=True)
        )
        if not visible:
            raise NothingToReport
        names: set[str] = set()
        # On disk while it grows, not in memory: a batch may hold hundreds of reports.
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for grant in grants:
                    grant_pk = grant.pk
                    if grant.pk in visible:
                        made = report.build_grant_report(
                            grant, start=batch.period_start, end=batch.period_end
                        )
                        if PDF in formats:
                            name = _unique(report.report_filename(made, PDF), names)
                            archive.writestr(name, report.report_pdf(made))
                        if XLSX in formats:
                            name = _unique(report.report_filename(made, XLSX), names)
                            archive.writestr(name, report.report_xlsx(made))
                    batch.done += 1
                    batch.save(update_fields=["done"])
            grant_pk = None
            spool.seek(0)
            if batch.file:
                batch.file.delete(save=False)
            batch.file.save(f"{batch.pk}.zip", File(spool), save=False)
        batch.status = BatchStatus.DONE
        batch.error = NOTE_SKIPPED if len(visible) < len(grants) else ""
    except NothingToReport:
        batch.status = BatchStatus.FAILED
        batch.error = ERROR_NOTHING_VISIBLE
        logger.warning("Report batch %s: no chosen grant is visible to the requester", batch.pk)
    except Exception as exc:  # noqa: BLE001 - any failure ends the batch, never the worker
        batch.status = BatchStatus.FAILED
        batch.error = ERROR_FAILED
        # The exception's class and where it happened, not its message: messages may
        # quote data (a name in a validation error, say) and logs must hold none.
        logger.error(
            "Report batch %s failed at grant %s: %s\n%s",
            batch.pk,
            grant_pk,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
    batch.finished_at = timezone.now()
    batch.save(update_fields=["file", "status", "error", "finished_at"])
    return batch
