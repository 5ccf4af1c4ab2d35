"""Read queries and the money rules for funding (tested in tests/funding/test_rules.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, DecimalField, Exists, F, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from groups.models import Group, GroupStatus, Membership, Programme, Role
from stetapp.charts import PairedBarChart, paired_bar_chart
from stetapp.money import CENT, euros

from .models import (
    AllowanceLimit,
    AllowancePayment,
    ApplicationStatus,
    BudgetCategory,
    BudgetLine,
    CoverageLine,
    Expense,
    ExpenseStatus,
    Fund,
    FundingApplication,
    Grant,
    GrantPayment,
    ReadinessCheck,
    ReadinessKey,
    Volunteer,
    VolunteerHours,
)

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
# Warn when a category has spent more than its budget; explain above this variance.
OVERSPEND_EXPLAIN_PERCENT = Decimal("10")


@dataclass
class Balance:
    costs: Decimal
    coverage: Decimal

    @property
    def difference(self) -> Decimal:
        """Coverage minus costs: 0 when the plan balances, negative when money is short."""
        return self.coverage - self.costs

    @property
    def balanced(self) -> bool:
        return self.difference == 0


def application_balance(*, application: FundingApplication) -> Balance:
    """Total costs (budget lines) against total coverage (coverage lines). Two queries."""
    costs = BudgetLine.objects.filter(application=application).aggregate(
        total=Coalesce(Sum(F("quantity") * F("unit_cost"), output_field=MONEY), Value(ZERO))
    )["total"]
    coverage = CoverageLine.objects.filter(application=application).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY)
    )["total"]
    return Balance(costs=Decimal(costs).quantize(Decimal("0.01")), coverage=Decimal(coverage))


@dataclass
class CategoryRow:
    category: str
    label: str
    budgeted: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budgeted - self.actual

    @property
    def variance_percent(self) -> Decimal | None:
        if not self.budgeted:
            return None
        return ((self.actual - self.budgeted) / self.budgeted * 100).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def overspent(self) -> bool:
        return self.actual > self.budgeted


@dataclass
class BudgetAgainstActual:
    """Budget against actual of one application: a row per category with a budget or
    spending (in the order of BudgetCategory), their total and the paired-bar chart."""

    rows: list[CategoryRow]

    @property
    def total(self) -> CategoryRow:
        return CategoryRow(
            "",
            _("Total"),
            sum((r.budgeted for r in self.rows), ZERO),
            sum((r.actual for r in self.rows), ZERO),
        )

    @property
    def total_budgeted(self) -> Decimal:
        return self.total.budgeted

    @property
    def total_actual(self) -> Decimal:
        return self.total.actual

    @property
    def total_remaining(self) -> Decimal:
        return self.total.remaining

    @property
    def total_variance_percent(self) -> Decimal | None:
        return self.total.variance_percent

    @property
    def chart(self) -> PairedBarChart | None:
        """Budgeted (upper bar) against spent (lower bar, flagged when over budget);
        None without rows. No query."""
        if not self.rows:
            return None
        return paired_bar_chart(
            items=[(r.label, r.budgeted, r.actual, r.overspent) for r in self.rows]
        )


def budgets_against_actual(
    *,
    application_ids: Iterable[int],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[int, BudgetAgainstActual]:
    """Budget against actual for each of `application_ids`, by application pk. Spent
    counts the approved expenses of the application's grant, or (without a grant)
    booked on one of its budget lines; with `start` and/or `end`, only expenses spent on a
    day in [start, end] (the budget is the whole budget, whatever the period). Two
    aggregate queries whatever the number of applications."""
    ids = list(application_ids)
    budgeted: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    for row in (
        BudgetLine.objects.filter(application_id__in=ids)
        .values("application_id", "category")
        .annotate(amount=Sum(F("quantity") * F("unit_cost"), output_field=MONEY))
        .order_by()
    ):
        budgeted[row["application_id"]][row["category"]] = row["amount"]
    spent = Expense.objects.filter(status=ExpenseStatus.APPROVED).annotate(
        app=Coalesce("grant__application_id", "budget_line__application_id")
    )
    if start is not None:
        spent = spent.filter(spent_on__gte=start)
    if end is not None:
        spent = spent.filter(spent_on__lte=end)
    actual: dict[int, dict[str, Decimal]] = {pk: {} for pk in ids}
    for spent_row in (
        spent.filter(app__in=ids).values("app", "category").annotate(total=Sum("amount")).order_by()
    ):
        actual[spent_row["app"]][spent_row["category"]] = spent_row["total"]
    result: dict[int, BudgetAgainstActual] = {}
    for pk in ids:
        rows = []
        for category in BudgetCategory:
            b = Decimal(budgeted[pk].get(category.value) or ZERO).quantize(CENT)
            # SQLite sums decimals as floats ("230.100000000000"): back to cents.
            a = Decimal(actual[pk].get(category.value) or ZERO).quantize(CENT)
            if b or a:
                rows.append(CategoryRow(category.value, str(category.label), b, a))
        result[pk] = BudgetAgainstActual(rows=rows)
    return result


def budget_against_actual(
    *, application: FundingApplication, start: dt.date | None = None, end: dt.date | None = None
) -> BudgetAgainstActual:
    """Budget against actual of one application (budgets_against_actual): the one
    computation behind the budget page, the funder's grants and the fund report. Two
    aggregate queries."""
    return budgets_against_actual(application_ids=[application.pk], start=start, end=end)[
        application.pk
    ]


def _hours_shown(hours: Decimal) -> Decimal:
    """Hours without trailing zeros, however the database returns the sum: 7.50 from
    PostgreSQL and 7.5 from SQLite are both shown as 7.5 (7,5 in Dutch); 10.00 as 10."""
    whole = hours.to_integral_value()
    return whole if hours == whole else hours.normalize()


def allowance_warnings(*, volunteer: Volunteer, on: dt.date, extra: Decimal = ZERO) -> list[str]:
    """Warnings when the volunteer's allowances (plus `extra`) would pass the tax-free
    maximum for the month or the year of `on`, or the hourly maximum given the hours
    recorded that year. No limits known for the year: one warning saying so."""
    limit = AllowanceLimit.objects.filter(year=on.year).first()
    if limit is None:
        return [
            _("No tax-free maximum is known for %(year)d yet; a site administrator can add it.")
            % {"year": on.year}
        ]
    year_paid = AllowancePayment.objects.filter(volunteer=volunteer, paid_on__year=on.year)
    totals = year_paid.aggregate(
        year=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
    )
    month_total = year_paid.filter(paid_on__month=on.month).aggregate(
        month=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY)
    )["month"]
    hours = VolunteerHours.objects.filter(volunteer=volunteer, worked_on__year=on.year).aggregate(
        hours=Coalesce(Sum("hours"), Value(ZERO), output_field=MONEY)
    )["hours"]
    year_total = totals["year"] + extra
    month_total = month_total + extra
    warnings = []
    if year_total > limit.per_year:
        warnings.append(
            _(
                "This takes the allowances for %(year)d to %(total)s, above the "
                "tax-free maximum of %(max)s a year."
            )
            % {"year": on.year, "total": euros(year_total), "max": euros(limit.per_year)}
        )
    if month_total > limit.per_month:
        warnings.append(
            _(
                "This takes the allowances for this month to %(total)s, above the "
                "tax-free maximum of %(max)s a month."
            )
            % {"total": euros(month_total), "max": euros(limit.per_month)}
        )
    per_hour = limit.per_hour_under_21 if volunteer.under_21 else limit.per_hour
    if hours and year_total / hours > per_hour:
        warnings.append(
            _(
                "With %(hours)s hours recorded this year this is %(rate)s an hour, "
                "above the tax-free maximum of %(max)s an hour."
            )
            % {
                "hours": number_format(_hours_shown(hours), use_l10n=True, force_grouping=True),
                "rate": euros(year_total / hours),
                "max": euros(per_hour),
            }
        )
    return warnings


@dataclass
class ReadinessItem:
    key: str
    label: str
    done: bool
    computed: bool
    note: str = ""


def group_readiness(*, group: Group, today: dt.date | None = None) -> list[ReadinessItem]:
    """The preconditions and active elements for starting a group. Funding, room and
    facilitators are answered from the data; the rest are ticked by the project lead.
    Three queries (readiness_for_groups for one group)."""
    return readiness_for_groups(groups=[group])[group.pk]


# While a group is in these statuses its readiness to start is counted (the group page's
# "N of 6 ready", the lead's home page); once it runs the readiness page stays as a record.
READINESS_STATUSES = (GroupStatus.PREPARING, GroupStatus.RECRUITING)

# Applications in these statuses secure the funding of the groups they cover.
FUNDED_STATUSES = (
    ApplicationStatus.GRANTED,
    ApplicationStatus.PARTLY_GRANTED,
    ApplicationStatus.REPORTED,
)


def readiness_for_groups(*, groups: Iterable[Group]) -> dict[int, list[ReadinessItem]]:
    """The six readiness items for each of `groups` (Group objects), by group pk.

    Three queries whatever the number of groups (none for an empty list):
    1. per group, whether its venue is a closed room and a grant on a granted
       application covers it
    2. the facilitators' profile languages per group
    3. the items the project lead ticked
    """
    ids = [g.pk for g in groups]
    if not ids:
        return {}
    listed = readiness_of(groups=Group.objects.filter(pk__in=ids).order_by())
    return {group.pk: items for group, items in listed}


def readiness_of(*, groups: QuerySet[Group]) -> list[tuple[Group, list[ReadinessItem]]]:
    """The groups of a queryset, in its order, each with its six readiness items. Three
    queries whatever the number of groups, like `readiness_for_groups`: the first reads
    the groups themselves with their venue's closed-room flag and whether they are funded."""
    listed: list[Group] = list(
        groups.annotate(closed_room=F("venue__closed_room"), funded=_funded())
    )
    rooms = {g.pk for g in listed if getattr(g, "closed_room", False)}
    funded = {g.pk for g in listed if getattr(g, "funded", False)}
    readiness = _readiness(listed, rooms=rooms, funded=funded)
    return [(g, readiness[g.pk]) for g in listed]


def _funded() -> Exists:
    """Whether a grant on an application in FUNDED_STATUSES covers the group (the outer
    query's row)."""
    return Exists(
        FundingApplication.groups.through.objects.filter(
            group_id=OuterRef("pk"),
            fundingapplication__status__in=FUNDED_STATUSES,
            fundingapplication__grant__isnull=False,
        )
    )


def _readiness(
    groups: list[Group], *, rooms: set[int], funded: set[int]
) -> dict[int, list[ReadinessItem]]:
    """The items of `groups`, given which have a closed room and which are funded: two
    queries (facilitators' languages, ticked items)."""
    ids = [g.pk for g in groups]
    if not ids:
        return {}
    spoken: dict[int, set[str]] = {}
    for group_id, languages in Membership.objects.filter(
        group_id__in=ids, role=Role.FACILITATOR, user__facilitator_profile__isnull=False
    ).values_list("group_id", "user__facilitator_profile__languages"):
        spoken.setdefault(group_id, set()).update(languages or [])
    ticked: dict[int, dict[str, str]] = {}
    for group_id, key, note in ReadinessCheck.objects.filter(group_id__in=ids).values_list(
        "group_id", "key", "note"
    ):
        ticked.setdefault(group_id, {})[key] = note
    result = {}
    for group in groups:
        is_funded = group.pk in funded
        room = group.pk in rooms
        speaks = bool(set(group.languages or []) & spoken.get(group.pk, set()))
        checks = ticked.get(group.pk, {})
        items = [
            ReadinessItem(
                ReadinessKey.FUNDING.value,
                str(ReadinessKey.FUNDING.label),
                is_funded,
                True,
                _("A granted application covers this group.")
                if is_funded
                else _("No granted application covers this group yet."),
            ),
            ReadinessItem(
                ReadinessKey.ROOM.value,
                str(ReadinessKey.ROOM.label),
                room,
                True,
                _("The group's venue is a closed room.")
                if room
                else _("Choose a venue with a closed room."),
            ),
            ReadinessItem(
                ReadinessKey.FACILITATORS.value,
                str(ReadinessKey.FACILITATORS.label),
                speaks,
                True,
                _("A facilitator speaks one of the group's languages.")
                if speaks
                else _("No facilitator with a profile speaking the group's language yet."),
            ),
        ]
        for key in (
            ReadinessKey.TARGET_GROUP,
            ReadinessKey.COMPOSITION,
            ReadinessKey.FIRST_MEETINGS,
        ):
            items.append(
                ReadinessItem(
                    key.value, str(key.label), key.value in checks, False, checks.get(key.value, "")
                )
            )
        result[group.pk] = items
    return result


def readiness_progress(items: list[ReadinessItem]) -> tuple[int, int]:
    return sum(1 for i in items if i.done), len(items)


# --- totals for the budget page, coordinators and funders (views_money.py) -------------


def meetings_held_per_grant(*, grant_ids: Iterable[int]) -> dict[int, int]:
    """Per grant: the held meetings (Meeting.objects.held) of the groups its application
    covers, starting on a day of the grant's period. One query whatever the number of
    grants; grants without a held meeting are left out."""
    from meetings.models import Meeting

    return dict(
        Meeting.objects.held()
        .filter(
            group__funding_applications__grant__in=list(grant_ids),
            starts_at__date__gte=F("group__funding_applications__grant__period_start"),
            starts_at__date__lte=F("group__funding_applications__grant__period_end"),
        )
        .values(grant=F("group__funding_applications__grant"))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("grant", "n")
    )


def received_per_grant(*, grant_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per grant: the sum of the payments received. One query."""
    return dict(
        GrantPayment.objects.filter(grant_id__in=list(grant_ids))
        .values("grant_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("grant_id", "total")
    )


def funder_grants_for(*, user: Any) -> QuerySet[Grant]:
    """The grants of the funds the user represents, with organisation and fund, by fund
    name and newest period first."""
    funds: QuerySet[Fund] = Fund.objects.represented_by(user)
    return (
        Grant.objects.filter(application__fund__in=funds)
        .select_related("application__organisation", "application__fund")
        .order_by("application__fund__name", "-period_start", "pk")
    )


def programme_grants_for(*, user: Any) -> list[tuple[Programme, list[Grant]]]:
    """Per programme the user coordinates (by name), the grants of its organisations, by
    organisation, then newest period first. 1 + one query per programme."""
    return [
        (
            programme,
            list(
                Grant.objects.visible_to(user)
                .filter(application__organisation__programmes=programme)
                .select_related("application__organisation", "application__fund")
                .order_by("application__organisation__name", "-period_start", "pk")
            ),
        )
        for programme in Programme.objects.visible_to(user).order_by("name")
    ]


# How many organisations a page of a programme's funding shows (a national programme
# has a thousand).
FUNDING_ROWS_PER_PAGE = 50


def programme_funding_page(
    *, programme: Programme, number: Any
) -> tuple[Page[Any], list[dict[str, Any]], dict[str, Any]]:
    """A page of the programme's organisations (by name), a row per organisation with its
    number of grants, granted, received and approved spending, and those figures
    totalled over the whole programme. Five queries: how many organisations, the page,
    and one aggregate per figure over the programme's organisations, a row per
    organisation at most (the totals are their sums). The rows are made for the page
    only: a page's cost is bounded by what it shows (docs/decisions.md, decision 83).
    Totals only."""
    from groups.models import Organisation

    organisations = Organisation.objects.filter(programmes=programme)
    ids = organisations.values("pk")
    granted: dict[int, tuple[int, Any]] = {
        org: (n, total)
        for org, n, total in Grant.objects.filter(application__organisation_id__in=ids)
        .values(org=F("application__organisation_id"))
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by()
        .values_list("org", "n", "total")
    }
    received = dict(
        GrantPayment.objects.filter(grant__application__organisation_id__in=ids)
        .values(org=F("grant__application__organisation_id"))
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("org", "total")
    )
    spent = dict(
        Expense.objects.filter(status=ExpenseStatus.APPROVED, group__organisation_id__in=ids)
        .values(org=F("group__organisation_id"))
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("org", "total")
    )
    page = Paginator(organisations.only("name").order_by("name"), FUNDING_ROWS_PER_PAGE).get_page(
        number
    )
    rows = [
        {
            "organisation": o,
            "grants": granted.get(o.pk, (0, None))[0],
            "granted": granted.get(o.pk, (0, None))[1] or ZERO,
            "received": received.get(o.pk) or ZERO,
            "spent": spent.get(o.pk) or ZERO,
        }
        for o in page
    ]
    total = {
        "grants": sum(n for n, _total in granted.values()),
        "granted": sum((t or ZERO for _n, t in granted.values()), ZERO),
        "received": sum((t or ZERO for t in received.values()), ZERO),
        "spent": sum((t or ZERO for t in spent.values()), ZERO),
    }
    return page, rows, total


# --- expenses (views_money.py) ----------------------------------------------------------


def expenses_for_list(
    *, user: Any, group_id: int | None = None, status: str = ""
) -> QuerySet[Expense]:
    """The expenses the user may see, of one group and/or in one status when given,
    filtered by the user's group ids first (docs/decisions.md, decision 57: a page's
    cost is bounded by what it shows)."""
    expenses: QuerySet[Expense] = Expense.objects.visible_in_scope(user)
    if group_id is not None:
        expenses = expenses.filter(group_id=group_id)
    if status:
        expenses = expenses.filter(status=status)
    return expenses


def expense_totals_by_status(*, expenses: QuerySet[Expense]) -> list[dict[str, Any]]:
    """Per status (in the order of ExpenseStatus): how many expenses and their sum. One
    aggregate query."""
    by_status: dict[str, Any] = {
        row["status"]: row
        for row in expenses.order_by().values("status").annotate(n=Count("pk"), total=Sum("amount"))
    }
    return [
        {
            "status": status,
            "label": label,
            "count": by_status.get(status, {}).get("n", 0),
            "total": by_status.get(status, {}).get("total") or ZERO,
        }
        for status, label in ExpenseStatus.choices
    ]


def expenses_to_decide(*, user: Any, expenses: Iterable[Expense]) -> set[int]:
    """Of `expenses`, the pks of those still submitted that the user may approve or
    reject (Expense.objects.approvable_by). One query."""
    submitted = [e.pk for e in expenses if e.status == ExpenseStatus.SUBMITTED]
    if not submitted:
        return set()
    return set(
        Expense.objects.approvable_by(user).filter(pk__in=submitted).values_list("pk", flat=True)
    )


def grant_of(*, application: FundingApplication) -> Grant | None:
    """The application's grant, if it was granted. One query."""
    return Grant.objects.filter(application=application).first()
