"""Phase 4: evidence of impact and the continuation of a group.

- Stories of change (Most Significant Change) and the rounds in which a panel selects the
  most significant one and records why (reference.md §3).
- Observations and informal conversations: a short log per group.
- Measurement, optional per group: the De Jong Gierveld 6-item loneliness scale and the
  WHO-5 well-being index (reference.md §1–2). Raw answers are stored; scores are computed
  in reporting/scoring.py, never stored.
- The continuation plan per group, with steps and follow-up funding.
- Report batches: many fund reports built by a background task, with progress.

Access: stories, observations and answers are personal data (a story can reveal health or
faith) and belong to the group's facilitators and the organisation's project lead
(`groups_worked_in(user, need=Need.EDIT)`). Programme coordinators and funders
see only what the report and dashboard aggregate.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import FundingApplication, Grant
from groups.access import Need, groups_worked_in
from groups.languages import LANGUAGE_CHOICES
from groups.models import Group, Organisation, Role, memberships_of, no_access
from participants.models import Participant
from privacy.history import HistoryQuerySet
from stetapp.storage import private_storage


def _groups_of_staff(user):
    """Groups whose evidence the user keeps: facilitators of the group and project leads
    of its organisation (volunteers, coordinators and funders: none)."""
    return groups_worked_in(user, need=Need.EDIT)


# --- Stories of change ------------------------------------------------------------------


class StoryDomain(models.TextChoices):
    BELONGING = "belonging", _("feeling at home, belonging")
    MUTUAL_SUPPORT = "support", _("being there for each other")
    NEIGHBOURHOOD = "neighbourhood", _("connection with the neighbourhood")
    GROWTH = "growth", _("personal growth")
    WELLBEING = "wellbeing", _("well-being and satisfaction")
    OWN = "own", _("the organisation's own domain")


class ConsentScope(models.TextChoices):
    INTERNAL = "internal", _("within the organisation only")
    FUNDER = "funder", _("also in reports to funders")
    PUBLIC = "public", _("also in public")


# Which consent purpose of the storyteller a scope needs (participants.ConsentPurpose).
SCOPE_CONSENT_PURPOSES = {
    ConsentScope.INTERNAL: ("quote_internal", "quote_funder", "quote_public"),
    ConsentScope.FUNDER: ("quote_funder", "quote_public"),
    ConsentScope.PUBLIC: ("quote_public",),
}
SCOPES_FOR_FUNDERS = (ConsentScope.FUNDER, ConsentScope.PUBLIC)


class StoryQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(group__in=_groups_of_staff(user))


class Story(models.Model):
    """A story of the most significant change someone experienced, in their words."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="stories", verbose_name=_("group")
    )
    storyteller = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("storyteller"),
        help_text=_("Leave empty when the storyteller wants to stay anonymous."),
    )
    domain = models.CharField(_("domain of change"), max_length=14, choices=StoryDomain.choices)
    own_domain = models.CharField(
        _("the organisation's own domain"),
        max_length=100,
        blank=True,
        help_text=_("Name it when you chose the organisation's own domain."),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("the story"))
    language = models.CharField(
        _("language it was told in"), max_length=8, choices=LANGUAGE_CHOICES, default="nl"
    )
    translation = models.TextField(
        _("translation into Dutch"),
        blank=True,
        help_text=_("When the story was told in another language."),
    )
    significance = models.TextField(
        _("why this matters to the storyteller"),
    )
    quote = models.CharField(
        _("short quote"),
        max_length=300,
        blank=True,
        help_text=_(
            "A sentence or two that may be quoted without a name, as “(Participant, city, "
            "year)”. Leave out anything that identifies someone."
        ),
    )
    event_period = models.CharField(_("when the change happened"), max_length=100, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    collected_on = models.DateField(_("collected on"), default=timezone.localdate)
    consent_scope = models.CharField(
        _("may be shared"),
        max_length=8,
        choices=ConsentScope.choices,
        default=ConsentScope.INTERNAL,
    )
    verified = models.BooleanField(
        _("checked with the storyteller"),
        default=False,
        help_text=_("The storyteller confirmed that this is what they meant."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved last (with updated_at): named when a stale save is refused
    # (docs/decisions.md 46). Set by every write that raises the version.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story of change")
        verbose_name_plural = _("stories of change")
        ordering = ["-collected_on", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.domain == StoryDomain.OWN and not self.own_domain.strip():
            errors["own_domain"] = _("Name the organisation's own domain.")
        if (
            self.storyteller_id
            and self.group_id
            and self.storyteller.group.organisation_id != self.group.organisation_id
        ):
            errors["storyteller"] = _("Choose a participant of this organisation.")
        if errors:
            raise ValidationError(errors)

    @property
    def domain_label(self) -> str:
        if self.domain == StoryDomain.OWN and self.own_domain:
            return self.own_domain
        return self.get_domain_display()


class SelectionLevel(models.TextChoices):
    GROUP = "group", _("group")
    ORGANISATION = "organisation", _("organisation")
    PROGRAMME = "programme", _("programme")
    FUNDER = "funder", _("funder")


class SelectionRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rounds of the organisations the user leads, and rounds about one of the groups
        the user facilitates."""
        if no_access(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(organisation_id__in=memberships_of(user, Role.PROJECT_LEAD).values("organisation_id"))
            | Q(group__in=_groups_of_staff(user))
        )


class SelectionRound(models.Model):
    """A panel reads the candidate stories, picks the most significant one and says why."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="selection_rounds",
        verbose_name=_("organisation"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="selection_rounds",
        verbose_name=_("group"),
        help_text=_("For a round about one group's stories."),
    )
    level = models.CharField(_("level"), max_length=12, choices=SelectionLevel.choices)
    held_on = models.DateField(_("held on"), default=timezone.localdate)
    panel = models.TextField(
        _("panel"), help_text=_("Who selected: roles or names of the panel members.")
    )
    candidates = models.ManyToManyField(
        Story, related_name="candidate_in", verbose_name=_("candidate stories")
    )
    selected = models.ForeignKey(
        Story,
        on_delete=models.PROTECT,
        related_name="selected_in",
        verbose_name=_("story chosen"),
    )
    reasons = models.TextField(_("why this story was chosen"))
    feedback_given_on = models.DateField(
        _("feedback given on"),
        null=True,
        blank=True,
        help_text=_("When the storytellers and the group heard which story was chosen and why."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SelectionRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.get_level_display()} {self.held_on}"


# --- Observations -----------------------------------------------------------------------


class ObservationKind(models.TextChoices):
    OBSERVATION = "observation", _("observation")
    CONVERSATION = "conversation", _("informal conversation")


class ObservationQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(group__in=_groups_of_staff(user))


class Observation(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="observations", verbose_name=_("group")
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=ObservationKind.choices,
        default=ObservationKind.OBSERVATION,
    )
    observed_on = models.DateField(_("date"), default=timezone.localdate)
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("what was seen or said"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.observed_on}"


# --- Measurement ------------------------------------------------------------------------


class Instrument(models.TextChoices):
    DJG6 = "djg6", _("De Jong Gierveld loneliness scale (6 items)")
    WHO5 = "who5", _("WHO-5 well-being index")


class AdministrationMode(models.TextChoices):
    SELF = "self", _("filled in by the participant")
    INTERVIEW = "interview", _("interview")
    INTERVIEW_TRANSLATED = "translated", _("interview with translation")


class Timepoint(models.TextChoices):
    BASELINE = "baseline", _("baseline (at the start)")
    FOLLOW_UP = "follow_up", _("follow-up")


class MeasurementPlan(models.Model):
    """Whether, and with which instruments, a group measures. Measuring is optional."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="measurement_plan", verbose_name=_("group")
    )
    instruments = models.JSONField(_("instruments"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("measurement plan")
        verbose_name_plural = _("measurement plans")

    def __str__(self):
        return f"{self.group}: {', '.join(self.instruments)}"


class AdministrationQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(group__in=_groups_of_staff(user))


class Administration(models.Model):
    """One instrument, filled in once by one participant at one time point. `answers` holds
    the raw answer codes in item order (None for an item left unanswered)."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="administrations",
        verbose_name=_("participant"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="administrations", verbose_name=_("group")
    )
    instrument = models.CharField(_("instrument"), max_length=8, choices=Instrument.choices)
    instrument_version = models.CharField(_("version of the instrument"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES, default="nl")
    mode = models.CharField(_("how"), max_length=10, choices=AdministrationMode.choices)
    timepoint = models.CharField(_("time point"), max_length=10, choices=Timepoint.choices)
    administered_on = models.DateField(_("date"), default=timezone.localdate)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    answers = models.JSONField(_("answers"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved last (with updated_at): named when a stale save is refused
    # (docs/decisions.md 46). Set by every write that raises the version.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-administered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "instrument", "timepoint"],
                name="administration_once_per_timepoint",
            )
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} · {self.get_timepoint_display()}"

    @property
    def scores(self):
        from .scoring import score

        return score(self.instrument, self.answers)


# --- Continuation -----------------------------------------------------------------------


class ContinuationRoute(models.TextChoices):
    EMBED = "embed", _("embed the group in the organisation's regular work")
    INDEPENDENT = "independent", _("the group carries on by itself, led by participants")
    NEW_GROUP = "new_group", _("start a new group")


class ContinuationStatus(models.TextChoices):
    DRAFT = "draft", _("being worked out")
    AGREED = "agreed", _("agreed")
    UNDER_WAY = "under_way", _("under way")
    DONE = "done", _("done")
    STOPPED = "stopped", _("not continuing")


class ContinuationPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The plan is group-level information: everyone who may see the group sees it
        (by the user's group ids: `Group.objects.visible_to`'s subqueries tested a
        national programme's every group, 4.4 ms; docs/decisions.md, decision 83)."""
        return self.filter(group__in=groups_worked_in(user, need=Need.READ))

    def editable_by(self, user):
        return self.filter(group__in=_groups_of_staff(user))


class ContinuationPlan(models.Model):
    group = models.OneToOneField(
        Group,
        on_delete=models.CASCADE,
        related_name="continuation_plan",
        verbose_name=_("group"),
    )
    route = models.CharField(_("route"), max_length=12, choices=ContinuationRoute.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContinuationStatus.choices,
        default=ContinuationStatus.DRAFT,
    )
    summary = models.TextField(_("the plan in a few sentences"), blank=True)
    room = models.CharField(
        _("room"), max_length=200, blank=True, help_text=_("Where the group will meet.")
    )
    volunteers = models.TextField(
        _("volunteers"),
        blank=True,
        help_text=_("Who will lead or help; for example two participants as volunteer leads."),
    )
    volunteer_leads = models.PositiveSmallIntegerField(
        _("participants who will lead as volunteers"), default=0
    )
    follow_up_applications = models.ManyToManyField(
        FundingApplication,
        blank=True,
        related_name="continuation_plans",
        verbose_name=_("follow-up funding"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ContinuationPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("continuation plan")
        verbose_name_plural = _("continuation plans")

    def __str__(self):
        return f"{self.group}: {self.get_route_display()}"


class ContinuationStep(models.Model):
    plan = models.ForeignKey(
        ContinuationPlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan")
    )
    description = models.CharField(_("step"), max_length=200)
    owner = models.CharField(_("who"), max_length=100)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description

    @property
    def done(self) -> bool:
        return self.done_on is not None


# --- The written summary of a fund report ---------------------------------------------


class ReportSummaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whoever may read a grant's report reads its summary (it is printed in it)."""
        return self.filter(grant__in=Grant.objects.visible_to(user))


class ReportSummary(models.Model):
    """What the project lead writes on the fund report of one grant over one period: a
    short summary in their own words and a contact line, both printed in the PDF. No
    participant data: the report goes to the funder."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="report_summaries", verbose_name=_("grant")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    text = models.TextField(
        _("summary"),
        max_length=3000,
        blank=True,
        help_text=_(
            "A few paragraphs for the funder: what the groups did, what changed, what is "
            "next. Never a participant's name."
        ),
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Who the funder can contact about this report: a name and e-mail address."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("report summary")
        verbose_name_plural = _("report summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "start", "end"], name="one_summary_per_report_period"
            )
        ]

    def __str__(self):
        return f"{self.grant_id} {self.start}–{self.end}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end of the period lies before its start.")})


# --- Report batches ---------------------------------------------------------------------


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ReportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A batch belongs to the person who asked for it."""
        if no_access(user):
            return self.none()
        return self.filter(requested_by=user)


def batch_path(instance, filename):
    return f"reports/{instance.pk}.zip"


class ReportBatch(models.Model):
    """Fund reports for many grants at once, made by a background task."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_batches"
    )
    grants = models.ManyToManyField(Grant, related_name="+", verbose_name=_("grants"))
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    formats = models.JSONField(_("formats"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=batch_path, storage=private_storage, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("report batch")
        verbose_name_plural = _("report batches")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.requested_by} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


# --- Fund report PDFs made ahead ---------------------------------------------------------


def stored_report_path(instance, filename):
    return f"reports/pdf/{instance.pk}.pdf"


class StoredReport(models.Model):
    """The PDF of one grant's fund report, made by a background task and kept per grant,
    period, language and data version (reporting/services_report_pdf.py,
    docs/decisions.md 66). `version` is a fingerprint of everything the PDF shows: a new
    mark, expense or summary gives a new version, so a stored file never claims data
    that has changed since it was made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    language = models.CharField(max_length=8)
    version = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    file = models.FileField(upload_to=stored_report_path, storage=private_storage, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a reader last asked for a version that was not there: the refresh job keeps
    # such reports up to date for a while, and the prune job removes them after a month.
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "start", "end", "language", "version"],
                name="stored_report_once_per_version",
            )
        ]

    def __str__(self):
        return f"{self.grant_id} {self.start}–{self.end} {self.language} {self.version[:8]}"


class ReadReportPage(models.Model):
    """A fund report page (grant, period, language) that a reader opened while its body
    was not kept for the data as they stood: the scheduler's refresh-report-pages job
    makes the bodies of such pages again when their data changes, for REFRESH_DAYS after
    `asked_at`, so that the next reader finds them made (reporting/report_page.py,
    docs/decisions.md 71). Holds no personal data."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    language = models.CharField(max_length=8)
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "start", "end", "language"], name="read_report_page_once"
            )
        ]
        indexes = [models.Index(fields=["asked_at"], name="read_report_page_asked")]

    def __str__(self):
        return f"{self.grant_id} {self.start}–{self.end} {self.language}"
