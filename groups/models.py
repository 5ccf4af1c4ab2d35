"""Programmes, organisations, cities, groups, venues and memberships (roles).

Access control lives here as queryset methods: every model with group data has
`objects.visible_to(user)`, and views load objects only through it (see stetapp/access.py).
"""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.history import HistoryQuerySet
from stetapp.storage import private_storage

from .languages import LANGUAGE_CODES, language_label
from .roles import GROUP_READERS, GROUP_STAFF, Role


def memberships_of(user, *roles):
    """The user's memberships in the given roles (a queryset to filter scopes with)."""
    return Membership.objects.filter(user=user, role__in=roles)


def no_access(user) -> bool:
    """True for anonymous and deactivated users: they see nothing anywhere."""
    return not (user and user.is_authenticated and user.is_active)


class City(models.Model):
    """A Dutch municipality, identified by its CBS code (GM0363 for Amsterdam)."""

    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("Use the form GM0123."))],
    )
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "ProgrammeQuerySet":
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            pk__in=memberships_of(user, Role.PROGRAMME_COORDINATOR).values("programme_id")
        )


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    organisations: "models.ManyToManyField[Organisation, Any]" = models.ManyToManyField(
        "Organisation", related_name="programmes", blank=True, verbose_name=_("organisations")
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolRegion(models.TextChoices):
    NORTH = "Noord", _("north")
    MIDDLE = "Midden", _("middle")
    SOUTH = "Zuid", _("south")


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "OrganisationQuerySet":
        """Organisations the user works for or coordinates.

        Project leads see their own organisations, coordinators the organisations of their
        programmes, facilitators and volunteers the organisations of their groups.
        """
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        # From the memberships the access rule loaded (free in a request), as one IN over
        # a UNION of ids: an OR of three subqueries made PostgreSQL test every
        # organisation and then read every row joined to them (a national social map's
        # 4,000 entries for a facilitator of one group: docs/decisions.md, decision 86).
        from .access import _memberships, _reach_of

        staff, led, programmes = _reach_of(_memberships(user))
        sources: list[models.QuerySet] = []
        if led:
            sources.append(Organisation.objects.filter(pk__in=sorted(led)).values("pk"))
        if programmes:
            sources.append(
                Programme.organisations.through.objects.filter(
                    programme_id__in=sorted(programmes)
                ).values("organisation_id")
            )
        if staff:
            sources.append(Group.objects.filter(pk__in=sorted(staff)).values("organisation_id"))
        if not sources:
            return self.none()
        first, *rest = (source.order_by() for source in sources)
        return self.filter(pk__in=first.union(*rest) if rest else first)

    def managed_by(self, user: Any) -> "OrganisationQuerySet":
        """Organisations whose groups, venues and people the user may change."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=memberships_of(user, Role.PROJECT_LEAD).values("organisation_id"))


def logo_path(instance, filename):
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:5]
    return f"logos/{uuid.uuid4().hex}{suffix}"


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("city")
    )
    kvk_number = models.CharField(
        _("Chamber of Commerce number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("A KvK number has 8 digits."))],
    )

    school_region = models.CharField(
        _("school holiday region"),
        max_length=6,
        choices=SchoolRegion.choices,
        default=SchoolRegion.MIDDLE,
        help_text=_("Which region's school holidays to plan around."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_path,
        storage=private_storage,
        blank=True,
        help_text=_("A PNG or JPEG of at most 1 MB; it appears on fund reports."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationCommunity(models.Model):
    """One category of an organisation's list of communities (groups/communities.py,
    docs/decisions.md 47 and the decision after it).

    No rows means the shared default list. A row whose code is a default code changes
    that default for this organisation (its labels, hidden or not); any other code is
    the organisation's own category. A row is never deleted and its code never changes:
    reports map typed text to codes when they are built. `aliases` keeps the labels a
    category had before a rename, so text typed under an old label keeps its code.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="community_categories",
        verbose_name=_("organisation"),
    )
    code = models.SlugField(_("code"), max_length=40)
    label_nl = models.CharField(_("Dutch label"), max_length=100, blank=True)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    active = models.BooleanField(_("offered as a choice"), default=True)
    aliases = models.JSONField(default=list, blank=True)
    # Optimistic concurrency: an update names the version it started from.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community category")
        verbose_name_plural = _("community categories")
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="community_unique_code_per_organisation"
            ),
            models.CheckConstraint(
                condition=~Q(label_nl="") | ~Q(label_en=""),
                name="community_has_a_label",
            ),
        ]

    def __str__(self):
        return self.code


class VenueQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(organisation__in=Organisation.objects.visible_to(user))


class Venue(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="venues",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(
        _("postcode"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{4} ?[A-Za-z]{2}$", _("Use a Dutch postcode: 1234 AB."))],
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="venues", verbose_name=_("city")
    )
    closed_room = models.BooleanField(
        _("closed room"),
        default=False,
        help_text=_("A room the group has to itself, where outsiders cannot walk in or listen."),
    )
    separate_rooms = models.BooleanField(_("separate rooms for men and women"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many people fit in the room."),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="venue_unique_name_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.name}, {self.city}"


class Composition(models.TextChoices):
    WOMEN = "women", _("women")
    MEN = "men", _("men")
    MIXED = "mixed", _("mixed")


class GroupStatus(models.TextChoices):
    PREPARING = "preparing", _("preparing")
    RECRUITING = "recruiting", _("recruiting")
    RUNNING = "running", _("running")
    CONTINUING = "continuing", _("continuing")
    ENDED = "ended", _("ended")


class GroupQuerySet(models.QuerySet):
    def reached_by(self, user: Any, roles: Iterable[str]) -> "GroupQuerySet":
        """Groups the user reaches through one of `roles` (see groups/roles.py): as
        facilitator or volunteer of the group itself, as project lead of its organisation,
        as programme coordinator of a programme its organisation takes part in.

        The one place where a role becomes a set of groups; `visible_to` and
        `groups.access` build on it. Subqueries only: no duplicate rows, no DISTINCT.
        """
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        reach = Q(pk__in=[])
        staff_roles = sorted(set(roles) & GROUP_STAFF)
        if staff_roles:
            reach |= Q(pk__in=memberships_of(user, *staff_roles).values("group_id"))
        if Role.PROJECT_LEAD in roles:
            reach |= Q(
                organisation_id__in=memberships_of(user, Role.PROJECT_LEAD).values(
                    "organisation_id"
                )
            )
        if Role.PROGRAMME_COORDINATOR in roles:
            reach |= Q(
                organisation_id__in=Programme.organisations.through.objects.filter(
                    programme_id__in=memberships_of(user, Role.PROGRAMME_COORDINATOR).values(
                        "programme_id"
                    )
                ).values("organisation_id")
            )
        return self.filter(reach)

    def visible_to(self, user: Any) -> "GroupQuerySet":
        """Groups the user may see: facilitators and volunteers their own groups, project
        leads every group of their organisations, programme coordinators every group of
        their programmes' organisations (group-level data only; personal data is filtered
        by its own models)."""
        return self.reached_by(user, GROUP_READERS)

    def with_related(self) -> "GroupQuerySet":
        return self.select_related("organisation", "city", "venue")


class Group(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="stet_groups",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="stet_groups", verbose_name=_("city")
    )
    community = models.CharField(
        _("community or background"),
        max_length=100,
        help_text=_("What the group shares: a language, a country of origin, a faith."),
    )
    composition = models.CharField(
        _("composition"), max_length=10, choices=Composition.choices, default=Composition.MIXED
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    is_diverse = models.BooleanField(
        _("meant to be diverse"),
        default=False,
        help_text=_(
            "People of different backgrounds on purpose; the group page warns when one "
            "background or language becomes a majority."
        ),
    )
    target_size = models.PositiveSmallIntegerField(
        _("target size"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_("Groups of 12 to 15 people work best."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=GroupStatus.choices, default=GroupStatus.PREPARING
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    venue = models.ForeignKey(
        Venue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stet_groups",
        verbose_name=_("usual venue"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="group_unique_name_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="group_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        unknown = [code for code in self.languages or [] if code not in LANGUAGE_CODES]
        if unknown:
            errors["languages"] = _("Unknown language: %(codes)s") % {"codes": ", ".join(unknown)}
        if (
            self.venue_id
            and self.organisation_id
            and self.venue.organisation_id != self.organisation_id
        ):
            errors["venue"] = _("Choose a venue of the group's own organisation.")
        if errors:
            raise ValidationError(errors)

    @property
    def language_labels(self) -> list[str]:
        return [language_label(code) for code in self.languages or []]


def funds_granting_to_staff_of(user: Any) -> models.QuerySet:
    """The ids of the funds that made a grant to an organisation the user leads or that
    takes part in a programme they coordinate: the funds for which the user may invite
    and remove a funder's reader (docs/decisions.md, decision 36). The grant is read by
    the app label, as `Membership.fund` is: this foundation app imports no phase."""
    organisations = memberships_of(user, Role.PROJECT_LEAD).values("organisation_id")
    programme_organisations = Programme.organisations.through.objects.filter(
        programme_id__in=memberships_of(user, Role.PROGRAMME_COORDINATOR).values("programme_id")
    ).values("organisation_id")
    grant = apps.get_model("funding", "Grant")
    return (
        grant.objects.filter(
            Q(application__organisation_id__in=organisations)
            | Q(application__organisation_id__in=programme_organisations)
        )
        .order_by()
        .values("application__fund_id")
    )


# The roles held in an organisation itself; its project lead grants and revokes them.
ORGANISATION_ROLES = (Role.PROJECT_LEAD, Role.PRIVACY_OFFICER)


class MembershipQuerySet(HistoryQuerySet):
    def manageable_by(self, user):
        """Memberships the user may grant or revoke.

        Project leads: the project leads and privacy officers of their organisations and
        the facilitators and volunteers of its groups. Coordinators: the coordinators of
        their programmes and the project leads of the programmes' organisations. Both: the
        funder's readers of the funds that made a grant to those organisations
        (funds_granting_to_staff_of).
        """
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        led = memberships_of(user, Role.PROJECT_LEAD).values("organisation_id")
        coordinated = memberships_of(user, Role.PROGRAMME_COORDINATOR).values("programme_id")
        programme_orgs = Programme.organisations.through.objects.filter(
            programme_id__in=coordinated
        ).values("organisation_id")
        return self.filter(
            Q(role__in=ORGANISATION_ROLES, organisation_id__in=led)
            | Q(role__in=GROUP_STAFF, group__organisation_id__in=led)
            | Q(role=Role.PROGRAMME_COORDINATOR, programme_id__in=coordinated)
            | Q(role=Role.PROJECT_LEAD, organisation_id__in=programme_orgs)
            | Q(role=Role.FUNDER, fund_id__in=funds_granting_to_staff_of(user))
        )

    def second_factor_resettable_by(self, user):
        """Memberships whose holder's second factor the user may reset (issue 15, item 5).

        Project leads: the facilitators and volunteers of the groups of their
        organisations — never themselves, a site administrator, or someone who also holds
        a project lead's or coordinator's role anywhere (a reset would reach further than
        the lead's own organisation; the site administrator does those).
        """
        if no_access(user):
            return self.none()
        led = memberships_of(user, Role.PROJECT_LEAD).values("organisation_id")
        # Per holder, by the index on the user (NOT EXISTS): `user_id NOT IN (every lead
        # and coordinator)` read every membership of a national programme.
        wider = Membership.objects.filter(
            user_id=models.OuterRef("user_id"),
            role__in=(Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR),
        )
        return (
            self.filter(role__in=GROUP_STAFF, group__organisation_id__in=led)
            .exclude(user=user)
            .exclude(models.Exists(wider))
            .exclude(Q(user__is_staff=True) | Q(user__is_superuser=True))
        )


class Membership(models.Model):
    """A role a user holds in one scope: a programme, an organisation, a group or a fund."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("group"),
    )
    fund = models.ForeignKey(
        "funding.Fund",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("fund"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["role", "user__email"]
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role=Role.PROGRAMME_COORDINATOR,
                        programme__isnull=False,
                        organisation__isnull=True,
                        group__isnull=True,
                        fund__isnull=True,
                    )
                    | Q(
                        role__in=[Role.PROJECT_LEAD, Role.PRIVACY_OFFICER],
                        programme__isnull=True,
                        organisation__isnull=False,
                        group__isnull=True,
                        fund__isnull=True,
                    )
                    | Q(
                        role__in=[Role.FACILITATOR, Role.VOLUNTEER],
                        programme__isnull=True,
                        organisation__isnull=True,
                        group__isnull=False,
                        fund__isnull=True,
                    )
                    | Q(
                        role=Role.FUNDER,
                        programme__isnull=True,
                        organisation__isnull=True,
                        group__isnull=True,
                        fund__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "programme"],
                condition=Q(programme__isnull=False),
                name="membership_unique_programme",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "group"],
                condition=Q(group__isnull=False),
                name="membership_unique_group",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "fund"],
                condition=Q(fund__isnull=False),
                name="membership_unique_fund",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope(self):
        return self.programme or self.organisation or self.group or self.fund


class TableVersion(models.Model):
    """A number PostgreSQL raises, in the writer's own transaction, on every statement
    that writes one of the tables a programme's group list depends on: its groups, their
    cities and organisations, the organisations' own communities and the programmes'
    organisations (triggers in migration 0009). What is kept about such a list (the
    order of its groups, its filter's choices) is kept with the number it was made at,
    and is made again when the number has moved: never stale, in whatever code the write
    was made (docs/decisions.md, decision 81). Not raised on other databases."""

    name = models.CharField(primary_key=True, max_length=40)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("table version")
        verbose_name_plural = _("table versions")

    def __str__(self) -> str:
        return f"{self.name}: {self.version}"


class ProgrammeTally(models.Model):
    """How many of a programme's groups share a city, status, composition and typed
    community (with `groups.communities.coding_organisation`: whose list codes it),
    recounted by PostgreSQL itself, in the writer's own transaction, after every
    statement that writes the tables the count depends on (triggers in migration 0010).
    A coordinator's home reads its overview of a national programme's 10,000 groups from
    a few dozen of these rows instead of counting the groups (docs/decisions.md, decision
    85). Empty on other databases: there the groups are counted."""

    # No constraint and nothing done on delete: the rows are PostgreSQL's to write, and a
    # deleted programme's or city's rows go with the recount its deletion sets off.
    programme = models.ForeignKey(
        Programme, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    city = models.ForeignKey(
        City, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    status = models.CharField(max_length=12)
    composition = models.CharField(max_length=10)
    coding_organisation = models.BigIntegerField(null=True)
    community = models.CharField(max_length=100)
    groups = models.IntegerField()

    class Meta:
        verbose_name = _("programme tally")
        verbose_name_plural = _("programme tallies")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.groups}"


class ProgrammeOrganisationTally(models.Model):
    """How many of a programme's groups each of its organisations has, where it has any:
    the group list's organisations to filter by, recounted with `ProgrammeTally` (the
    same triggers, migration 0010; docs/decisions.md, decision 85)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    groups = models.IntegerField()

    class Meta:
        verbose_name = _("programme organisation tally")
        verbose_name_plural = _("programme organisation tallies")

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.organisation_id}: {self.groups}"
