"""The continuation plan of a group: the route after the funded period, the steps with
their owner and due date, follow-up funding, room and volunteers.

Access: the group's facilitators and the project lead of its organisation edit the plan
(`ContinuationPlan.objects.editable_by`); everyone who sees the group reads its route,
status and next step on the group page. Each view: rule → scoped fetch → form → service
→ redirect or render. Saving is optimistic: a stale version shows the saved values next
to what the user typed and saves nothing.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from funding.models import FundingApplication
from groups.access import Need, group_get_for_user, rule_for
from groups.models import Group
from stetapp.access import access
from stetapp.conflicts import saved_by
from stetapp.forms import apply_validation_error

from . import services_continuation as services
from .forms_continuation import ContinuationPlanForm, ContinuationStepFormSet
from .models import ContinuationPlan, ContinuationStep

EDITORS = rule_for(Need.EDIT)
STEPS_PREFIX = "steps"


def _applications_for(user, group: Group):
    """Follow-up funding the user may link: the organisation's applications they see."""
    return (
        FundingApplication.objects.visible_to(user)
        .filter(organisation_id=group.organisation_id)
        .select_related("fund")
        .order_by("-pk")
    )


def _plan_of(group: Group) -> ContinuationPlan | None:
    return (
        ContinuationPlan.objects.filter(group=group)
        .select_related("updated_by")
        .prefetch_related("follow_up_applications__fund", "steps")
        .first()
    )


def _differences(form: ContinuationPlanForm, current: ContinuationPlan) -> list[tuple[str, str]]:
    """The plan fields where the saved plan now differs from what the user typed."""
    rows = []
    for name in services.PLAN_FIELDS:
        if name not in form.cleaned_data or getattr(current, name) == form.cleaned_data[name]:
            continue
        display = getattr(current, f"get_{name}_display", None)
        shown = display() if display else str(getattr(current, name))
        rows.append((str(form.fields[name].label), shown or "—"))
    saved = {a.pk for a in current.follow_up_applications.all()}
    chosen = {a.pk for a in form.cleaned_data.get("follow_up_applications", [])}
    if saved != chosen:
        titles = ", ".join(str(a) for a in current.follow_up_applications.all())
        rows.append((str(form.fields["follow_up_applications"].label), titles or "—"))
    return rows


def _step_edits(steps: BaseInlineFormSet) -> list[services.StepEdit]:
    """The step rows the editor added, changed or marked for deletion."""
    edits = []
    for form in steps.forms:
        saved = form.instance if form.instance.pk else None
        if form in steps.deleted_forms:
            if saved is not None:
                edits.append(services.StepEdit(step=saved, delete=True))
        elif form.has_changed():
            values = {name: form.cleaned_data[name] for name in services.STEP_FIELDS}
            edits.append(services.StepEdit(step=saved, **values))
    return edits


@access(EDITORS)
@require_http_methods(["GET", "POST"])
def continuation_plan(request, pk):
    """View and edit the plan (created on the first save) with its steps."""
    user = request.user
    group = group_get_for_user(user=user, pk=pk, need=Need.EDIT)
    plan = _plan_of(group)
    applications = _applications_for(user, group)
    instance = plan or ContinuationPlan(group=group)
    conflict = None
    if request.method == "POST":
        form = ContinuationPlanForm(
            request.POST, instance=copy.copy(instance), applications=applications
        )
        steps = ContinuationStepFormSet(request.POST, instance=instance, prefix=STEPS_PREFIX)
        plan_valid = form.is_valid()
        steps_valid = steps.is_valid()
        if plan_valid and steps_valid:
            data = form.cleaned_data
            try:
                services.continuation_plan_save(
                    group=group,
                    version=data["version"],
                    by=user,
                    applications=data["follow_up_applications"],
                    visible_applications=applications,
                    route=data["route"],
                    status=data["status"],
                    summary=data["summary"],
                    room=data["room"],
                    volunteers=data["volunteers"],
                    volunteer_leads=data["volunteer_leads"],
                    steps=_step_edits(steps),
                )
            except services.ConflictError:
                plan = _plan_of(group)
                conflict = _differences(form, plan) if plan else []
                # Keep what the user typed; the next save starts from the saved version.
                data = request.POST.copy()
                data["version"] = str(plan.version if plan else 0)
                form = ContinuationPlanForm(
                    data, instance=copy.copy(plan), applications=applications
                )
                form.is_valid()
                steps = ContinuationStepFormSet(data, instance=plan, prefix=STEPS_PREFIX)
                steps.is_valid()
                message = _(
                    "Someone else saved this plan while you were editing it. Your "
                    "changes are not saved yet: they are still in the form below. "
                    "Compare them with the saved plan and press Save again."
                )
                if plan:
                    # Who and when (docs/decisions.md 46); the values are in the form.
                    message = f"{message} {saved_by(who=plan.updated_by, at=plan.updated_at)}"
                messages.error(request, message)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The continuation plan is saved."))
                return redirect("continuation_plan", pk=group.pk)
    else:
        form = ContinuationPlanForm(
            instance=instance,
            initial={"version": plan.version if plan else 0},
            applications=applications,
        )
        steps = ContinuationStepFormSet(instance=instance, prefix=STEPS_PREFIX)
    ctx = {
        "group": group,
        "plan": plan,
        "saved_steps": list(plan.steps.all()) if plan else [],
        "form": form,
        "steps": steps,
        "conflict": conflict,
        "today": timezone.localdate(),
    }
    return render(request, "reporting/continuation_plan.html", ctx)


@access(EDITORS)
@require_POST
def continuation_step_toggle(request, pk):
    """Mark a step done today, or open again; back to the plan."""
    user = request.user
    try:
        step = (
            ContinuationStep.objects.select_related("plan")
            .filter(plan__in=ContinuationPlan.objects.editable_by(user))
            .get(pk=pk)
        )
    except ContinuationStep.DoesNotExist:
        raise Http404 from None
    group_id = step.plan.group_id
    step = services.continuation_step_toggle(step=step, by=user)
    if step.done_on:
        messages.success(request, _("Step marked as done."))
    else:
        messages.success(request, _("Step marked as open again."))
    return redirect("continuation_plan", pk=group_id)
