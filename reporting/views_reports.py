"""The accountability report of one grant: a page with the period and the numbers, and
the same report as PDF and as Excel workbook (reporting/report.py builds all three).

Access: project leads, facilitators, programme coordinators and funders, each only for
the grants they may see (Grant.objects.visible_to: a funder only its own fund's grants;
anything else is a 404). The report holds aggregates only, and the summary and contact
line that the project leads of the grant's organisation write on the page (the others
who may read the report get a 403 when they try).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from funding.models import FundingApplication, Grant
from groups.models import Role
from stetapp.access import access, get_visible_or_404, has_any_role, roles
from stetapp.exports import CONTENT_TYPES
from stetapp.forms import apply_validation_error
from stetapp.limits import download_limit

from . import report_page, services_report_pdf
from .forms_reports import ReportPeriodForm, ReportSummaryForm
from .models import BatchStatus, StoredReport
from .services_reports import report_summary_save

REPORT_READERS = roles(Role.PROJECT_LEAD, Role.FACILITATOR, Role.PROGRAMME_COORDINATOR, Role.FUNDER)


def _grant_for(user, pk) -> Grant:
    """A grant the user may see, with its application, organisation and fund; 404
    otherwise. One query."""
    return get_visible_or_404(
        Grant.objects.select_related("application__organisation", "application__fund"),
        user=user,
        pk=pk,
    )


def _summary_writable(user):
    """The grants whose report summary the user may write: those of the organisations
    they are project lead of."""
    return Grant.objects.filter(application__in=FundingApplication.objects.managed_by(user))


def _may_write_summary(user, grant) -> bool:
    # No query for those without the role (funders, coordinators, facilitators).
    if not (user.is_superuser or has_any_role(user, [Role.PROJECT_LEAD])):
        return False
    return _summary_writable(user).filter(pk=grant.pk).exists()


def _contact_of(user) -> str:
    """The contact line a project lead starts from: their own name and e-mail address."""
    return f"{user.full_name}, {user.email}" if user.full_name else user.email


def _period(request, grant) -> tuple[ReportPeriodForm, tuple | None]:
    """The period form (bound when the query string names a period) and the chosen
    (start, end), or None when the form has errors. No period given: the grant's."""
    bound = "start" in request.GET or "end" in request.GET
    form = ReportPeriodForm(
        request.GET if bound else None,
        initial={"start": grant.period_start, "end": grant.period_end},
    )
    if not bound:
        return form, (grant.period_start, grant.period_end)
    if form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    return form, None


def _page(request, grant, form, period, *, status=200, summary_form=None):
    shown = None
    if period is not None:
        shown = report_page.shown_report(grant=grant, start=period[0], end=period[1])
    if summary_form is None and shown is not None and _may_write_summary(request.user, grant):
        summary_form = ReportSummaryForm(
            initial={
                "start": shown.start,
                "end": shown.end,
                "text": shown.summary,
                "contact": shown.contact or _contact_of(request.user),
            }
        )
    ctx = {
        "grant": grant,
        "form": form,
        "shown": shown,
        # The built report, when it was built for this view (not when its body was kept).
        "report": shown.report if shown else None,
        "summary_form": summary_form,
        "period_query": urlencode({"start": shown.start.isoformat(), "end": shown.end.isoformat()})
        if shown
        else "",
    }
    return render(request, "reporting/grant_report.html", ctx, status=status)


@access(REPORT_READERS)
@require_GET
def grant_report(request, pk):
    """The period form, the report on screen and the download buttons."""
    grant = _grant_for(request.user, pk)
    form, period = _period(request, grant)
    return _page(request, grant, form, period)


def _file_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access(REPORT_READERS)
@require_GET
@download_limit()
def grant_report_xlsx(request, pk):
    """The report as a workbook; the same one while the data is unchanged
    (reporting/report_page.py)."""
    grant = _grant_for(request.user, pk)
    form, period = _period(request, grant)
    if period is None:
        # A bad period in the address: the page with the form and its errors.
        return _page(request, grant, form, None, status=400)
    data, filename = report_page.report_workbook(grant=grant, start=period[0], end=period[1])
    return _file_response(data, filename=filename, content_type=CONTENT_TYPES["xlsx"])


def _progress(request, grant, stored, *, download_url: str, status: int = 200):
    """The page (or, for htmx, the fragment) that says the PDF is being prepared, is
    ready, or could not be made."""
    working = stored is not None and stored.status in services_report_pdf.WORKING
    ctx = {
        "grant": grant,
        "stored": stored,
        "statuses": BatchStatus,
        "working": working,
        "download_url": download_url,
    }
    template = "reporting/report_pdf.html"
    if request.htmx:
        template = "reporting/_report_pdf_progress.html"
    response = render(request, template, ctx, status=status)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


@access(REPORT_READERS)
@require_GET
@download_limit()
def grant_report_pdf(request, pk):
    """The stored PDF of the report's current data version, or a page saying that it is
    being prepared (its task is queued once; reporting/services_report_pdf.py)."""
    grant = _grant_for(request.user, pk)
    form, period = _period(request, grant)
    if period is None:
        return _page(request, grant, form, None, status=400)
    stored = services_report_pdf.pdf_for(
        grant=grant, start=period[0], end=period[1], language=translation.get_language()
    )
    data = services_report_pdf.stored_bytes(stored)
    if data is not None:
        return _file_response(data, filename=stored.filename, content_type="application/pdf")
    # 202: asked for and accepted, not there yet.
    return _progress(request, grant, stored, download_url=request.get_full_path(), status=202)


@access(REPORT_READERS)
@require_GET
def grant_report_pdf_status(request, pk, stored):
    """What the "being prepared" page asks every few seconds: the row of one stored PDF
    of a grant the user may see. A row that is gone (replaced by a newer version) links
    back to the download, which finds or prepares the current one."""
    grant = _grant_for(request.user, pk)
    found = StoredReport.objects.filter(grant=grant, pk=stored).first()
    if request.htmx and found is not None and request.GET.get("status") == found.status:
        # Nothing changed since the last poll: htmx keeps the fragment (and screen
        # readers do not hear it again) and asks again in two seconds.
        response = HttpResponse(status=204)
        patch_vary_headers(response, ["HX-Request"])
        add_never_cache_headers(response)
        return response
    query = urlencode({k: request.GET[k] for k in ("start", "end") if k in request.GET})
    download_url = reverse("grant_report_pdf", args=[grant.pk]) + (f"?{query}" if query else "")
    return _progress(request, grant, found, download_url=download_url)


@access(REPORT_READERS)
@require_POST
def grant_report_summary(request, pk):
    """The project lead saves the summary and contact line of the report over the period
    the page shows; back to that page."""
    grant = get_visible_or_404(
        Grant.objects.select_related("application__organisation", "application__fund"),
        user=request.user,
        pk=pk,
        write=True,
        writable=_summary_writable(request.user),
    )
    form = ReportSummaryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report_summary_save(
                grant=grant,
                start=data["start"],
                end=data["end"],
                text=data["text"],
                contact=data["contact"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The summary is saved; it is in the PDF."))
            query = urlencode({"start": data["start"].isoformat(), "end": data["end"].isoformat()})
            return redirect(f"{reverse('grant_report', args=[grant.pk])}?{query}#summary-heading")
    # The page of the period the form came from (the grant's when that is unreadable).
    period_form = ReportPeriodForm(request.POST)
    period = (
        (period_form.cleaned_data["start"], period_form.cleaned_data["end"])
        if period_form.is_valid()
        else (grant.period_start, grant.period_end)
    )
    shown = ReportPeriodForm(initial={"start": period[0], "end": period[1]})
    return _page(request, grant, shown, period, status=400, summary_form=form)
