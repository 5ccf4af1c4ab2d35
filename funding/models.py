"""Phase 1: readiness, facilitator profiles, funds, funding applications with their budget
and coverage plan, grants and payments, expenses with receipts, volunteers and their
allowances.

Money is Decimal everywhere (DecimalField, never float). Access:
- Applications, budgets and grants belong to an organisation: its project leads manage
  them; facilitators read the budgets of applications that cover their groups;
  coordinators see totals per organisation; funders see totals of their own fund's grants.
- Expenses: facilitators submit them for their groups, project leads approve. Receipts
  are stored outside the static/media web root and served only through the access check.
"""

import datetime as dt
import functools
import math
import operator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.access import group_ids_for, organisation_ids_led_by, scope_ids_held
from groups.models import (
    Group,
    Organisation,
    Programme,
    Role,
    funds_granting_to_staff_of,
    memberships_of,
    no_access,
)
from privacy.history import HistoryQuerySet
from stetapp.forms import MoneyField, money_widget
from stetapp.storage import private_storage  # noqa: F401 (migrations refer to it here)

ZERO = Decimal("0.00")


class MoneyModelField(models.DecimalField):
    """A column of euros. Its form field is stetapp.forms.MoneyField (thousands separators,
    local numbers in messages), with the column's minimum; migrations see a plain
    DecimalField."""

    def formfield(self, **kwargs):
        minima = [v.limit_value for v in self.validators if isinstance(v, MinValueValidator)]
        defaults = {"form_class": MoneyField, "localize": True, "widget": money_widget()}
        if minima:
            defaults["min_value"] = max(minima)
        return super().formfield(**{**defaults, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def money_field(label, **kwargs):
    return MoneyModelField(
        label, max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


# --- funds ----------------------------------------------------------------------------


class FundScope(models.TextChoices):
    NATIONAL = "national", _("national")
    REGIONAL = "regional", _("regional")
    LOCAL = "local", _("local only")


class FundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Funds are a shared catalogue: every signed-in user may read them."""
        if no_access(user):
            return self.none()
        return self.all()

    def represented_by(self, user: Any) -> "FundQuerySet":
        """Funds on whose behalf the user reads reports (the funder role)."""
        if no_access(user):
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.FUNDER)

    def readers_invitable_by(self, user: Any) -> "FundQuerySet":
        """Funds for which the user may invite a funder's reader: those that made a grant
        to an organisation the user leads or coordinates (decision 36); site
        administrators: all."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=funds_granting_to_staff_of(user))

    def editable_by(self, user: Any) -> "FundQuerySet":
        """Funds whose catalogue entry the user may change (docs/decisions.md, decision
        31): the project leads of the organisation that keeps it, the coordinators of the
        programme that keeps it, and site administrators. A fund kept by nobody (the
        shared catalogue as delivered) only site administrators change."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(kept_by_organisation__in=Organisation.objects.managed_by(user))
            | Q(kept_by_programme__in=Programme.objects.visible_to(user))
        )


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    focus = models.CharField(
        _("focus"),
        max_length=200,
        blank=True,
        help_text=_("What the fund supports, e.g. older people, loneliness, migrants."),
    )
    scope = models.CharField(
        _("where it funds"), max_length=10, choices=FundScope.choices, default=FundScope.NATIONAL
    )
    region = models.CharField(_("region or city"), max_length=100, blank=True)
    max_amount = money_field(_("maximum amount"), null=True, blank=True)
    needs_kvk_extract = models.BooleanField(_("Chamber of Commerce extract"), default=False)
    needs_statutes = models.BooleanField(_("statutes"), default=False)
    needs_annual_accounts = models.BooleanField(_("annual accounts"), default=False)
    has_quick_check = models.BooleanField(
        _("eligibility quick-check"),
        default=False,
        help_text=_("A short online check of closed questions before applying."),
    )
    deadlines = models.CharField(
        _("deadlines"),
        max_length=200,
        blank=True,
        help_text=_("For example: 1 March and 1 September."),
    )
    advance_percentage = models.PositiveSmallIntegerField(
        _("advance (percentage of the grant)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    pays_after_report = models.BooleanField(_("pays after the final report"), default=False)
    accountant_statement_above = money_field(
        _("accountant's statement needed above"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # Who keeps the entry up to date: the organisation or programme that added it; none
    # for the catalogue as delivered (docs/decisions.md, decision 31).
    kept_by_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by organisation"),
    )
    kept_by_programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept by programme"),
    )

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="fund_kept_by_one",
                condition=Q(kept_by_organisation__isnull=True) | Q(kept_by_programme__isnull=True),
            )
        ]

    def __str__(self):
        return self.name


# --- applications, budget and coverage ------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    GRANTED = "granted", _("granted")
    PARTLY_GRANTED = "partly_granted", _("partly granted")
    REJECTED = "rejected", _("rejected")
    REPORTED = "reported", _("reported")
    CLOSED = "closed", _("closed")


# Which status may follow which (funding.services.application_set_status enforces it).
STATUS_FLOW = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED},
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.GRANTED,
        ApplicationStatus.PARTLY_GRANTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.DRAFT,
    },
    ApplicationStatus.GRANTED: {ApplicationStatus.REPORTED},
    ApplicationStatus.PARTLY_GRANTED: {ApplicationStatus.REPORTED},
    ApplicationStatus.REJECTED: {ApplicationStatus.CLOSED},
    ApplicationStatus.REPORTED: {ApplicationStatus.CLOSED},
    ApplicationStatus.CLOSED: set(),
}
GRANTED_STATUSES = (
    ApplicationStatus.GRANTED,
    ApplicationStatus.PARTLY_GRANTED,
    ApplicationStatus.REPORTED,
    ApplicationStatus.CLOSED,
)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Project leads: their organisations' applications. Facilitators: applications
        covering one of their groups (read-only). Coordinators and funders read totals
        through their own pages, not applications."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        # Literal ids from the memberships the access rule loaded (docs/decisions.md 57).
        reached = []
        if led := organisation_ids_led_by(user):
            reached.append(Q(organisation_id__in=led))
        if facilitated := scope_ids_held(user, Role.FACILITATOR):
            reached.append(
                Q(
                    pk__in=FundingApplication.groups.through.objects.filter(
                        group_id__in=facilitated
                    ).values("fundingapplication_id")
                )
            )
        return _any_of(self, reached)

    def managed_by(self, user):
        """The applications of the organisations the user leads (site administrators:
        all), as literal organisation ids from the memberships the access rule loaded
        (docs/decisions.md 57)."""
        ids = managed_organisation_ids(user)
        return self.all() if ids is None else self.of_organisations(ids)

    def of_organisations(self, organisation_ids: list[int]):
        """The applications of these organisations (`managed_by`'s filter, for a query
        compiled once with the ids as its values: funding/sections.py)."""
        return self.filter(organisation_id__in=organisation_ids)


def managed_organisation_ids(user) -> list[int] | None:
    """The ids of the organisations whose applications the user manages
    (`ApplicationQuerySet.managed_by`): those they lead; None for every organisation (a
    site administrator); none without access."""
    if no_access(user):
        return []
    if user.is_superuser:
        return None
    return organisation_ids_led_by(user)


class FundingApplication(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("organisation"),
    )
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="applications", verbose_name=_("fund")
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="funding_applications", verbose_name=_("groups")
    )
    title = models.CharField(_("title"), max_length=200)
    amount_requested = money_field(_("amount requested"), default=ZERO)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decision on"), null=True, blank=True)
    # The proposal's sections
    introduction = models.TextField(_("introduction and problem"), blank=True)
    project_description = models.TextField(_("project description"), blank=True)
    risk_analysis = models.TextField(_("risk analysis"), blank=True)
    duration = models.TextField(_("duration and planning"), blank=True)
    team = models.TextField(_("project team"), blank=True)
    budget_notes = models.TextField(_("notes on the budget and coverage plan"), blank=True)
    monitoring = models.TextField(_("monitoring, evaluation and continuation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({self.fund})"


class BudgetCategory(models.TextChoices):
    ROOM = "room", _("room rent")
    ACTIVITIES = "activities", _("activities and materials")
    CATERING = "catering", _("catering")
    OUTINGS = "outings", _("outings and transport")
    INTERPRETERS = "interpreters", _("interpreters")
    VOLUNTEERS = "volunteers", _("volunteer allowances")
    STAFF = "staff", _("staff")
    SPEAKERS = "speakers", _("guest speakers")
    RECRUITMENT = "recruitment", _("recruitment and printing")
    CONTINGENCY = "contingency", _("contingency")
    OTHER = "other", _("other")


class BudgetLine(models.Model):
    application = models.ForeignKey(
        FundingApplication,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("application"),
    )
    category = models.CharField(_("category"), max_length=14, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    unit = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_("For example: meeting, hour, person.")
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(ZERO)],
    )
    unit_cost = money_field(_("cost per unit"))
    vat_included = models.BooleanField(_("VAT included"), default=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["category", "pk"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description}"

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))


class CoverageKind(models.TextChoices):
    OWN_CASH = "own_cash", _("own contribution (money)")
    OWN_IN_KIND = "own_in_kind", _("own contribution (in kind)")
    FUND = "fund", _("fund")
    MUNICIPALITY = "municipality", _("municipality")
    OTHER = "other", _("other")


class CoverageStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    GRANTED = "granted", _("granted")
    RECEIVED = "received", _("received")


class CoverageLine(models.Model):
    application = models.ForeignKey(
        FundingApplication,
        on_delete=models.CASCADE,
        related_name="coverage_lines",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("source"), max_length=14, choices=CoverageKind.choices)
    source_name = models.CharField(_("name of the source"), max_length=200, blank=True)
    fund = models.ForeignKey(
        Fund,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fund"),
    )
    amount = money_field(_("amount"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CoverageStatus.choices,
        default=CoverageStatus.REQUESTED,
    )

    class Meta:
        verbose_name = _("coverage line")
        verbose_name_plural = _("coverage plan")
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount}"


# --- grants ---------------------------------------------------------------------------


class GrantQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "GrantQuerySet":
        """Project leads: their organisations' grants; facilitators: grants covering
        their groups (read-only); funders: their own fund's grants (totals only, the
        pages decide what they show); coordinators: grants of their programmes'
        organisations (totals only)."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        # Literal ids from the memberships the access rule loaded (docs/decisions.md 57);
        # only the parts for roles the user holds (the applications' part is empty, and
        # dropped from the OR, for someone who neither leads nor facilitates).
        reached = [Q(application__in=FundingApplication.objects.visible_to(user))]
        if funds := scope_ids_held(user, Role.FUNDER):
            reached.append(Q(application__fund_id__in=funds))
        if programmes := scope_ids_held(user, Role.PROGRAMME_COORDINATOR):
            reached.append(
                Q(
                    application__organisation_id__in=Programme.organisations.through.objects.filter(
                        programme_id__in=programmes
                    ).values("organisation_id")
                )
            )
        return _any_of(self, reached)


def _any_of(queryset: models.QuerySet, parts: list[Q]) -> Any:
    """`queryset` filtered by any of `parts` (the reaches of a user's roles); none at
    all when the user holds no role that reaches anything."""
    return queryset.filter(functools.reduce(operator.or_, parts)) if parts else queryset.none()


def leap_days(start: dt.date, end: dt.date) -> int:
    """How many 29 Februaries fall in [start, end]."""
    count = 0
    for year in range(start.year, end.year + 1):
        try:
            day = dt.date(year, 2, 29)
        except ValueError:
            continue
        if start <= day <= end:
            count += 1
    return count


def required_meetings(per_year: int | None, start: dt.date, end: dt.date) -> int | None:
    """A yearly minimum of meetings scaled to [start, end] (both days included), rounded
    up: per_year × days / 365, where 29 February does not count (so a whole leap year asks
    for the yearly minimum, not one more). None when there is no minimum. The one rule for
    the budget page, the funder's grants and the fund report (Grant.required_meetings)."""
    if not per_year:
        return None
    days = (end - start).days + 1 - leap_days(start, end)
    return math.ceil(Decimal(per_year) * days / 365)


class Grant(models.Model):
    application = models.OneToOneField(
        FundingApplication,
        on_delete=models.CASCADE,
        related_name="grant",
        verbose_name=_("application"),
    )
    amount = money_field(_("amount granted"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    conditions = models.TextField(_("conditions"), blank=True)
    min_meetings = models.PositiveSmallIntegerField(
        _("minimum number of meetings"),
        null=True,
        blank=True,
        help_text=_("For example 10, when the fund asks for at least ten meetings a year."),
    )
    report_due = models.DateField(_("report due"), null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="grant_period_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.application.fund}: {self.amount}"

    def required_meetings(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> int | None:
        """The meetings per group the grant asks for over [start, end], by default its
        whole period: `min_meetings` is per year, so a two-year grant of 10 asks for 20
        and a six-month one for 5 (funding.models.required_meetings)."""
        return required_meetings(
            self.min_meetings, start or self.period_start, end or self.period_end
        )


class GrantPayment(models.Model):
    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="payments", verbose_name=_("grant")
    )
    received_on = models.DateField(_("received on"))
    amount = money_field(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        ordering = ["received_on"]

    def __str__(self):
        return f"{self.received_on}: {self.amount}"


# --- expenses -------------------------------------------------------------------------


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ExpenseQuerySet(HistoryQuerySet):
    def visible_to(self, user: Any) -> "ExpenseQuerySet":
        """Project leads: their organisations' expenses; facilitators: expenses of their
        groups."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(
                group__organisation_id__in=memberships_of(user, Role.PROJECT_LEAD).values(
                    "organisation_id"
                )
            )
            | Q(group_id__in=memberships_of(user, Role.FACILITATOR).values("group_id"))
        )

    def visible_in_scope(self, user: Any) -> "ExpenseQuerySet":
        """The rule of `visible_to` (the groups of the organisations the user leads, the
        groups they facilitate), from the user's group ids resolved once per request
        (groups.access.group_ids_for): a literal `group_id IN (…)` for the lists
        (docs/decisions.md, decision 57)."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            group_id__in=group_ids_for(user, roles={Role.PROJECT_LEAD, Role.FACILITATOR})
        )

    def approvable_by(self, user: Any) -> "ExpenseQuerySet":
        """Expenses the user may approve or reject: those of the groups of the
        organisations they lead (site administrators: all). From the user's group ids
        (groups.access.group_ids_for, resolved once per request): a literal
        `group_id IN (…)`, no join, no subquery (docs/decisions.md, decision 57)."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(group_id__in=group_ids_for(user, roles={Role.PROJECT_LEAD}))


def receipt_path(instance, filename):
    # A random name: the original file name can contain personal data.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:5]
    return f"receipts/{instance.group.organisation_id}/{uuid.uuid4().hex}{suffix}"


class Expense(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("group")
    )
    grant = models.ForeignKey(
        Grant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("grant"),
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("budget line"),
    )
    category = models.CharField(_("category"), max_length=14, choices=BudgetCategory.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    spent_on = models.DateField(_("date"))
    amount = money_field(_("amount"))
    description = models.CharField(_("description"), max_length=200)
    receipt = models.FileField(
        _("receipt"), upload_to=receipt_path, blank=True, storage=private_storage
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExpenseStatus.choices,
        default=ExpenseStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-spent_on", "-pk"]
        # The expense list of a group's keepers, in its order (decision 57).
        indexes = [models.Index(fields=["group", "-spent_on"], name="expense_group_spent")]

    def __str__(self):
        return f"{self.spent_on} · {self.description}: {self.amount}"

    def clean(self):
        if (
            self.budget_line_id
            and self.grant_id
            and (self.budget_line.application_id != self.grant.application_id)
        ):
            raise ValidationError({"budget_line": _("Choose a line of the grant's budget.")})


# --- readiness and facilitator profiles -----------------------------------------------


class NeedSignal(models.Model):
    """What was seen in the neighbourhood before a group is started."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="need_signals", verbose_name=_("group")
    )
    community = models.CharField(_("community"), max_length=100)
    signs = models.TextField(_("signs of loneliness"))
    key_figures = models.TextField(_("key figures involved"), blank=True)
    signalled_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("signalled need")
        verbose_name_plural = _("signalled needs")
        ordering = ["-signalled_on"]

    def __str__(self):
        return f"{self.group} · {self.signalled_on}"


class ReadinessKey(models.TextChoices):
    # Answered from the data (funding.selectors.group_readiness)
    FUNDING = "funding", _("funding secured")
    ROOM = "room", _("a suitable closed room")
    FACILITATORS = "facilitators", _("competent facilitators")
    # Ticked by the project lead
    TARGET_GROUP = "target_group", _("a clear target group")
    COMPOSITION = "composition", _("attention to the group's composition")
    FIRST_MEETINGS = "first_meetings", _("a plan for the first meetings")


MANUAL_READINESS = (
    ReadinessKey.TARGET_GROUP,
    ReadinessKey.COMPOSITION,
    ReadinessKey.FIRST_MEETINGS,
)


class ReadinessCheck(models.Model):
    """A readiness item the project lead ticked."""

    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="readiness_checks",
        verbose_name=_("group"),
    )
    key = models.CharField(_("item"), max_length=16, choices=ReadinessKey.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")
        constraints = [
            models.UniqueConstraint(fields=["group", "key"], name="readiness_one_per_item")
        ]

    def __str__(self):
        return f"{self.group} · {self.get_key_display()}"


class FacilitatorProfile(models.Model):
    """What makes someone a good facilitator for a group, used by the readiness check."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitator_profile"
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    hours_per_week = models.DecimalField(
        _("time available (hours a week)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cultural_knowledge = models.TextField(_("cultural knowledge"), blank=True)
    local_network = models.TextField(_("local network"), blank=True)

    class Meta:
        verbose_name = _("facilitator profile")
        verbose_name_plural = _("facilitator profiles")

    def __str__(self):
        return str(self.user)


# --- volunteers -----------------------------------------------------------------------


class VolunteerQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        # Literal ids: a page's cost follows the lead's organisations (docs/decisions.md 57).
        return self.filter(organisation_id__in=organisation_ids_led_by(user))


class Volunteer(models.Model):
    """Someone who helps, with or without an account. Allowances are tax-free up to the
    yearly limits in AllowanceLimit."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="volunteers",
        verbose_name=_("organisation"),
    )
    full_name = models.CharField(_("name"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    under_21 = models.BooleanField(
        _("younger than 21"), default=False, help_text=_("A lower hourly maximum applies.")
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="registered_volunteers", verbose_name=_("groups")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "full_name"], name="volunteer_unique_name"
            )
        ]

    def __str__(self):
        return self.full_name


class VolunteerHours(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="hours", verbose_name=_("volunteer")
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")
        ordering = ["-worked_on"]

    def __str__(self):
        return f"{self.volunteer} · {self.worked_on}: {self.hours}"


class AllowancePayment(models.Model):
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="allowances",
        verbose_name=_("volunteer"),
    )
    paid_on = models.DateField(_("paid on"))
    amount = money_field(_("amount"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("allowance paid")
        verbose_name_plural = _("allowances paid")
        ordering = ["-paid_on"]

    def __str__(self):
        return f"{self.volunteer} · {self.paid_on}: {self.amount}"


class AllowanceLimit(models.Model):
    """The tax-free maxima for volunteer allowances in one year (Belastingdienst). Data,
    not code: a site administrator adds each new year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    per_hour = money_field(_("per hour (21 and older)"))
    per_hour_under_21 = money_field(_("per hour (under 21)"))
    per_month = money_field(_("per month"))
    per_year = money_field(_("per year"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("allowance limit")
        verbose_name_plural = _("allowance limits")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)
