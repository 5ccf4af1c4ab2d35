"""The periodic jobs of the reporting app (stetapp/scheduler.py runs them)."""

from datetime import timedelta

from stetapp.scheduler import job

from . import services_report_pdf


@job("prune-report-pdfs", every=timedelta(days=1))
def prune_report_pdfs() -> None:
    """Remove fund report PDFs kept longer than STETAPP_REPORT_PDF_KEEP_DAYS (older
    versions of a report are removed as soon as a newer one is stored)."""
    services_report_pdf.pdf_prune()


@job("refresh-report-pdfs", every=timedelta(minutes=15))
def refresh_report_pdfs() -> None:
    """Queue new PDFs of recently asked-for fund reports whose data changed, so that the
    next download finds them ready (reporting/services_report_pdf.py)."""
    services_report_pdf.pdf_refresh()
