"""The four-eyes erasure workflow (issue 11, item 5; docs/privacy.md, "Erasure"): a
project lead records a request from the participant's page; another person who may
approve (privacy.erasure.may_approve) approves or rejects it; approving carries the
erasure out. Every view: access rule → scoped fetch → form → service → redirect."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from groups.access import Need, rule_for
from participants import selectors as participant_selectors
from stetapp.access import access, require, roles
from stetapp.submission import submission_once

from . import erasure
from .forms_erasure import DecisionForm, ErasureRequestForm
from .models_erasure import ErasureRequest

# Project leads (the managers of groups.access) record requests; whoever holds a role of
# erasure.APPROVER_ROLES decides them. may_request and may_approve decide per participant
# and request.
LEADS = rule_for(Need.MANAGE)
APPROVERS = roles(*sorted(erasure.APPROVER_ROLES))


@access(LEADS)
@require_http_methods(["GET", "POST"])
@submission_once
def erasure_request_create(request, pk):
    user = request.user
    participant = participant_selectors.participant_get_for_user(user=user, pk=pk, write=True)
    require(erasure.may_request(user, participant))
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erasure.request_record(participant=participant, requested_by=user, **form.cleaned_data)
        messages.success(
            request,
            _("The erasure request is recorded. Another project lead must approve it."),
        )
        return redirect("erasure_request_list")
    ctx = {
        "form": form,
        "participant": participant,
        "still_member_of": erasure.groups_still_member_of(participant),
    }
    return render(request, "privacy/erasure_request_form.html", ctx)


def _pending_for(user):
    return (
        ErasureRequest.objects.pending()
        .filter(participant__group__organisation_id__in=erasure.approver_organisations(user))
        .select_related("participant__group", "requested_by")
        .order_by("received_on", "pk")
    )


@access(APPROVERS)
@require_GET
def erasure_request_list(request):
    user = request.user
    pending = list(_pending_for(user))
    for row in pending:
        row.approvable = erasure.may_approve(user, row)
    return render(request, "privacy/erasure_request_list.html", {"pending": pending})


@access(APPROVERS)
@require_http_methods(["GET", "POST"])
def erasure_request_decide(request, pk):
    user = request.user
    found = _pending_for(user).filter(pk=pk).first()
    if found is None:
        if ErasureRequest.objects.filter(
            pk=pk,
            participant__group__organisation_id__in=erasure.approver_organisations(user),
        ).exists():
            messages.info(request, _("This request was already decided."))
            return redirect("erasure_request_list")
        raise Http404
    require(erasure.may_approve(user, found))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                erasure.request_approve(request=found, approved_by=user)
                messages.success(request, _("Approved: the person's data is erased."))
            else:
                erasure.request_reject(request=found, rejected_by=user)
                messages.success(request, _("The request is rejected; nothing was erased."))
        except erasure.AlreadyDecided:
            messages.info(request, _("This request was already decided."))
        return redirect("erasure_request_list")
    ctx = {
        "erasure_request": found,
        "form": form,
        "still_member_of": erasure.groups_still_member_of(found.participant),
    }
    return render(request, "privacy/erasure_request_decide.html", ctx)
