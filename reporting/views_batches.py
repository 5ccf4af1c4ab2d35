"""Fund reports for many grants at once: ask for a batch, follow its progress, download
the ZIP. The reports are made by a background task (reporting/tasks.py); the progress
page polls itself with htmx while the task runs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from funding.forms_money import DateInput
from funding.models import Grant
from groups.models import Role
from stetapp.access import access, get_visible_or_404, roles
from stetapp.dates import short_date
from stetapp.forms import apply_validation_error
from stetapp.limits import download_limit
from stetapp.submission import submission_once

from . import services_batches
from .models import BatchStatus, ReportBatch

REQUESTERS = roles(Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR, Role.FUNDER)
RECENT_BATCHES = 10


def _visible_grants(user):
    return (
        Grant.objects.visible_to(user)
        .select_related("application__fund", "application__organisation")
        .order_by("application__fund__name", "application__organisation__name", "-period_start")
    )


class GrantChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, grant):
        application = grant.application
        return gettext("%(fund)s · %(organisation)s — %(title)s (%(start)s – %(end)s)") % {
            "fund": application.fund.name,
            "organisation": application.organisation.name,
            "title": application.title,
            "start": short_date(grant.period_start),
            "end": short_date(grant.period_end),
        }


class ReportBatchForm(forms.Form):
    """Which grants, which period (empty: each grant's own period), which formats."""

    all_grants = forms.BooleanField(
        label=_("All grants I can see"),
        required=False,
        help_text=_("Or tick the grants one by one below."),
    )
    grants = GrantChoiceField(label=_("Grants"), queryset=Grant.objects.none(), required=False)
    period_start = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave both dates empty to report on each grant's own period."),
    )
    period_end = forms.DateField(label=_("Period until"), required=False, widget=DateInput())
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=[(services_batches.PDF, "PDF"), (services_batches.XLSX, _("Excel (XLSX)"))],
        widget=forms.CheckboxSelectMultiple,
        initial=[services_batches.PDF],
        error_messages={"required": _("Choose PDF, Excel or both.")},
    )

    def __init__(self, *args, grants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grants"].queryset = grants
        self.fields["grants"].error_messages["invalid_choice"] = _(
            "You cannot report on one of the chosen grants."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("all_grants"):
            cleaned["grants"] = list(self.fields["grants"].queryset)
            if not cleaned["grants"]:
                self.add_error("all_grants", _("You have no grants to report on."))
        elif "grants" in cleaned and not cleaned["grants"]:
            self.add_error("grants", _("Choose at least one grant."))
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period lies before its start."))
        return cleaned


def _initial_from_query(query) -> dict:
    """ "Try again" links back here with the failed batch's grants and period."""
    initial: dict[str, Any] = {}
    ids = [value for value in query.getlist("grants") if value.isdigit()]
    if ids:
        initial["grants"] = ids
    formats = [value for value in query.getlist("formats") if value in services_batches.FORMATS]
    if formats:
        initial["formats"] = formats
    for name in ("period_start", "period_end"):
        value = query.get(name, "")
        try:
            initial[name] = forms.DateField().clean(value) if value else None
        except ValidationError:
            continue
    return {key: value for key, value in initial.items() if value}


@access(REQUESTERS)
@require_http_methods(["GET", "POST"])
@submission_once
@download_limit(when=lambda request: request.method == "POST")
def report_batch_create(request):
    grants = _visible_grants(request.user)
    if request.method == "POST":
        form = ReportBatchForm(request.POST, grants=grants)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = services_batches.batch_request(
                    user=request.user,
                    grants=data["grants"],
                    formats=data["formats"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect("report_batch_detail", pk=batch.pk)
    else:
        form = ReportBatchForm(initial=_initial_from_query(request.GET), grants=grants)
    recent = list(ReportBatch.objects.visible_to(request.user)[:RECENT_BATCHES])
    return render(
        request,
        "reporting/batch_form.html",
        {"form": form, "recent": recent, "statuses": BatchStatus},
    )


def _retry_query(batch) -> str:
    pairs = [("grants", pk) for pk in batch.grants.values_list("pk", flat=True)]
    pairs += [("formats", fmt) for fmt in batch.formats]
    if batch.period_start:
        pairs.append(("period_start", batch.period_start.isoformat()))
    if batch.period_end:
        pairs.append(("period_end", batch.period_end.isoformat()))
    return urlencode(pairs)


@access(REQUESTERS)
@require_GET
def report_batch_detail(request, pk):
    # The batch row alone: a poll that finds nothing changed stops here.
    batch = get_visible_or_404(ReportBatch.objects, user=request.user, pk=pk)
    if (
        request.htmx
        and request.GET.get("done") == str(batch.done)
        and request.GET.get("status") == batch.status
    ):
        # Nothing changed since the last poll: htmx keeps the fragment (and screen
        # readers do not hear it again) and asks again in two seconds.
        response = HttpResponse(status=204)
        patch_vary_headers(response, ["HX-Request"])
        add_never_cache_headers(response)
        return response
    ctx = {
        "batch": batch,
        "grants": []
        if request.htmx
        else list(batch.grants.select_related("application__fund", "application__organisation")),
        "statuses": BatchStatus,
        "working": batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING),
        "retry_query": _retry_query(batch) if batch.status == BatchStatus.FAILED else "",
    }
    template = "reporting/_batch_progress.html" if request.htmx else "reporting/batch_detail.html"
    response = render(request, template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


@access(REQUESTERS)
@require_GET
@download_limit()
def report_batch_download(request, pk):
    """The ZIP, streamed after the access check; only when the batch is done."""
    batch = get_visible_or_404(ReportBatch.objects, user=request.user, pk=pk)
    if batch.status != BatchStatus.DONE or not batch.file:
        raise Http404
    try:
        handle = batch.file.open("rb")
    except OSError:
        raise Http404 from None
    filename = f"reports-{batch.created_at:%Y-%m-%d}-{str(batch.pk)[:8]}.zip"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
