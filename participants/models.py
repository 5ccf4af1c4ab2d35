"""Phase 2: participants, consent, recruitment, intake conversations, enrolment and the
social map.

Participants are vulnerable people and most of what is stored here is special-category
personal data (reference.md §6). Rules that hold everywhere:

- Every query goes through `Participant.objects.visible_to(user)` (and the related
  querysets built on it). Programme coordinators and funders never see a participant.
- Volunteers see only the name and phone number of their groups' participants
  (`PARTICIPANT_VOLUNTEER_FIELDS`).
- Religion and health notes are stored only while a consent for that purpose is active;
  withdrawing the consent erases them (participants.services_records.consent_withdraw).
- Confidential notes are for the group's facilitators and the organisation's project lead.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.access import GROUP_STAFF, group_ids_for
from groups.languages import LANGUAGE_CHOICES, LANGUAGE_CODES, language_label
from groups.models import City, Group, Organisation, Role, memberships_of, no_access
from privacy.history import HistoryQuerySet

# Fields a volunteer may see; everything else of a participant is for facilitators and
# project leads.
PARTICIPANT_VOLUNTEER_FIELDS = ("full_name", "phone")

# The guidance: the intervention is for migrants of 55 and over (a warning, never a block).
MIN_AGE = 55


class Gender(models.TextChoices):
    WOMAN = "woman", _("woman")
    MAN = "man", _("man")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("not recorded")


class Channel(models.TextChoices):
    KEY_FIGURE = "key_figure", _("key figure in the community")
    GP = "gp", _("general practitioner")
    MOSQUE = "mosque", _("mosque")
    CHURCH = "church", _("church")
    SOCIAL_PRESCRIBING = "social_prescribing", _("Welzijn op recept (social prescribing)")
    PARTNER = "partner", _("partner organisation")
    NETWORK = "network", _("facilitator's own network")
    PARTICIPANT = "participant", _("brought by a participant")
    FLYER = "flyer", _("flyer")
    OTHER = "other", _("other")


class FunnelStatus(models.TextChoices):
    CONTACTED = "contacted", _("contacted")
    INTAKE_PLANNED = "intake_planned", _("intake planned")
    INTAKE_DONE = "intake_done", _("intake done")
    JOINED = "joined", _("joined")
    WAITING_LIST = "waiting_list", _("waiting list")
    DECLINED = "declined", _("declined")
    REFERRED = "referred", _("referred elsewhere")


# The order of the funnel, for charts and tables.
FUNNEL_ORDER = list(FunnelStatus)


@dataclass(frozen=True)
class ParticipantScope:
    """The group ids that decide which participants a user sees (`visible_ids`)."""

    reached: list[int]  # groups the user leads or works in: the people recruited for them
    staff: list[int]  # groups the user works in: also everyone ever enrolled in them


def participant_scope(user) -> ParticipantScope | None:
    """The user's `ParticipantScope`, from the scope resolved once per request
    (groups.access.group_ids_for); None for the site administrator, who sees everyone.
    Empty for those who see no participant (coordinators, funders, the signed out)."""
    if no_access(user):
        return ParticipantScope(reached=[], staff=[])
    if user.is_superuser:
        return None
    return ParticipantScope(
        reached=group_ids_for(user, roles=GROUP_STAFF | {Role.PROJECT_LEAD}),
        staff=group_ids_for(user, roles=GROUP_STAFF),
    )


def visible_ids(*, reached: Sequence[int], staff: Sequence[int]) -> models.QuerySet:
    """The ids of the participants a `ParticipantScope` sees, as a subquery: recruited
    for a group in `reached`, or ever enrolled in a group in `staff`. The one rule behind
    `visible_in_scope`, taking the ids as values so that a compiled query
    (stetapp/compiled.py) can pass them in.

    Always an IN over a subquery, even for a lead who works in no group: with a plain
    `group_id IN (…)` PostgreSQL joins a list's groups by hashing the whole groups table
    (2.9 ms at 10,000 groups against 0.5 ms; docs/decisions.md 57)."""
    own = Participant.objects.filter(group_id__in=reached).order_by().values("pk")
    if staff:
        own = own.union(
            Enrolment.objects.filter(group_id__in=staff).order_by().values("participant_id")
        )
    return own


class ParticipantQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        """Participants the user may see.

        Project leads: every participant of their organisations. Facilitators and
        volunteers: participants recruited for, or ever enrolled in, one of their groups
        (history included, so a facilitator can still see who left). Programme
        coordinators and funders: none, ever. No duplicates.

        Found through the user's group ids (`visible_in_scope`), whoever asks: as an OR
        of subqueries on the memberships, PostgreSQL tested every participant in the
        database against it (a group's measurement page took 1.4 s at 10,000 groups;
        docs/decisions.md, decision 83)."""
        return self.visible_in_scope(user)

    def among(self, ids: models.QuerySet, *, also: Sequence[int | None] = ()):
        """Those whose id `ids` gives (a query of one column of participant ids), and
        those in `also` (ids at hand: the person a record already names, who may have
        left the group since). One IN over a UNION: `Q(pk__in=ids) | Q(pk=…)` made
        PostgreSQL read every participant in the database (an idea's form took 28 ms of
        database time at 150,000 participants; docs/decisions.md, decision 83)."""
        named = [pk for pk in also if pk is not None]
        if named:
            ids = ids.order_by().union(
                Participant.objects.filter(pk__in=named).order_by().values("pk")
            )
        return self.filter(pk__in=ids)

    def visible_in_scope(self, user):
        """The rule of `visible_to`, from the user's group ids (groups.access.group_ids_for,
        resolved once per request) instead of subqueries on the memberships: the
        participants recruited for a group the user leads or works in, and those ever
        enrolled in a group the user works in. For lists that page and sort: the ids
        are an index condition, and the IN over a UNION lets the database start from
        the user's own people instead of reading everyone first (docs/decisions.md,
        decision 57)."""
        scope = participant_scope(user)
        if scope is None:
            return self.all()
        if not scope.reached:
            return self.none()
        return self.filter(pk__in=visible_ids(reached=scope.reached, staff=scope.staff))

    def editable_by(self, user):
        """Participants whose record the user may change: project leads of the
        organisation and facilitators of their groups (volunteers never)."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        groups = memberships_of(user, Role.FACILITATOR).values("group_id")
        return self.filter(
            Q(
                group__organisation_id__in=memberships_of(user, Role.PROJECT_LEAD).values(
                    "organisation_id"
                )
            )
            | Q(group_id__in=groups)
            | Q(pk__in=Enrolment.objects.filter(group_id__in=groups).values("participant_id"))
        )

    def with_related(self):
        return self.select_related("group", "group__organisation", "referred_by")


class Participant(models.Model):
    """A person recruited for a group: a candidate until they join, then a participant."""

    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("group"),
        help_text=_("The group this person is recruited for or takes part in."),
    )
    full_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 ()-]{6,20}$", _("Enter a phone number."))],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{4} ?[A-Za-z]{2}$", _("Use a Dutch postcode: 1234 AB."))],
        help_text=_("Used to suggest people who live close to each other."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN
    )
    country_of_origin = models.CharField(_("country of origin"), max_length=100, blank=True)
    community = models.CharField(_("community or background"), max_length=100, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True, choices=LANGUAGE_CHOICES
    )
    needs_dutch_support = models.BooleanField(
        _("needs help reading or writing Dutch"), default=False
    )
    lives_alone = models.BooleanField(_("lives alone"), null=True, blank=True)
    widowed = models.BooleanField(_("widowed"), null=True, blank=True)
    interests = models.TextField(_("interests"), blank=True)
    # Special-category data: only stored while the matching consent is active.
    religion = models.CharField(_("religion"), max_length=100, blank=True)
    health_notes = models.TextField(_("health notes"), blank=True)
    confidential_notes = models.TextField(
        _("confidential notes"),
        blank=True,
        help_text=_("Only the group's facilitators and the project lead can read these."),
    )
    # Recruitment
    channel = models.CharField(
        _("how we reached them"), max_length=20, choices=Channel.choices, default=Channel.OTHER
    )
    channel_detail = models.CharField(
        _("channel details"),
        max_length=200,
        blank=True,
        help_text=_("For example which key figure, practice or mosque."),
    )
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("brought by"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=FunnelStatus.choices,
        default=FunnelStatus.CONTACTED,
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who raised the version last (with updated_at): named when a stale save is refused
    # (docs/decisions.md 46). Set by every write that raises the version.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: every update must name the version it started from.
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["group", "status"]),
            # The participant list of a facilitator, in its order (decision 57).
            models.Index(fields=["group", "full_name"], name="participant_group_name"),
        ]

    def __str__(self):
        return self.full_name

    def clean(self):
        errors = {}
        unknown = [code for code in self.languages or [] if code not in LANGUAGE_CODES]
        if unknown:
            errors["languages"] = _("Unknown language: %(codes)s") % {"codes": ", ".join(unknown)}
        if self.birth_year and self.birth_year > timezone.localdate().year:
            errors["birth_year"] = _("The year of birth cannot be in the future.")
        if self.referred_by_id and self.referred_by_id == self.pk:
            errors["referred_by"] = _("Someone cannot bring themselves.")
        if errors:
            raise ValidationError(errors)

    @property
    def organisation(self):
        return self.group.organisation

    def age(self, on: dt.date | None = None) -> int | None:
        """Age in the given year (birth year only is stored: it can be one year off)."""
        if not self.birth_year:
            return None
        return (on or timezone.localdate()).year - self.birth_year

    @property
    def age_warning(self) -> bool:
        """True when the person is younger than the intervention's usual 55."""
        age = self.age()
        return age is not None and age < MIN_AGE

    @property
    def language_labels(self) -> list[str]:
        return [language_label(code) for code in self.languages or []]


class ConsentPurpose(models.TextChoices):
    DATA_PROCESSING = "data_processing", _("keeping their data in stetapp")
    PHONE = "phone", _("being called by phone")
    WHATSAPP = "whatsapp", _("the group's WhatsApp group")
    PHOTOS = "photos", _("photos")
    QUOTE_INTERNAL = "quote_internal", _("being quoted within the organisation")
    QUOTE_FUNDER = "quote_funder", _("being quoted anonymously to funders")
    QUOTE_PUBLIC = "quote_public", _("being quoted anonymously in public")
    RELIGION = "religion", _("recording their religion")
    HEALTH = "health", _("recording health notes")


# Which sensitive field needs which consent.
SENSITIVE_FIELD_PURPOSE = {
    "religion": ConsentPurpose.RELIGION,
    "health_notes": ConsentPurpose.HEALTH,
}


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("in writing")
    ORAL = "oral", _("spoken, with the facilitator present")


class ConsentQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(participant__in=Participant.objects.visible_to(user))

    def active(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """One consent given for one purpose. Withdrawing keeps the row (history) and sets
    `withdrawn_at`; giving consent again creates a new row."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("participant"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    method = models.CharField(_("how"), max_length=8, choices=ConsentMethod.choices)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    info_version = models.CharField(
        _("version of the information text"),
        max_length=50,
        help_text=_("Which version of the explanation the person was given, e.g. 2025-01."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-recorded_at"]
        constraints = [
            # At most one active consent per purpose; history rows are withdrawn.
            models.UniqueConstraint(
                fields=["participant", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            )
        ]

    def __str__(self):
        return f"{self.participant} · {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class IntakeLocation(models.TextChoices):
    HOME = "home", _("home visit")
    WALK = "walk", _("a walk together")
    VENUE = "venue", _("at the meeting place")
    PHONE = "phone", _("by phone")
    OTHER = "other", _("elsewhere")


class GroupFit(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNSURE = "unsure", _("not sure yet")


class IntakeQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        """Intakes hold personal stories: facilitators and project leads only."""
        return self.filter(participant__in=Participant.objects.editable_by(user))


class Intake(models.Model):
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="intakes",
        verbose_name=_("participant"),
    )
    held_on = models.DateField(_("date"))
    location = models.CharField(_("where"), max_length=8, choices=IntakeLocation.choices)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("conducted by"),
    )
    situation = models.TextField(_("their situation"), blank=True)
    wishes = models.TextField(
        _("wishes and needs"),
        blank=True,
        help_text=_("What makes them happy, what they used to enjoy, what they hope for."),
    )
    practical_needs = models.TextField(
        _("practical needs"), blank=True, help_text=_("Transport, language, mobility.")
    )
    group_fits = models.CharField(
        _("does the group fit?"), max_length=8, choices=GroupFit.choices, default=GroupFit.UNSURE
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake conversation")
        verbose_name_plural = _("intake conversations")
        ordering = ["-held_on", "-created_at"]

    def __str__(self):
        return f"{self.participant} · {self.held_on}"


class LeaveReason(models.TextChoices):
    MOVED = "moved", _("moved away")
    HEALTH = "health", _("health")
    DID_NOT_FIT = "did_not_fit", _("the group did not fit")
    CONFLICT = "conflict", _("conflict")
    ABROAD = "abroad", _("long stay abroad")
    DIED = "died", _("died")
    OTHER = "other", _("other")


class EnrolmentQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(participant__in=Participant.objects.visible_to(user))

    def current(self, on: dt.date | None = None):
        """Enrolments running on the given day (today by default)."""
        day = on or timezone.localdate()
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


class Enrolment(models.Model):
    """A participant's membership of a group, from joining to leaving. Leaving keeps the
    row, so counts over any period stay true."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("group")
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(
        _("reason for leaving"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    leave_notes = models.CharField(_("about leaving"), max_length=300, blank=True)
    referred_to = models.ForeignKey(
        "SocialService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred to"),
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="enrolment_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["participant", "group"],
                condition=Q(left_on__isnull=True),
                name="enrolment_one_open_per_group",
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.group}"

    def clean(self):
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Leaving cannot be before joining.")})
        if self.left_on and not self.leave_reason:
            raise ValidationError({"leave_reason": _("Say why the person left.")})


class ServiceKind(models.TextChoices):
    GP = "gp", _("GP practice")
    MOSQUE = "mosque", _("mosque")
    CHURCH = "church", _("church")
    TEMPLE = "temple", _("temple or other place of worship")
    WELFARE = "welfare", _("welfare organisation")
    MUNICIPALITY = "municipality", _("municipality")
    LONELINESS = "loneliness", _("other loneliness initiative")
    KNOWLEDGE = "knowledge", _("knowledge institute")
    HEALTH = "health", _("health care")
    MIGRANT = "migrant", _("migrant organisation")
    OTHER = "other", _("other")


class SocialServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The social map of the user's organisations (any staff role, and the
        coordinators of their programmes). It holds no participant data."""
        return self.filter(organisation__in=Organisation.objects.visible_to(user))


class SocialService(models.Model):
    """An entry on an organisation's social map: somewhere to refer people to, or a
    partner for guest speakers and workshops."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="social_services",
        verbose_name=_("organisation"),
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    offers_speakers = models.BooleanField(
        _("gives talks or workshops"),
        default=False,
        help_text=_("Can be invited as a guest speaker or for a workshop."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SocialServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("social map entry")
        verbose_name_plural = _("social map")
        ordering = ["city__name", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "city", "name"], name="social_service_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"
