"""The reporting sections of pages composed in `pages/` (the group page): read-only
context, never a write."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from groups.access import GROUP_KEEPERS
from groups.models import Group

from .models import ContinuationPlan, ContinuationStep


def continuation_section(*, group: Group, standing: frozenset[str]) -> dict[str, Any]:
    """Impact and continuation: the continuation plan's route, status and next open step
    (group-level, so everyone who sees the group sees it; the step's owner only for the
    group's facilitators and project lead), and for them the links to the stories,
    observations, measurement and plan. One query."""
    open_steps = ContinuationStep.objects.filter(
        plan=OuterRef("pk"), done_on__isnull=True
    ).order_by("due_on", "pk")
    plan = (
        ContinuationPlan.objects.filter(group=group)
        .annotate(
            next_step=Subquery(open_steps.values("description")[:1]),
            next_step_due=Subquery(open_steps.values("due_on")[:1]),
            next_step_owner=Subquery(open_steps.values("owner")[:1]),
        )
        .only("pk", "group_id", "route", "status")
        .first()
    )
    return {
        "continuation": plan,
        "continuation_overdue": bool(
            plan and plan.next_step_due and plan.next_step_due < timezone.localdate()
        ),
        "impact_links": bool(standing & GROUP_KEEPERS),
    }
