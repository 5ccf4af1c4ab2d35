"""The pages that read the logs (issue 11, items 3 and 7; docs/decisions.md, decision 61):

- the file log of one participant ("who saw and changed this file"), for the project lead
  of the participant's organisation — the rule of the group's managers (`Need.MANAGE`);
- the organisation's access log, its summary per user and its alerts, for the
  organisation's privacy officer (and site administrators);
- the register of processing, as a page and an XLSX, for privacy officers and site
  administrators.

Reading a log is itself logged (`privacy.access_log.reading_logs`: AccessAction.LOG, with
the participants whose names the page shows). The pages show participants by name only
and changes by the names of the fields that changed, never a value.
"""

from __future__ import annotations

from typing import Literal

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from groups.access import Need, get_in_group_or_404, rule_for
from groups.models import Role
from participants.models import Participant
from stetapp.access import access, roles
from stetapp.exports import table_response, workbook_response

from . import register, selectors_logs
from .access_log import reading_logs
from .forms_logs import LogFilterForm
from .register_export import register_sheets

# The project lead of the participant's organisation (the group's managers).
LEADS = rule_for(Need.MANAGE)
# The organisation's privacy officer; site administrators pass every rule.
OFFICERS = roles(Role.PRIVACY_OFFICER)

# At most this many rows go into one export of a log.
EXPORT_MAX_ROWS = 10_000


def _format(request) -> Literal["csv", "xlsx"] | None:
    value = request.GET.get("format")
    if value == "xlsx":
        return "xlsx"
    if value == "csv":
        return "csv"
    return None


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _officer_organisation(user, pk):
    organisation = selectors_logs.organisations_for_officer(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


# --- one participant's file log ----------------------------------------------------------


@access(LEADS)
@require_GET
def participant_log(request, pk):
    participant = get_in_group_or_404(
        Participant.objects.with_related(), user=request.user, pk=pk, need=Need.MANAGE
    )
    form = LogFilterForm(
        request.GET or None,
        users=selectors_logs.file_log_actors(participant_id=participant.pk),
        with_action=False,
    )
    log_filter = form.log_filter()
    changes, accesses = selectors_logs.file_log_querysets(
        participant_id=participant.pk, log_filter=log_filter
    )
    reading_logs({participant.pk})
    fmt = _format(request)
    if fmt is not None:
        entries = selectors_logs.change_entries(changes[:EXPORT_MAX_ROWS])
        entries += selectors_logs.access_entries(accesses[:EXPORT_MAX_ROWS])
        entries.sort(key=lambda e: e.at, reverse=True)
        return table_response(
            filename_stem=f"{_('file log')} {participant.pk} {timezone.localdate().isoformat()}",
            headers=[_("when"), _("by"), _("kind"), _("what"), _("record or page"), _("detail")],
            rows=[
                [
                    timezone.localtime(e.at),
                    e.actor,
                    _("change") if e.kind == "change" else _("access"),
                    e.what,
                    e.record,
                    e.detail,
                ]
                for e in entries
            ],
            fmt=fmt,
            sheet=_("File log"),
        )
    change_page = Paginator(changes, selectors_logs.PAGE_SIZE).get_page(
        request.GET.get("changes_page")
    )
    access_page = Paginator(accesses, selectors_logs.PAGE_SIZE).get_page(
        request.GET.get("access_page")
    )
    ctx = {
        "participant": participant,
        "form": form,
        "changes": selectors_logs.change_entries(change_page.object_list),
        "change_page": change_page,
        "accesses": selectors_logs.access_entries(access_page.object_list),
        "access_page": access_page,
        "changes_query": _query_without(request, "changes_page", "format"),
        "access_query": _query_without(request, "access_page", "format"),
        "export_query": _query_without(request, "changes_page", "access_page", "format"),
    }
    return render(request, "privacy/participant_log.html", ctx)


# --- the privacy officer's pages ---------------------------------------------------------


@access(OFFICERS)
@require_GET
def privacy_home(request):
    organisations = list(selectors_logs.organisations_for_officer(request.user))
    return render(request, "privacy/home.html", {"organisations": organisations})


@access(OFFICERS)
@require_GET
def organisation_access_log(request, pk):
    organisation = _officer_organisation(request.user, pk)
    users = [(u.pk, str(u)) for u in selectors_logs.staff_of(organisation)]
    form = LogFilterForm(request.GET or None, users=users)
    # Without a start, the last 30 days: the count under the page stays bounded.
    log_filter = selectors_logs.default_period(form.log_filter())
    rows = selectors_logs.organisation_log(organisation=organisation, log_filter=log_filter)
    fmt = _format(request)
    if fmt is not None:
        exported = list(rows[:EXPORT_MAX_ROWS])
        reading_logs({a.participant_id for a in exported if a.participant_id is not None})
        entries = selectors_logs.access_entries(exported, with_names=True)
        return table_response(
            filename_stem=f"{_('access log')} {organisation.name} "
            f"{timezone.localdate().isoformat()}",
            headers=[_("when"), _("by"), _("what"), _("page"), _("participant"), _("answer")],
            rows=[
                [timezone.localtime(e.at), e.actor, e.what, e.record, e.participant, e.detail]
                for e in entries
            ],
            fmt=fmt,
            sheet=_("Access log"),
        )
    page = Paginator(rows, selectors_logs.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    reading_logs({a.participant_id for a in shown if a.participant_id is not None})
    ctx = {
        "organisation": organisation,
        "form": form,
        "entries": selectors_logs.access_entries(shown, with_names=True),
        "period": log_filter,
        "page": page,
        "query": _query_without(request, "page", "format"),
    }
    return render(request, "privacy/organisation_log.html", ctx)


@access(OFFICERS)
@require_GET
def organisation_access_summary(request, pk):
    organisation = _officer_organisation(request.user, pk)
    users = [(u.pk, str(u)) for u in selectors_logs.staff_of(organisation)]
    form = LogFilterForm(request.GET or None, users=users, with_action=False)
    log_filter = selectors_logs.default_period(form.log_filter())
    summaries = selectors_logs.user_summary(organisation=organisation, log_filter=log_filter)
    reading_logs()
    ctx = {
        "organisation": organisation,
        "form": form,
        "period": log_filter,
        "summaries": summaries,
        "alerts": selectors_logs.alerts(summaries),
        "rules": {
            "foreign": selectors_logs.ALERT_FOREIGN_FILES,
            "refused": selectors_logs.ALERT_REFUSED,
            "hours_from": selectors_logs.WORKING_HOURS[0],
            "hours_to": selectors_logs.WORKING_HOURS[1],
        },
    }
    return render(request, "privacy/organisation_summary.html", ctx)


@access(OFFICERS)
@require_GET
def privacy_register(request):
    if request.GET.get("format") == "xlsx":
        stem = f"{_('register of processing')} {timezone.localdate().isoformat()}"
        return workbook_response(filename_stem=stem, sheets=register_sheets())
    ctx = {"headers": register.headers(), "rows": register.table()}
    return render(request, "privacy/register.html", ctx)
