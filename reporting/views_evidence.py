"""Stories of change (Most Significant Change), selection rounds and the observation log.

These pages hold personal data (a story can reveal health or faith): they belong to the
group's facilitators and the project lead of its organisation. Volunteers, coordinators
and funders get a 403 from the access rule; a facilitator of another group gets a 404.
Every view: access rule → scoped fetch → form → service → redirect or render. Editing a
story is optimistic: a stale version saves nothing, keeps what the user typed and shows
the saved values that differ.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.access import Need, group_get_for_user, groups_worked_in, rule_for
from participants.models import Participant
from stetapp.access import access, get_visible_or_404
from stetapp.conflicts import saved_by
from stetapp.forms import apply_validation_error
from stetapp.submission import submission_once

from . import services_evidence as services
from .forms_evidence import ObservationForm, SelectionRoundForm, StoryEditForm, StoryForm
from .models import (
    Observation,
    ObservationKind,
    SelectionRound,
    Story,
    StoryDomain,
)

EVIDENCE = rule_for(Need.EDIT)


def _story_for(user, pk) -> Story:
    """A story of a group whose evidence the user keeps (404 otherwise), with its group,
    organisation, storyteller and collector. One query."""
    return get_visible_or_404(
        Story.objects.select_related(
            "group", "group__organisation", "storyteller", "collected_by"
        ).annotate(storyteller_visible=_storyteller_visible(user)),
        user=user,
        pk=pk,
    )


def _storyteller_visible(user):
    """True when the user may see the story's storyteller (a subquery, no extra query)."""
    return Exists(Participant.objects.visible_to(user).filter(pk=OuterRef("storyteller_id")))


def _selection_for(user, pk) -> SelectionRound:
    return get_visible_or_404(
        SelectionRound.objects.select_related("organisation", "group", "selected", "recorded_by"),
        user=user,
        pk=pk,
    )


# --- stories ----------------------------------------------------------------------------


@access(EVIDENCE)
@require_GET
def story_list(request, pk):
    """The group's stories, newest first, optionally of one domain, with the number of
    stories per domain. Three queries after the access rule: the group, the stories,
    the counts."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    domain = request.GET.get("domain", "")
    if domain not in StoryDomain.values:
        domain = ""
    stories = (
        Story.objects.filter(group=group)
        .select_related("storyteller", "collected_by")
        .annotate(storyteller_visible=_storyteller_visible(user))
    )
    if domain:
        stories = stories.filter(domain=domain)
    counts = dict(
        Story.objects.filter(group=group)
        .order_by()
        .values_list("domain")
        .annotate(n=Count("pk"))
        .values_list("domain", "n")
    )
    domains = [
        {"value": value, "label": label, "count": counts.get(value, 0), "active": value == domain}
        for value, label in StoryDomain.choices
    ]
    ctx = {
        "group": group,
        "stories": list(stories),
        "domains": domains,
        "domain": domain,
        "total": sum(counts.values()),
    }
    return render(request, "reporting/story_list.html", ctx)


@access(EVIDENCE)
@require_http_methods(["GET", "POST"])
@submission_once
def story_create(request, pk):
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    form = StoryForm(request.POST if request.method == "POST" else None, group=group, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_save(group=group, by=user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Story saved."))
            return redirect("story_detail", pk=story.pk)
    return render(request, "reporting/story_form.html", {"form": form, "group": group})


def _story_value(story: Story, name: str) -> str:
    """A saved field of the story as the page shows it."""
    value = getattr(story, name)
    if name == "storyteller":
        if story.storyteller is None:  # selected with the story: no query
            return _("anonymous")
        visible = story.storyteller_visible  # type: ignore[attr-defined]  # see _story_for
        return story.storyteller.full_name if visible else _("a participant")
    if name in ("domain", "language", "consent_scope"):
        return capfirst(getattr(story, f"get_{name}_display")())
    if name == "collected_on":
        return date_format(value)
    if name == "verified":
        return _("yes") if value else _("no")
    return value


def _story_differences(form: StoryEditForm, current: Story) -> list[tuple[str, str]]:
    """The fields where the saved story now differs from what the user typed, with the
    saved value as the page shows it."""
    typed = form.service_fields()
    rows = []
    for name in services.STORY_FIELDS:
        if name == "storyteller":
            same = current.storyteller_id == (typed[name].pk if typed[name] else None)
        else:
            same = getattr(current, name) == typed[name]
        if not same:
            rows.append((str(form.fields[name].label), _story_value(current, name) or "—"))
    return rows


@access(EVIDENCE)
@require_http_methods(["GET", "POST"])
def story_edit(request, pk):
    user = request.user
    story = _story_for(user, pk)
    group = story.group
    form = StoryEditForm(
        request.POST if request.method == "POST" else None, group=group, user=user, story=story
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.story_save(
                group=group,
                by=user,
                story=story,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except services.ConflictError:
            story = _story_for(user, pk)
            conflict = _story_differences(form, story)
            # Keep what the user typed; the next save starts from the saved version.
            data = request.POST.copy()
            data["version"] = str(story.version)
            form = StoryEditForm(data, group=group, user=user, story=story)
            form.is_valid()
            message = _(
                "Someone else saved this story while you were editing it. Your changes "
                "are not saved yet: they are still in the form below. Compare them with "
                "the saved values and press Save again."
            )
            # Who and when (docs/decisions.md 46); the values are in the form.
            who = saved_by(who=story.updated_by, at=story.updated_at)
            messages.error(request, f"{message} {who}")
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Story saved."))
            return redirect("story_detail", pk=saved.pk)
    ctx = {"form": form, "group": group, "story": story, "conflict": conflict}
    return render(request, "reporting/story_form.html", ctx)


@access(EVIDENCE)
@require_GET
def story_detail(request, pk):
    """The story, the selection rounds it took part in (linked when the user may open
    them) and whether it may appear in a report to a funder right now."""
    user = request.user
    story = _story_for(user, pk)
    rounds = list(
        SelectionRound.objects.filter(
            Q(
                pk__in=SelectionRound.candidates.through.objects.filter(story=story).values(
                    "selectionround_id"
                )
            )
            | Q(selected=story)
        )
        .select_related("organisation", "group")
        .annotate(
            can_open=Case(
                When(pk__in=SelectionRound.objects.visible_to(user).values("pk"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    ctx = {
        "story": story,
        "group": story.group,
        "rounds": rounds,
        "funder_status": services.story_shareable_with_funders(story),
    }
    return render(request, "reporting/story_detail.html", ctx)


# --- selection rounds -------------------------------------------------------------------


@access(EVIDENCE)
@require_GET
def selection_list(request):
    """Rounds the user may see, newest first. One query after the access rule."""
    rounds = list(
        SelectionRound.objects.visible_to(request.user)
        .select_related("organisation", "group", "selected")
        .annotate(candidate_count=Count("candidates"))
        .order_by("-held_on", "-pk")  # Meta.ordering does not apply to grouped queries
    )
    ctx = {
        "rounds": rounds,
        "feedback_to_give": sum(1 for r in rounds if r.feedback_given_on is None),
        "several_organisations": len({r.organisation_id for r in rounds}) > 1,
    }
    return render(request, "reporting/selection_list.html", ctx)


@access(EVIDENCE)
@require_http_methods(["GET", "POST"])
@submission_once
def selection_create(request):
    user = request.user
    initial = {}
    group_pk = request.GET.get("group", "")
    if request.method == "GET" and group_pk.isdigit():
        # Started from a group's stories: that group and its organisation preselected.
        group = groups_worked_in(user, need=Need.EDIT).filter(pk=group_pk).first()
        if group is not None:
            initial = {"group": group.pk, "organisation": group.organisation_id}
    form = SelectionRoundForm(
        request.POST if request.method == "POST" else None, user=user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            selection = services.selection_round_create(by=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Selection round saved."))
            return redirect("selection_detail", pk=selection.pk)
    return render(request, "reporting/selection_form.html", {"form": form})


@access(EVIDENCE)
@require_GET
def selection_detail(request, pk):
    user = request.user
    selection = _selection_for(user, pk)
    candidates = list(selection.candidates.select_related("group").order_by("-collected_on", "-pk"))
    visible = set(
        Story.objects.visible_to(user)
        .filter(pk__in=[s.pk for s in candidates] + [selection.selected_id])
        .values_list("pk", flat=True)
    )
    ctx = {
        "selection": selection,
        "candidates": candidates,
        "visible_stories": visible,
    }
    return render(request, "reporting/selection_detail.html", ctx)


@access(EVIDENCE)
@require_POST
def selection_feedback(request, pk):
    """Record that the storytellers and the group heard the outcome today."""
    selection = _selection_for(request.user, pk)
    if services.selection_feedback_give(selection=selection):
        messages.success(request, _("Feedback recorded as given today."))
    else:
        messages.info(request, _("Feedback was already recorded for this round."))
    return redirect("selection_detail", pk=selection.pk)


# --- observations -----------------------------------------------------------------------


@access(EVIDENCE)
@require_http_methods(["GET", "POST"])
def observation_list(request, pk):
    """The group's log of observations and informal conversations, newest first, with the
    counts by kind and a form to add one."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    form = ObservationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_record(group=group, by=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Added to the log."))
            return redirect("observation_list", pk=group.pk)
    observations = list(Observation.objects.filter(group=group).select_related("observed_by"))
    counts = dict.fromkeys(ObservationKind.values, 0)
    for observation in observations:
        counts[observation.kind] = counts.get(observation.kind, 0) + 1
    ctx = {
        "group": group,
        "form": form,
        "observations": observations,
        "kind_counts": [
            {"label": label, "count": counts[value]} for value, label in ObservationKind.choices
        ],
    }
    return render(request, "reporting/observation_list.html", ctx)
