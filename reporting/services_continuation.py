"""Writes for the continuation plan of a group.

Optimistic locking: every save names the plan's `version` it started from (0 when there
was no plan yet). The group row is locked, the version compared and raised by one; a
stale version raises ConflictError and saves nothing. Ticking a step off also raises the
plan's version, so an edit form opened before the tick cannot silently undo it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group
from stetapp.services import UNSET, Unset, given, model_update

from .models import ContinuationPlan, ContinuationStep

if TYPE_CHECKING:
    from funding.models import FundingApplication
    from stetapp.models import User

# One field list for each form/service pair (forms_continuation.py takes them from here).
PLAN_FIELDS = ("route", "status", "summary", "room", "volunteers", "volunteer_leads")
STEP_FIELDS = ("description", "owner", "due_on", "done_on")


class ConflictError(Exception):
    """Someone else saved the plan after this edit started."""


@dataclass(frozen=True)
class StepEdit:
    """One row of the plan's step list as the editor left it: a new step (step=None), a
    changed one, or one to delete (delete=True; its other values are not used)."""

    step: ContinuationStep | None
    description: str = ""
    owner: str = ""
    due_on: dt.date | None = None
    done_on: dt.date | None = None
    delete: bool = False


@transaction.atomic
def continuation_plan_save(
    *,
    group: Group,
    version: int,
    by: User,
    applications: Iterable[FundingApplication],
    visible_applications: QuerySet[FundingApplication],
    route: str | Unset = UNSET,
    status: str | Unset = UNSET,
    summary: str | Unset = UNSET,
    room: str | Unset = UNSET,
    volunteers: str | Unset = UNSET,
    volunteer_leads: int | None | Unset = UNSET,
    steps: Iterable[StepEdit] = (),
) -> ContinuationPlan:
    """Create the group's plan or change it (PLAN_FIELDS, and its `steps`), if nobody
    else saved it since `version`.

    `applications` are the follow-up applications chosen, out of `visible_applications`
    (those the user may see); links to applications the user cannot see are kept. Raises
    ConflictError for a stale version, ValidationError for bad values or an application
    of another organisation.
    """
    # Lock the group: two first saves of a plan cannot both create one.
    Group.objects.select_for_update().filter(pk=group.pk).values_list("pk", flat=True).first()
    plan = ContinuationPlan.objects.select_for_update().filter(group=group).first()
    if (plan.version if plan else 0) != version:
        raise ConflictError
    applications = list(applications)
    if any(a.organisation_id != group.organisation_id for a in applications):
        raise ValidationError(
            {"follow_up_applications": _("Choose applications of the group's organisation.")}
        )
    data = given(
        route=route,
        status=status,
        summary=summary,
        room=room,
        volunteers=volunteers,
        volunteer_leads=volunteer_leads,
    )
    if plan is None:
        plan = ContinuationPlan(group=group, updated_by=by, **data)
        plan.full_clean()
        plan.save()
    else:
        data["updated_by"] = by
        model_update(instance=plan, fields=(*PLAN_FIELDS, "updated_by"), data=data)
        # Every save of the plan counts as an edit: the version always moves on.
        ContinuationPlan.objects.filter(pk=plan.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        plan.refresh_from_db()
    kept = plan.follow_up_applications.exclude(pk__in=visible_applications.values("pk"))
    plan.follow_up_applications.set([*applications, *kept])
    _steps_save(plan=plan, steps=steps)
    return plan


def _steps_save(*, plan: ContinuationPlan, steps: Iterable[StepEdit]) -> None:
    """Add, change and delete the plan's steps. Steps are changed as saved (read again
    here, not the instances a form may already have changed); a step of another plan is
    refused."""
    saved = {step.pk: step for step in plan.steps.select_for_update()}
    for edit in steps:
        step = None
        if edit.step is not None:
            step = saved.get(edit.step.pk)
            if step is None:
                raise ValidationError(_("This step belongs to another plan."))
        if edit.delete:
            if step is not None:
                step.delete()
            continue
        values = {name: getattr(edit, name) for name in STEP_FIELDS}
        if step is None:
            new = ContinuationStep(plan=plan, **values)
            new.full_clean()
            new.save()
        else:
            model_update(instance=step, fields=STEP_FIELDS, data=values)


@transaction.atomic
def continuation_step_toggle(*, step: ContinuationStep, by: User) -> ContinuationStep:
    """Mark an open step done today, or a done step open again."""
    step = ContinuationStep.objects.select_for_update().get(pk=step.pk)
    step.done_on = None if step.done_on else timezone.localdate()
    step.save(update_fields=["done_on"])
    ContinuationPlan.objects.filter(pk=step.plan_id).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    return step
