"""Co-creation board, group agreements (with their PDF) and walking buddies.

These pages belong to the people who run the group: its facilitators and volunteers and
the project lead of its organisation. Coordinators see the group, but not these pages:
the board and the buddies name participants. Every view: access rule → scoped fetch →
form → service → redirect or render.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import (
    Need,
    can,
    group_get_for_user,
    rule_for,
)
from stetapp.access import access
from stetapp.exports import safe_filename
from stetapp.forms import apply_validation_error
from stetapp.limits import download_limit
from stetapp.pdf import render_pdf
from stetapp.submission import submission_once

from . import selectors_cocreation, services_cocreation
from .forms_cocreation import AgreementForm, IdeaForm
from .models import Idea, IdeaStatus

READERS = rule_for(Need.WORK)
EDITORS = rule_for(Need.EDIT)


# --- the co-creation board --------------------------------------------------------------


def _board_url(idea: Idea) -> str:
    return f"{reverse('idea_board', args=[idea.group_id])}#idea-{idea.pk}"


@access(READERS)
@require_GET
def idea_board(request, pk):
    group = group_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    ideas = list(selectors_cocreation.ideas_for_board(group=group))
    columns = [
        {
            "status": status,
            "label": label,
            "ideas": [idea for idea in ideas if idea.status == status],
        }
        for status, label in IdeaStatus.choices
    ]
    ctx = {
        "group": group,
        "columns": columns,
        "idea_count": len(ideas),
        "can_edit": can(request.user, group, Need.EDIT),
    }
    return render(request, "meetings/idea_board.html", ctx)


@access(EDITORS)
@require_http_methods(["GET", "POST"])
@submission_once
def idea_create(request, pk):
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    form = IdeaForm(
        request.POST if request.method == "POST" else None,
        group=group,
        user=user,
        meeting_pk=request.GET.get("meeting"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            idea = services_cocreation.idea_save(group=group, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Idea added to the board."))
            return redirect(_board_url(idea))
    return render(request, "meetings/idea_form.html", {"form": form, "group": group, "idea": None})


@access(EDITORS)
@require_http_methods(["GET", "POST"])
def idea_edit(request, pk):
    user = request.user
    idea = selectors_cocreation.idea_get_for_user(user=user, pk=pk, need=Need.EDIT)
    group = idea.group
    form = IdeaForm(
        request.POST if request.method == "POST" else None, group=group, user=user, idea=idea
    )
    if request.method == "POST" and form.is_valid():
        try:
            idea = services_cocreation.idea_save(group=group, idea=idea, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_board_url(idea))
    return render(request, "meetings/idea_form.html", {"form": form, "group": group, "idea": idea})


VOTE_DELTAS = {"": 1, "1": 1, "+1": 1, "-1": -1}


@access(READERS)
@require_POST
def idea_vote(request, pk):
    """One hand more (delta=+1, the default) or one fewer (delta=-1). With htmx the
    updated card comes back; without JavaScript, back to the board."""
    user = request.user
    idea = selectors_cocreation.idea_get_for_user(user=user, pk=pk)
    delta = VOTE_DELTAS.get(request.POST.get("delta", "").strip())
    if delta is None:
        return HttpResponseBadRequest(_("Raise or lower the count by one."))
    services_cocreation.idea_vote(idea=idea, delta=delta)
    if request.htmx:
        card = selectors_cocreation.ideas_for_board(group=idea.group).get(pk=idea.pk)
        ctx = {"idea": card, "group": idea.group, "can_edit": can(user, idea.group, Need.EDIT)}
        return render(request, "meetings/_idea_card.html", ctx)
    return redirect(_board_url(idea))


# --- group agreements -------------------------------------------------------------------


@access(READERS)
@require_GET
def agreement_list(request, pk):
    group = group_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    ctx = {
        "group": group,
        "entries": selectors_cocreation.agreements_for_group(group=group),
        "can_edit": can(request.user, group, Need.EDIT),
    }
    return render(request, "meetings/agreement_list.html", ctx)


@access(EDITORS)
@require_http_methods(["GET", "POST"])
@submission_once
def agreement_create(request, pk):
    """A new agreement; or, from the empty list's button (basics=1), the three basics."""
    group = group_get_for_user(user=request.user, pk=pk, need=Need.EDIT)
    if request.method == "POST" and request.POST.get("basics"):
        if services_cocreation.agreements_start_with_basics(group=group):
            messages.success(
                request, _("Three basic agreements added. Change them into the group's words.")
            )
        else:
            messages.info(request, _("The group already has agreements."))
        return redirect("agreement_list", pk=group.pk)
    form = AgreementForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services_cocreation.agreement_save(
                group=group,
                texts=form.texts(),
                agreed_on=form.cleaned_data["agreed_on"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Agreement added."))
            return redirect("agreement_list", pk=group.pk)
    ctx = {"form": form, "group": group, "agreement": None}
    return render(request, "meetings/agreement_form.html", ctx)


@access(EDITORS)
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = selectors_cocreation.agreement_get_for_user(user=request.user, pk=pk)
    group = agreement.group
    form = AgreementForm(
        request.POST if request.method == "POST" else None, group=group, agreement=agreement
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_cocreation.agreement_save(
                group=group,
                agreement=agreement,
                texts=form.texts(),
                agreed_on=form.cleaned_data["agreed_on"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("agreement_list", pk=group.pk)
    ctx = {"form": form, "group": group, "agreement": agreement}
    return render(request, "meetings/agreement_form.html", ctx)


@access(READERS)
@require_GET
@download_limit()
def agreement_pdf(request, pk):
    """The agreements as an A4 PDF to print and hang up, in every language they are
    written in (right-to-left scripts included)."""
    group = group_get_for_user(user=request.user, pk=pk, need=Need.WORK)
    ctx = {
        "group": group,
        "entries": selectors_cocreation.agreements_for_group(group=group),
        "printed_on": timezone.localdate(),
    }
    # Kept by its content for an hour: several people print the same agreements, which
    # hold no personal data (stetapp/pdf.py, docs/decisions.md 72).
    pdf = render_pdf("meetings/pdf/agreements.html", ctx, request=request, keep=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = safe_filename(f"{_('agreements')} {group.name}", "pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- walking buddies ------------------------------------------------------------------


@access(EDITORS)
@require_GET
def walking_buddies(request, pk):
    """Who could walk home together or call each other: pairs who live close by or share
    an interest or a language. Only 4-digit postcode areas are shown, never addresses."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    ctx = {"group": group, "buddies": selectors_cocreation.walking_buddies(group=group)}
    return render(request, "meetings/walking_buddies.html", ctx)
