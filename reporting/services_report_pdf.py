"""The fund report PDF made ahead and kept (docs/decisions.md 66).

A PDF is kept per grant, period, language and data version (reporting.models.
StoredReport). The version is a fingerprint of the built report itself
(reporting.report.build_grant_report, a fixed number of queries): every figure, text and
name the PDF shows, the day it counts up to, the logo's file, the language and the print
templates. So a change in attendance, expenses, a story or the summary gives a new
version, and a stored file never claims data that changed after it was made; the same
data gives the same version, so the file is made once.

`pdf_request` (called by the download view) finds the stored PDF of the current version
or queues the task that makes it, once however many requests ask at the same time
(and the scheduler job `refresh-report-pdfs` does the same when the data of a recently
asked-for report changed, so that the next download finds it ready);
`pdf_run` (called by the task, reporting/tasks.py) builds the report again, renders it
and stores it in private storage, and removes the files of older versions of the same
report. The scheduler job `prune-report-pdfs` (reporting/jobs.py) removes those nobody
asked for again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from funding.models import Grant
from stetapp.logs import enqueue

from . import report_page
from .models import BatchStatus, StoredReport

logger = logging.getLogger(__name__)

# Raise this when the PDF changes in a way the templates below do not show (a new
# filter, a change in report_pdf): every report is then made again.
LAYOUT = "1"
# The templates the PDF is made of: a change in any of them is a new version.
PDF_TEMPLATES = (
    "pdf/base.html",
    "reporting/pdf/grant_report.html",
    "reporting/pdf/_bars.html",
    "funding/_budget_against_actual.html",
)
# A queued or running PDF that has not finished after this long is queued again (a
# worker that was stopped half-way leaves its row behind).
STALE = dt.timedelta(minutes=10)
WORKING = (BatchStatus.QUEUED, BatchStatus.RUNNING)
# Stored PDFs are removed this many days after they were asked for (the setting
# STETAPP_REPORT_PDF_KEEP_DAYS overrides it); the next request makes them again.
KEEP_DAYS = 30
# The refresh job keeps the PDFs of reports asked for in this many days up to date.
REFRESH_DAYS = report_page.REFRESH_DAYS
# How often the scheduler's refresh-report-pdfs job runs (reporting/jobs.py).
REFRESH_EVERY = dt.timedelta(minutes=15)


def report_version(report, language: str) -> str:
    """The data version of `report` (a reporting.report.GrantReport) in `language`: a
    SHA-256 of everything the PDF is made from. `made_on` is replaced by the last day
    counted, so that a finished period keeps its version from day to day while a running
    one gets a new version each day (it counts one more day)."""
    content = dataclasses.replace(report, made_on=report.counted_until)
    digest = hashlib.sha256()
    for part in (LAYOUT, language, report_page.templates_digest(PDF_TEMPLATES), repr(content)):
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _queue(stored: StoredReport) -> None:
    from .tasks import make_report_pdf

    try:
        enqueue(make_report_pdf, str(stored.pk))
    except Exception as exc:  # noqa: BLE001 - the reader must not wait for ever
        logger.error("Report PDF %s could not be queued: %s", stored.pk, type(exc).__name__)
        StoredReport.objects.filter(pk=stored.pk).update(
            status=BatchStatus.FAILED, finished_at=timezone.now()
        )


def pdf_request(*, report, language: str, asked_at: dt.datetime | None = None) -> StoredReport:
    """The stored PDF of `report` (built by the caller) in `language`, its task queued
    when it is not made yet. Two requests at once queue it once: the row is unique per
    version and only the request that created it (or that took over a failed or stale
    one, by a conditional update) queues the task. With the immediate task backend
    (development, tests) the PDF is made inside this call. One query when the PDF is
    there. `asked_at` (default: now) is when a reader asked for this report; the refresh
    job passes on the time of the version it replaces."""
    key = {
        "grant_id": report.grant_pk,
        "start": report.start,
        "end": report.end,
        "language": language,
        "version": report_version(report, language),
    }
    stored = StoredReport.objects.filter(**key).first()
    if stored is None:
        try:
            with transaction.atomic():
                stored = StoredReport.objects.create(**key, asked_at=asked_at or timezone.now())
        except IntegrityError:  # another request created it a moment ago
            return StoredReport.objects.get(**key)
        _queue(stored)
    elif stored.status == BatchStatus.FAILED or (
        stored.status in WORKING and stored.queued_at < timezone.now() - STALE
    ):
        now = timezone.now()
        taken = StoredReport.objects.filter(
            pk=stored.pk, status=stored.status, queued_at=stored.queued_at
        ).update(status=BatchStatus.QUEUED, queued_at=now, finished_at=None)
        if taken:
            _queue(stored)
    else:
        return stored
    stored.refresh_from_db()
    return stored


def pdf_for(*, grant: Grant, start: dt.date, end: dt.date, language: str) -> StoredReport:
    """The stored PDF of the report of `grant` (with its application) over [start, end]
    in `language`, queued when it is not made yet (`pdf_request`). Which version is
    current is kept per report and language while the report's data fingerprint stays
    the same (reporting/report_page.py, docs/decisions.md 68): then a made PDF is found
    with two queries (the fingerprint and the row) instead of building the report."""
    from . import report as reports

    now = timezone.now()
    entry = _version_entry(grant=grant, start=start, end=end, language=language, now=now)
    version = report_page.kept_value(entry)
    if version is not None:
        stored = StoredReport.objects.filter(
            grant_id=grant.pk, start=start, end=end, language=language, version=version
        ).first()
        if stored is not None and stored.status == BatchStatus.DONE:
            return stored
    report = reports.build_grant_report(grant, start=start, end=end, now=now)
    stored = pdf_request(report=report, language=language)
    report_page.keep(entry, stored.version)
    return stored


def _version_entry(
    *, grant: Grant, start: dt.date, end: dt.date, language: str, now: dt.datetime
) -> report_page.KeptEntry | None:
    """Where the version of the current PDF of this report is kept, valid while the
    report's data fingerprint is the one it was kept for (`pdf_for`, `pdf_refresh`).
    `grant` comes with its application. The entry lives at least two runs of the refresh
    job, whoever writes it: the job finds it in its next run, and a download in between
    finds it too (a download that wrote it with the page's five minutes made the job
    build the report again for nothing)."""
    entry = report_page.kept_entry(
        "pdf",
        grant=grant,
        start=start,
        end=end,
        language=language,
        now=now,
        code=f"{LAYOUT}:{report_page.templates_digest(PDF_TEMPLATES)}",
    )
    if entry is None:
        return None
    return dataclasses.replace(
        entry, seconds=max(entry.seconds, 2 * int(REFRESH_EVERY.total_seconds()))
    )


def pdf_run(stored_id: str) -> StoredReport | None:
    """Make the PDF of one StoredReport (the task's work). The report is built again; when
    its data changed since it was asked for, the PDF is stored under the new version and
    the old row goes. Older versions of the same report are removed with their files.
    Returns the row that holds the PDF (None when there was nothing to do)."""
    from . import report as reports

    claimed = StoredReport.objects.filter(pk=stored_id, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING
    )
    if not claimed:
        return None  # made, or taken by another worker, or gone
    stored = StoredReport.objects.get(pk=stored_id)
    target = stored
    try:
        with translation.override(stored.language):
            grant = Grant.objects.get(pk=stored.grant_id)
            built = reports.build_grant_report(grant, start=stored.start, end=stored.end)
            version = report_version(built, stored.language)
            if version != stored.version:
                target, _created = StoredReport.objects.get_or_create(
                    grant_id=stored.grant_id,
                    start=stored.start,
                    end=stored.end,
                    language=stored.language,
                    version=version,
                    defaults={"asked_at": stored.asked_at},
                )
                stored.delete()
                if target.status == BatchStatus.DONE:
                    return target
            data = reports.report_pdf(built)
            filename = reports.report_filename(built, "pdf")
    except Exception as exc:  # noqa: BLE001 - a failure is recorded, never the message
        logger.error("Report PDF %s failed: %s", stored_id, type(exc).__name__)
        StoredReport.objects.filter(pk__in={stored.pk, target.pk}).update(
            status=BatchStatus.FAILED, finished_at=timezone.now()
        )
        return None
    if target.file:
        target.file.delete(save=False)
    target.file.save(f"{target.pk}.pdf", ContentFile(data), save=False)
    target.filename = filename
    target.status = BatchStatus.DONE
    target.finished_at = timezone.now()
    target.save(update_fields=["file", "filename", "status", "finished_at"])
    _remove(
        StoredReport.objects.filter(
            grant_id=target.grant_id, start=target.start, end=target.end, language=target.language
        )
        .exclude(pk=target.pk)
        .exclude(status__in=WORKING)
    )
    return target


def _remove(rows) -> int:
    """Delete `rows` and their files; the number deleted."""
    removed = 0
    for row in rows:
        if row.file:
            row.file.delete(save=False)
        row.delete()
        removed += 1
    return removed


def pdf_prune(*, now: dt.datetime | None = None) -> int:
    """Remove stored PDFs (and rows left waiting or failed) asked for more than
    STETAPP_REPORT_PDF_KEEP_DAYS ago; the number removed (the scheduler job)."""
    now = now or timezone.now()
    days = getattr(settings, "STETAPP_REPORT_PDF_KEEP_DAYS", KEEP_DAYS)
    cutoff = now - dt.timedelta(days=days)
    return _remove(StoredReport.objects.filter(asked_at__lt=cutoff))


def pdf_refresh(*, now: dt.datetime | None = None) -> int:
    """Queue a new PDF for every report asked for in the last REFRESH_DAYS whose data
    changed since its PDF was made, so that the next download finds it ready; the number
    queued (the scheduler job, every REFRESH_EVERY). A report whose data fingerprint is
    the one its current PDF was last found for costs that one query; another is built
    (the report's fixed queries) and its version compared. The version found is kept
    for two runs (`_version_entry`), for the next run and for downloads."""
    now = now or timezone.now()
    latest: dict[tuple, StoredReport] = {}
    for row in StoredReport.objects.filter(
        status=BatchStatus.DONE, asked_at__gte=now - dt.timedelta(days=REFRESH_DAYS)
    ).order_by("queued_at"):
        latest[(row.grant_id, row.start, row.end, row.language)] = row
    grants = Grant.objects.select_related("application").in_bulk(
        {row.grant_id for row in latest.values()}
    )
    queued = 0
    from . import report as reports

    for row in latest.values():
        grant = grants[row.grant_id]
        with translation.override(row.language):
            entry = _version_entry(
                grant=grant, start=row.start, end=row.end, language=row.language, now=now
            )
            if report_page.kept_value(entry) == row.version:
                report_page.keep(entry, row.version)  # unchanged: kept past the next run
                continue
            built = reports.build_grant_report(grant, start=row.start, end=row.end, now=now)
            version = report_version(built, row.language)
            if version != row.version:
                pdf_request(report=built, language=row.language, asked_at=row.asked_at)
                queued += 1
            else:
                report_page.keep(entry, version)
    return queued


def stored_bytes(stored: StoredReport) -> bytes | None:
    """The stored PDF's bytes, or None when the file is gone."""
    if stored.status != BatchStatus.DONE or not stored.file:
        return None
    try:
        with stored.file.open("rb") as handle:
            return handle.read()
    except OSError:
        return None
