"""The periodic jobs of the reporting app (stetapp/scheduler.py runs them)."""

from datetime import timedelta

from django.conf import settings

from groups import selectors as group_selectors
from groups.models import Membership, Programme, Role
from stetapp.scheduler import cache_is_shared, job

from . import report_page, selectors_dashboard, services_report_pdf

# Sooner than the dashboard's cache entry expires (STETAPP_DASHBOARD_CACHE_SECONDS, 300).
DASHBOARD_REFRESH = timedelta(minutes=4)
# How often recently asked-for fund report PDFs are checked for new data.
PDF_REFRESH = services_report_pdf.REFRESH_EVERY
# How long a report page's reader may still wait for a build after its data changed.
REPORT_PAGE_REFRESH = timedelta(minutes=2)


@job("prune-report-pdfs", every=timedelta(days=1))
def prune_report_pdfs() -> None:
    """Remove fund report PDFs kept longer than STETAPP_REPORT_PDF_KEEP_DAYS (older
    versions of a report are removed as soon as a newer one is stored)."""
    services_report_pdf.pdf_prune()


@job("refresh-report-pdfs", every=PDF_REFRESH)
def refresh_report_pdfs() -> None:
    """Queue new PDFs of recently asked-for fund reports whose data changed, so that the
    next download finds them ready (reporting/services_report_pdf.py)."""
    services_report_pdf.pdf_refresh()


@job("refresh-dashboards", every=DASHBOARD_REFRESH)
def refresh_dashboards() -> None:
    """Rebuild each programme's unfiltered dashboard, in its coordinators' languages,
    before the cached one expires (reporting/selectors_dashboard.py), so that no
    coordinator waits for a build. Skipped when the dashboard is not cached, or when the
    cache lives in this process only (the demo's): the web servers would not see it."""
    if not settings.STETAPP_DASHBOARD_CACHE_SECONDS or not cache_is_shared():
        return
    refresh_all_dashboards()


@job("refresh-report-pages", every=REPORT_PAGE_REFRESH)
def refresh_report_pages() -> None:
    """Make again the kept body of each recently read fund report page whose data
    changed (reporting/report_page.py), so that its next reader does not wait for the
    build. Skipped when the cache lives in this process only, as for the dashboards."""
    if cache_is_shared():
        report_page.refresh_read_pages()


def refresh_all_dashboards() -> None:
    """Each programme's dashboard, and the overview on each coordinator's home page
    (groups.selectors.programme_overview: kept per set of programmes coordinated)."""
    languages: dict[int, set[str]] = {}
    programmes_of: dict[int, set[int]] = {}
    for user_id, programme_id, language in Membership.objects.filter(
        role=Role.PROGRAMME_COORDINATOR, programme__isnull=False
    ).values_list("user_id", "programme_id", "user__language"):
        languages.setdefault(programme_id, set()).add(language or settings.LANGUAGE_CODE)
        programmes_of.setdefault(user_id, set()).add(programme_id)
    for programme in Programme.objects.filter(pk__in=languages).order_by("pk"):
        selectors_dashboard.refresh_cached_dashboard(
            programme, languages=sorted(languages[programme.pk])
        )
    # Read once, before any overview is counted: what is counted after it is at least
    # as new as the version it is kept under (decision 81).
    version = group_selectors.group_list_version()
    for programme_ids in sorted({tuple(sorted(ids)) for ids in programmes_of.values()}):
        group_selectors.keep_programme_overview(programme_ids=list(programme_ids), version=version)
