"""The funding sections of pages composed in `pages/` (the group page, the home page):
read-only context, never a write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from groups.access import GROUP_KEEPERS, GROUP_MANAGERS
from groups.models import Group, GroupStatus
from stetapp.compiled import CompiledQuery

from .models import ApplicationStatus, FundingApplication, Grant, managed_organisation_ids
from .selectors import READINESS_STATUSES, readiness_for_groups, readiness_of, readiness_progress

# How far ahead the lead's home page looks for deadlines and reports due.
DEADLINE_DAYS = 60


def readiness_section(*, group: Group, standing: frozenset[str]) -> dict[str, Any]:
    """For the project lead and the facilitators: "N of 6 ready" while the group is
    getting ready to start (READINESS_STATUSES; three queries,
    funding.selectors.readiness_for_groups), afterwards only the way to the readiness
    page (no query); nothing for anyone else."""
    if not standing & GROUP_KEEPERS:
        return {"readiness": None}
    if group.status not in READINESS_STATUSES:
        return {"readiness": {"counted": False}}
    done, total = readiness_progress(readiness_for_groups(groups=[group])[group.pk])
    return {"readiness": {"counted": True, "done": done, "total": total}}


def lead_home_section(
    *,
    user: Any,
    roles: frozenset[str],
    lead_groups: QuerySet[Group],
    by_status: tuple[list[GroupStatus], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The project lead's deadlines (two queries: draft applications with a deadline soon,
    grants with a report due soon) and the readiness of the groups not yet running (three
    queries whatever the number of groups: the first reads those groups themselves, not
    every group the lead has, which the home page shows a page at a time). `by_status`:
    the cross table of `lead_groups` the page already counted
    (groups.selectors.status_counts_by); when it has none getting ready, no query for
    readiness."""
    if not roles & GROUP_MANAGERS:
        return {}
    today = timezone.localdate()
    until = today + dt.timedelta(days=DEADLINE_DAYS)
    organisation_ids = managed_organisation_ids(user)
    deadlines: list[Any] = []
    reports_due: list[Any] = []
    if organisation_ids is None:  # a site administrator: built by the ORM from the rule
        managed = FundingApplication.objects.managed_by(user)
        deadlines = list(_deadlines(managed, today=today, until=until))
        reports_due = list(_reports_due(managed, today=today, until=until))
    elif organisation_ids:
        deadlines = _DEADLINES.objects(organisation_ids=organisation_ids, today=today, until=until)
        reports_due = _REPORTS_DUE.objects(
            organisation_ids=organisation_ids, today=today, until=until
        )
    rows = []
    if by_status is None or _any_getting_ready(*by_status):
        starting = lead_groups.filter(status__in=READINESS_STATUSES)
        for group, items in readiness_of(groups=starting):
            done, total = readiness_progress(items)
            rows.append({"group": group, "done": done, "total": total})
    return {
        "lead_deadlines": deadlines,
        "lead_reports_due": reports_due,
        "lead_readiness": rows,
        "deadline_days": DEADLINE_DAYS,
    }


def _deadlines(applications: QuerySet, *, today: dt.date, until: dt.date) -> QuerySet:
    """Draft applications with a deadline from `today` to `until`, with what the home
    page shows of them."""
    return (
        applications.filter(
            status=ApplicationStatus.DRAFT, deadline__gte=today, deadline__lte=until
        )
        .select_related("fund")
        .only("title", "deadline", "fund__name")
        .order_by("deadline", "pk")
    )


def _reports_due(applications: QuerySet, *, today: dt.date, until: dt.date) -> QuerySet:
    """Grants of `applications` with a report due from `today` to `until`, with what the
    home page shows of them."""
    return (
        Grant.objects.filter(
            application__in=applications, report_due__gte=today, report_due__lte=until
        )
        .select_related("application", "application__fund")
        .only("report_due", "application__title", "application__fund__name")
        .order_by("report_due", "pk")
    )


def _deadlines_of(*, organisation_ids: list[int], today: dt.date, until: dt.date) -> QuerySet:
    return _deadlines(
        FundingApplication.objects.of_organisations(organisation_ids), today=today, until=until
    )


def _reports_due_of(*, organisation_ids: list[int], today: dt.date, until: dt.date) -> QuerySet:
    return _reports_due(
        FundingApplication.objects.of_organisations(organisation_ids), today=today, until=until
    )


# Compiled once per process and number of organisations (stetapp/compiled.py,
# docs/decisions.md 70): building these two took 0.7 and 0.9 ms of the lead's home page,
# running them 0.1 ms each.
_DEADLINES = CompiledQuery(_deadlines_of)
_REPORTS_DUE = CompiledQuery(_reports_due_of)


def _any_getting_ready(statuses: list[GroupStatus], rows: list[dict[str, Any]]) -> bool:
    """Whether a status cross table (groups.selectors.status_counts_by) counts a group in
    READINESS_STATUSES."""
    columns = [statuses.index(status) for status in READINESS_STATUSES]
    return any(row["counts"][i] for row in rows for i in columns)
