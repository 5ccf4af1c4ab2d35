"""Writes for the continuation plan of a group.

Optimistic locking: every save names the plan's `version` it started from (0 when there
was no plan yet). The group row is locked, the version compared and raised by one; a
stale version raises ConflictError and saves nothing. Ticking a step off also raises the
plan's version, so an edit form opened before the tick cannot silently undo it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group

from .models import ContinuationPlan, ContinuationStep

if TYPE_CHECKING:
    from funding.models import FundingApplication
    from stetapp.models import User

PLAN_FIELDS = ("route", "status", "summary", "room", "volunteers", "volunteer_leads")


class ConflictError(Exception):
    """Someone else saved the plan after this edit started."""


@transaction.atomic
def continuation_plan_save(
    *,
    group: Group,
    version: int,
    by: User,
    applications: Iterable[FundingApplication],
    visible_applications: QuerySet[FundingApplication],
    **fields: Any,
) -> ContinuationPlan:
    """Create the group's plan or change it, if nobody else saved it since `version`.

    `applications` are the follow-up applications chosen, out of `visible_applications`
    (those the user may see); links to applications the user cannot see are kept. Raises
    ConflictError for a stale version, ValidationError for bad values or an application
    of another organisation.
    """
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"continuation_plan_save cannot set {sorted(unknown)}")
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
    if plan is None:
        plan = ContinuationPlan(group=group, updated_by=by, **fields)
        plan.full_clean()
        plan.save()
    else:
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.updated_by = by
        plan.full_clean(exclude=["group"])
        plan.version = F("version") + 1
        plan.save(update_fields=[*fields, "updated_by", "updated_at", "version"])
        plan.refresh_from_db()
    kept = plan.follow_up_applications.exclude(pk__in=visible_applications.values("pk"))
    plan.follow_up_applications.set([*applications, *kept])
    return plan


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
