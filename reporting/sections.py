"""The reporting sections of pages composed in `pages/` (the group page): read-only
context, never a write."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from groups.access import GROUP_KEEPERS
from groups.models import Group
from stetapp.compiled import CompiledQuery

from .models import ContinuationPlan


def _plan_query(*, group_id: int) -> QuerySet:
    """The plan (one per group) joined to its open steps, the earliest due first: the
    first row carries the next step, or none when every step is done. One plain join,
    cheaper to build than a subquery per column of the step."""
    return (
        ContinuationPlan.objects.filter(group_id=group_id)
        .annotate(
            open_step=FilteredRelation("steps", condition=Q(steps__done_on__isnull=True)),
            next_step=F("open_step__description"),
            next_step_due=F("open_step__due_on"),
            next_step_owner=F("open_step__owner"),
        )
        .only("pk", "group_id", "route", "status")
        .order_by("open_step__due_on", "open_step__pk")[:1]
    )


# Compiled once per process (stetapp/compiled.py; docs/decisions.md, decision 70).
_PLAN = CompiledQuery(_plan_query)


def continuation_section(*, group: Group, standing: frozenset[str]) -> dict[str, Any]:
    """Impact and continuation: the continuation plan's route, status and next open step
    (group-level, so everyone who sees the group sees it; the step's owner only for the
    group's facilitators and project lead), and for them the links to the stories,
    observations, measurement and plan. One query."""
    found = _PLAN.objects(group_id=group.pk)
    plan: Any = found[0] if found else None
    return {
        "continuation": plan,
        "continuation_overdue": bool(
            plan and plan.next_step_due and plan.next_step_due < timezone.localdate()
        ),
        "impact_links": bool(standing & GROUP_KEEPERS),
    }
