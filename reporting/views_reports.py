"""The accountability report of one grant: a page with the period and the numbers, and
the same report as PDF and as Excel workbook (reporting/report.py builds all three).

Access: project leads, facilitators, programme coordinators and funders, each only for
the grants they may see (Grant.objects.visible_to: a funder only its own fund's grants;
anything else is a 404). The report holds aggregates only.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from funding.models import Grant
from groups.models import Role
from stetapp.access import access, get_visible_or_404, roles
from stetapp.exports import CONTENT_TYPES

from . import report as reports
from .forms_reports import ReportPeriodForm

REPORT_READERS = roles(Role.PROJECT_LEAD, Role.FACILITATOR, Role.PROGRAMME_COORDINATOR, Role.FUNDER)


def _grant_for(user, pk) -> Grant:
    """A grant the user may see, with its application, organisation and fund; 404
    otherwise. One query."""
    return get_visible_or_404(
        Grant.objects.select_related("application__organisation", "application__fund"),
        user=user,
        pk=pk,
    )


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


def _page(request, grant, form, period, *, status=200):
    report = None
    if period is not None:
        report = reports.build_grant_report(grant, start=period[0], end=period[1])
    ctx = {
        "grant": grant,
        "form": form,
        "report": report,
        "period_query": urlencode(
            {"start": report.start.isoformat(), "end": report.end.isoformat()}
        )
        if report
        else "",
        "breakdowns": [
            (_("By gender"), report.participants.by_gender),
            (_("By age at the end of the period"), report.participants.by_age),
            (_("By community"), report.participants.by_community),
        ]
        if report
        else [],
    }
    return render(request, "reporting/grant_report.html", ctx, status=status)


@access(REPORT_READERS)
@require_GET
def grant_report(request, pk):
    """The period form, the report on screen and the download buttons."""
    grant = _grant_for(request.user, pk)
    form, period = _period(request, grant)
    return _page(request, grant, form, period)


def _download(request, pk, *, ext: str, make) -> HttpResponse:
    grant = _grant_for(request.user, pk)
    form, period = _period(request, grant)
    if period is None:
        # A bad period in the address: the page with the form and its errors.
        return _page(request, grant, form, None, status=400)
    report = reports.build_grant_report(grant, start=period[0], end=period[1])
    content_type = "application/pdf" if ext == "pdf" else CONTENT_TYPES["xlsx"]
    response = HttpResponse(make(report), content_type=content_type)
    filename = reports.report_filename(report, ext)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access(REPORT_READERS)
@require_GET
def grant_report_pdf(request, pk):
    return _download(request, pk, ext="pdf", make=reports.report_pdf)


@access(REPORT_READERS)
@require_GET
def grant_report_xlsx(request, pk):
    return _download(request, pk, ext="xlsx", make=reports.report_xlsx)
