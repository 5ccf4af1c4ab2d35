"""The report page's body, kept while its data is unchanged (docs/decisions.md 68).

Building a grant's report costs its REPORT_QUERIES queries and rendering it about as
much again, on every view, though most views see data nobody changed since the last.
The body of the page (everything below the summary: the same for every reader) is kept
in the cache per grant, period and language, with the version it was made for: the day,
the code and a **data fingerprint**, one query that reads, for every table the report
reads, how many rows lie within the report's reach and the sum of their PostgreSQL row
versions (`xmin`, the transaction that wrote the row). An insert or a delete changes
the count, an update gives the row a new `xmin`: any committed write within reach gives
a new version, so a kept body never shows figures that changed after it was made. The
reach is wider than what the report reads (every meeting in the period and two days
around it, every participant ever enrolled in the grant's groups…), which only costs a
rebuild now and then. Time is an input too: a meeting that starts counts from that
moment, so the version holds the start of the next meeting within reach, and the day
counted up to (today while the period runs, its last day once it ended).

`REACH` names the tables; tests/reporting/test_report_page.py reads the queries of
`build_grant_report` and fails when one reads a table that is not in it, and changes a
row of every table to see the fingerprint change.

A page whose reader waited for the build is noted (`ReadReportPage`); the scheduler's
refresh-report-pages job makes its body again when its data changes, for a week after
(`refresh_read_pages`, decision 71).

Only on PostgreSQL (SQLite has no row versions: the demo builds every time), and only
when STETAPP_REPORT_PAGE_CACHE_SECONDS is more than 0. The body holds what the report
shows: counts, suppressed counts, and quotes only where the storyteller's consent covers
funders; the PDF keeps the same in private storage (decision 66).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from functools import cache as once
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from funding.models import Grant

from . import report as reports
from .models import ReadReportPage

logger = logging.getLogger(__name__)

BODY_TEMPLATE = "reporting/_grant_report_body.html"
# Raise this when the body changes in a way that neither its templates nor
# reporting/report.py show (a filter, a selector the report calls): every kept body is
# then made again. Other code changes wait for the entries to expire.
LAYOUT = "1"
_TEMPLATES = (BODY_TEMPLATE, "partials/bar_chart.html", "funding/_budget_against_actual.html")

# Every table the report reads, and the rows of it within one report's reach. `grp` are
# the groups of the grant's application, `mtg` their meetings in the period and two days
# around it (the period's bounds are local days), `plans` their continuation plans.
REACH: dict[str, str] = {
    "funding_grant": "application_id = %(application)s OR id = %(grant)s",
    "funding_fundingapplication": (
        "id = %(application)s OR id IN (SELECT fundingapplication_id FROM"
        " reporting_continuationplan_follow_up_applications"
        " WHERE continuationplan_id IN (SELECT id FROM plans))"
    ),
    "funding_fund": "TRUE",  # a handful of rows, named on the report and its follow-ups
    "groups_organisation": "id = %(organisation)s",
    "funding_fundingapplication_groups": "fundingapplication_id = %(application)s",
    "groups_group": "id IN (SELECT id FROM grp)",
    "groups_city": "id IN (SELECT city_id FROM groups_group WHERE id IN (SELECT id FROM grp))",
    "groups_organisationcommunity": "organisation_id = %(organisation)s",
    "meetings_meeting": "id IN (SELECT id FROM mtg)",
    "meetings_attendance": "meeting_id IN (SELECT id FROM mtg)",
    "meetings_meeting_organisers": "meeting_id IN (SELECT id FROM mtg)",
    "meetings_idea": "group_id IN (SELECT id FROM grp)",
    "participants_enrolment": "group_id IN (SELECT id FROM grp)",
    "participants_participant": (
        "id IN (SELECT participant_id FROM participants_enrolment"
        " WHERE group_id IN (SELECT id FROM grp))"
    ),
    "participants_consent": (
        "participant_id IN (SELECT storyteller_id FROM reporting_story"
        " WHERE group_id IN (SELECT id FROM grp))"
    ),
    "funding_volunteerhours": "group_id IN (SELECT id FROM grp)",
    "funding_budgetline": "application_id = %(application)s",
    "funding_expense": (
        "grant_id IN (SELECT id FROM funding_grant WHERE application_id = %(application)s)"
        " OR budget_line_id IN"
        " (SELECT id FROM funding_budgetline WHERE application_id = %(application)s)"
    ),
    "reporting_story": "group_id IN (SELECT id FROM grp)",
    "reporting_selectionround": (
        "selected_id IN (SELECT id FROM reporting_story WHERE group_id IN (SELECT id FROM grp))"
    ),
    "reporting_observation": "group_id IN (SELECT id FROM grp)",
    "reporting_administration": "group_id IN (SELECT id FROM grp)",
    "reporting_continuationplan": "id IN (SELECT id FROM plans)",
    "reporting_continuationstep": "plan_id IN (SELECT id FROM plans)",
    "reporting_continuationplan_follow_up_applications": (
        "continuationplan_id IN (SELECT id FROM plans)"
    ),
    "reporting_reportsummary": "grant_id = %(grant)s",
}


# The sets REACH refers to, for the parameters of `reach_params`.
REACH_WITH = (
    "WITH grp AS (SELECT group_id AS id FROM funding_fundingapplication_groups"
    " WHERE fundingapplication_id = %(application)s),"
    " mtg AS (SELECT id, starts_at FROM meetings_meeting"
    " WHERE group_id IN (SELECT id FROM grp)"
    " AND starts_at >= %(low)s AND starts_at < %(high)s),"
    " plans AS (SELECT id FROM reporting_continuationplan"
    " WHERE group_id IN (SELECT id FROM grp))"
)


@once
def _fingerprint_sql() -> str:
    # Made of this module's constants only; every value is a query parameter.
    count = "count(*) || '.' || coalesce(sum(xmin::text::bigint), 0)"
    parts = ",\n".join(
        f"(SELECT {count} FROM {table} WHERE {where})"  # noqa: S608
        for table, where in REACH.items()
    )
    next_start = "(SELECT min(starts_at) FROM mtg WHERE starts_at > %(now)s)"
    return f"{REACH_WITH} SELECT {next_start},\n{parts}"  # noqa: S608


def reach_params(*, grant: Grant, start: dt.date, end: dt.date, now: dt.datetime) -> dict:
    """The parameters of REACH_WITH and REACH for the report of `grant` (with its
    application) over [start, end] at `now`."""
    return {
        "grant": grant.pk,
        "application": grant.application_id,
        "organisation": grant.application.organisation_id,
        "low": dt.datetime.combine(start - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC),
        "high": dt.datetime.combine(end + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC),
        "now": now,
    }


def data_fingerprint(*, grant: Grant, start: dt.date, end: dt.date, now: dt.datetime) -> str | None:
    """A digest of every row within reach of the report of `grant` over [start, end] at
    `now`, and of the next meeting to start; None where the database keeps no row
    versions (SQLite). One query. `grant` comes with its application."""
    if connection.vendor != "postgresql":
        return None
    params = reach_params(grant=grant, start=start, end=end, now=now)
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(), params)
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()


@once
def templates_digest(names: tuple[str, ...]) -> str:
    """A SHA-256 of the source of the templates `names`, in that order: what is made
    from them is made again when one changes (this module, services_report_pdf)."""
    digest = hashlib.sha256()
    for name in names:
        template: Any = get_template(name)  # the Django backend's wrapper
        digest.update(template.template.source.encode())
    return digest.hexdigest()


@once
def _code_digest() -> str:
    digest = hashlib.sha256(LAYOUT.encode())
    digest.update(Path(reports.__file__).read_bytes())
    digest.update(templates_digest(_TEMPLATES).encode())
    return digest.hexdigest()[:16]


@dataclasses.dataclass(frozen=True)
class ShownReport:
    """What the page shows of a report: its period, the summary (not kept: the project
    lead edits it on this page) and the rendered body. `report` is the built report, or
    None when the body came from the cache."""

    start: dt.date
    end: dt.date
    summary: str
    contact: str
    body: SafeString
    report: reports.GrantReport | None


def _render_body(report: reports.GrantReport) -> SafeString:
    p = report.participants
    breakdowns = [
        (_("By gender"), p.by_gender),
        (_("By age at the end of the period"), p.by_age),
        (_("By community"), p.by_community),
    ]
    return mark_safe(  # noqa: S308 - rendered by the template engine, escaped there
        render_to_string(BODY_TEMPLATE, {"report": report, "breakdowns": breakdowns})
    )


@dataclasses.dataclass(frozen=True)
class KeptEntry:
    """Where something made from a report is kept (`key`: one entry per report, language
    and kind) and the version it must have been made for to be used: the day counted up
    to, the code and the data fingerprint. Entries live `seconds`."""

    key: str
    version: str
    seconds: int


def kept_entry(
    kind: str,
    *,
    grant: Grant,
    start: dt.date,
    end: dt.date,
    language: str,
    now: dt.datetime,
    code: str = "",
) -> KeptEntry | None:
    """The cache entry for `kind` ("body", "pdf"…) of the report of `grant` over [start,
    end] in `language` as it stands at `now` (one query: the data fingerprint); `code`
    digests whatever else the kept value is made from. None when nothing is kept (the
    setting is 0, or the database keeps no row versions)."""
    seconds = settings.STETAPP_REPORT_PAGE_CACHE_SECONDS
    if not seconds:
        return None
    fingerprint = data_fingerprint(grant=grant, start=start, end=end, now=now)
    if fingerprint is None:
        return None
    # The day counted up to, as in the PDF's version (services_report_pdf.report_version):
    # today while the period runs (the report says it), its last day once it ended, so an
    # ended period's entries stay valid from day to day.
    day = min(end, timezone.localdate(now)).isoformat()
    return KeptEntry(
        key=f"report-{kind}:{grant.pk}:{start.isoformat()}:{end.isoformat()}:{language}",
        version=f"{day}:{_code_digest()}:{code}:{fingerprint}",
        seconds=seconds,
    )


def kept_value(entry: KeptEntry | None) -> Any:
    """The value kept in `entry` for its version, or None."""
    if entry is None:
        return None
    kept = cache.get(entry.key)
    if kept is None or kept[0] != entry.version:
        return None
    return kept[1]


def keep(entry: KeptEntry | None, value: Any) -> None:
    """Keep `value` in `entry` for its version, replacing whatever the entry held: old
    versions do not pile up in the cache."""
    if entry is not None:
        cache.set(entry.key, (entry.version, value), entry.seconds)


def shown_report(*, grant: Grant, start: dt.date, end: dt.date) -> ShownReport:
    """The report of `grant` over [start, end] for the page: its body from the cache when
    the data fingerprint is the one it was kept for (fingerprint, then the summary: two
    queries), else built and rendered (and kept, and the page remembered for the refresh
    job): the fingerprint, REPORT_QUERIES and one more."""
    now = timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    entry = kept_entry("body", grant=grant, start=start, end=end, language=language, now=now)
    body = kept_value(entry)
    if body is not None:
        summary = reports.period_summary(grant, start=start, end=end)
        return ShownReport(
            start=start,
            end=end,
            summary=summary.get("summary", ""),
            contact=summary.get("contact", ""),
            body=mark_safe(body),  # noqa: S308 - rendered by _render_body
            report=None,
        )
    report = reports.build_grant_report(grant, start=start, end=end, now=now)
    rendered = _render_body(report)
    keep(entry, str(rendered))
    if entry is not None:
        _remember(grant=grant, start=start, end=end, language=language, now=now)
    return ShownReport(
        start=report.start,
        end=report.end,
        summary=report.summary,
        contact=report.contact,
        body=rendered,
        report=report,
    )


def report_workbook(*, grant: Grant, start: dt.date, end: dt.date) -> tuple[bytes, str]:
    """The report's workbook (XLSX bytes, in the active language) and its file name,
    kept like the page's body while the data fingerprint is unchanged: a kept one costs
    the fingerprint, else REPORT_QUERIES and the workbook. What it holds is what the
    body shows."""
    now = timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    entry = kept_entry("xlsx", grant=grant, start=start, end=end, language=language, now=now)
    kept = kept_value(entry)
    if kept is not None:
        return kept
    report = reports.build_grant_report(grant, start=start, end=end, now=now)
    made = (reports.report_xlsx(report), reports.report_filename(report, "xlsx"))
    keep(entry, made)
    return made


# --- made ahead of the reader ------------------------------------------------------------

# The refresh jobs keep the pages and the PDFs of reports asked for in this many days up
# to date (refresh_read_pages here, services_report_pdf.pdf_refresh).
REFRESH_DAYS = 7


def _remember(
    *, grant: Grant, start: dt.date, end: dt.date, language: str, now: dt.datetime
) -> None:
    """Note that a reader waited for this page's body to be built: the refresh job keeps
    it made from now on. One query (INSERT … ON CONFLICT): a reader at the same moment
    updates the same row."""
    ReadReportPage.objects.bulk_create(
        [ReadReportPage(grant=grant, start=start, end=end, language=language, asked_at=now)],
        update_conflicts=True,
        unique_fields=["grant", "start", "end", "language"],
        update_fields=["asked_at"],
    )


def refresh_read_pages(*, now: dt.datetime | None = None) -> int:
    """Make again the body of every report page read in the last REFRESH_DAYS whose data
    changed since its body was kept (or whose body the cache lost), so that its next
    reader is served the kept body; an unchanged body's lifetime starts again (the job
    runs more often than a body lives). Forget pages read longer ago. The number made.
    Per page the fingerprint, and REPORT_QUERIES where it is made again (the scheduler's
    refresh-report-pages job; nothing when bodies are not kept)."""
    if not settings.STETAPP_REPORT_PAGE_CACHE_SECONDS:
        return 0
    now = now or timezone.now()
    since = now - dt.timedelta(days=REFRESH_DAYS)
    ReadReportPage.objects.filter(asked_at__lt=since).delete()
    made = 0
    pages = ReadReportPage.objects.select_related("grant__application").order_by("pk")
    for page in pages:
        with translation.override(page.language):
            entry = kept_entry(
                "body",
                grant=page.grant,
                start=page.start,
                end=page.end,
                language=page.language,
                now=now,
            )
            if entry is None:
                continue
            if kept_value(entry) is not None:
                # Unchanged: it lives on rather than expire and be made again.
                cache.touch(entry.key, entry.seconds)
                continue
            try:
                report = reports.build_grant_report(
                    page.grant, start=page.start, end=page.end, now=now
                )
                keep(entry, str(_render_body(report)))
            except Exception as exc:  # noqa: BLE001 - one page never stops the others
                # The kind of error only: what went wrong may quote the report's data.
                logger.error(
                    "Report page %s (%s–%s) could not be made: %s",
                    page.grant_id,
                    page.start,
                    page.end,
                    type(exc).__name__,
                )
                continue
        made += 1
    return made
