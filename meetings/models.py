"""Phase 3: planning meetings, the meeting record, attendance, follow-up calls,
co-creation, group agreements and the calendar of holidays to plan around.

Access follows the group: every queryset has `visible_to(user)` built on
`Group.objects.visible_to` (meetings, agreements, the co-creation board: group-level
data) or on `Participant.objects.visible_to` (attendance, calls: personal data).
Meeting notes are confidential to the group's staff and the project lead.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.access import Need, VisibleThroughGroup, groups_worked_in
from groups.languages import LANGUAGE_CHOICES, LANGUAGE_CODES
from groups.models import Group, Organisation, Venue
from participants.models import Participant, SocialService
from privacy.history import HistoryQuerySet


class ActivityKind(models.TextChoices):
    CONVERSATION = "conversation", _("conversation on a theme")
    COOKING = "cooking", _("cooking and eating together")
    CRAFTS = "crafts", _("crafts and handiwork")
    GUEST = "guest", _("information session or guest speaker")
    OUTING = "outing", _("outing")
    MOVEMENT = "movement", _("movement and exercise")
    CELEBRATION = "celebration", _("celebrating a holiday")
    GAME = "game", _("games")
    OTHER = "other", _("other")


ACTIVITY_CODES = set(ActivityKind.values)


class CatalogueQuerySet(models.QuerySet):
    def for_organisation(self, organisation_id):
        """The shared entries plus the organisation's own."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))


class Theme(models.Model):
    """A subject groups talk about. Entries without an organisation are shared by all."""

    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="theme_unique_name")
        ]

    def __str__(self):
        return self.name


class Icebreaker(models.Model):
    """An opening exercise from the library; organisations add their own."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("how it works"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("icebreaker")
        verbose_name_plural = _("icebreakers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="icebreaker_unique_name")
        ]

    def __str__(self):
        return self.name


class MeetingSeries(models.Model):
    """A planned rhythm, e.g. every other Tuesday 10:00–12:00; it creates the meetings."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="meeting_series", verbose_name=_("group")
    )
    first_date = models.DateField(_("first meeting"))
    until_date = models.DateField(_("last date"))
    interval_weeks = models.PositiveSmallIntegerField(
        _("every … weeks"), default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    venue = models.ForeignKey(
        Venue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        constraints = [
            models.CheckConstraint(
                condition=Q(until_date__gte=models.F("first_date")), name="series_until_after_first"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="series_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.group} · {self.first_date}–{self.until_date}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class MeetingQuerySet(VisibleThroughGroup, HistoryQuerySet):
    """Meetings are seen by everyone who sees their group (coordinators included:
    meetings are group-level data; their notes are filtered by the pages)."""

    group_need = Need.READ

    def workable_by(self, user):
        """Meetings the user may plan, record and mark attendance for."""
        return self.filter(group__in=groups_worked_in(user))

    def counting(self):
        """Meetings that count towards the cadence: not cancelled."""
        return self.exclude(status=MeetingStatus.CANCELLED)

    def started(self, now: dt.datetime | None = None):
        """Meetings that have started (docs/decisions.md, decision 35): only these take
        attendance and a record, and only these are counted. `Meeting.has_started` is
        the same rule for one meeting."""
        return self.filter(_started_condition(now))

    def held(self, now: dt.datetime | None = None):
        """The one definition of a held meeting (docs/decisions.md, decision 28): it has
        started (starts_at <= now), is not cancelled, and is marked held or has at least
        one attendance mark. `now` defaults to the clock; reports and tests pass their
        own. Cadence, the funding pages, the fund report and the dashboard count with
        this (or with `with_held`, which flags the same meetings)."""
        return self.filter(_held_condition(now))

    def planned(self, now: dt.datetime | None = None):
        """Meetings still to come: not started and not cancelled (whatever their status
        says). With `held` they are what a projection counts: `held(now) | planned(now)`."""
        return self.exclude(_started_condition(now)).exclude(status=MeetingStatus.CANCELLED)

    def with_held(self, now: dt.datetime | None = None):
        """Every meeting, annotated `is_held` by the rule of `held` and `is_started` by
        the rule of `started`; for pages that need held and other meetings from one query
        (the fund report, the dashboard)."""
        return self.annotate(
            is_held=_flag(_held_condition(now)), is_started=_flag(_started_condition(now))
        )


def _flag(condition: Q) -> models.Case:
    return models.Case(
        models.When(condition, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


def _started_condition(now: dt.datetime | None) -> Q:
    """The one "has started" rule as a condition on Meeting rows (MeetingQuerySet.started,
    Meeting.has_started)."""
    return Q(starts_at__lte=now or timezone.now())


def _held_condition(now: dt.datetime | None) -> Q:
    """The held rule as a condition on Meeting rows (MeetingQuerySet.held)."""
    marked = models.Exists(Attendance.objects.filter(meeting_id=models.OuterRef("pk")))
    return (
        _started_condition(now)
        & ~Q(status=MeetingStatus.CANCELLED)
        & (Q(status=MeetingStatus.HELD) | Q(marked))
    )


class Meeting(models.Model):
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("group")
    )
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("series"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(
        Venue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    change_reason = models.CharField(
        _("reason for the change"),
        max_length=200,
        blank=True,
        help_text=_("Why the meeting was moved or cancelled."),
    )
    moved_from = models.DateTimeField(_("originally planned for"), null=True, blank=True)
    # The record of what happened
    language = models.CharField(
        _("language used"), max_length=8, choices=LANGUAGE_CHOICES, blank=True
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    other_themes = models.CharField(_("other themes"), max_length=200, blank=True)
    icebreaker = models.ForeignKey(
        Icebreaker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("icebreaker"),
    )
    activities = models.JSONField(_("activities"), default=list, blank=True)
    guest = models.CharField(_("guest or speaker"), max_length=200, blank=True)
    partner = models.ForeignKey(
        SocialService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner organisation"),
    )
    organisers = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="organised_meetings",
        verbose_name=_("participants who helped organise"),
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("Only the group's staff and the project lead can read these."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.group} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A meeting ends after it starts.")
        if self.language and self.language not in LANGUAGE_CODES:
            errors["language"] = _("Unknown language.")
        unknown = [a for a in self.activities or [] if a not in ACTIVITY_CODES]
        if unknown:
            errors["activities"] = _("Unknown activity: %(codes)s") % {"codes": ", ".join(unknown)}
        if self.status == MeetingStatus.CANCELLED and not self.change_reason:
            errors["change_reason"] = _("Say why the meeting is cancelled.")
        if errors:
            raise ValidationError(errors)

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    def has_started(self, now: dt.datetime | None = None) -> bool:
        """Whether the meeting has started at `now` (the clock by default): the rule of
        MeetingQuerySet.started for one meeting. Attendance and the record open then."""
        return starts_by(self.starts_at, now)


def starts_by(starts_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether a meeting starting at `starts_at` has started at `now` (the clock by
    default): Meeting.has_started, for a time not saved yet (a move)."""
    return starts_at <= (now or timezone.now())


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")


class AttendanceQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(meeting__in=Meeting.objects.workable_by(user))


class Attendance(models.Model):
    """One mark per person per meeting. A guest or a newcomer on trial has a name but no
    participant record (yet)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendance",
        verbose_name=_("participant"),
    )
    guest_name = models.CharField(_("guest or newcomer"), max_length=150, blank=True)
    is_trial = models.BooleanField(
        _("newcomer on trial"),
        default=False,
        help_text=_("Someone trying out the group before joining."),
    )
    status = models.CharField(_("status"), max_length=8, choices=AttendanceStatus.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)
    # When the deciding tap was made (on the device, possibly offline); the latest tap by
    # this time wins (docs/decisions.md, decision 40). Empty for marks made before.
    tapped_at = models.DateTimeField(_("tapped at"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"],
                condition=Q(participant__isnull=False),
                name="attendance_one_mark_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=False) | ~Q(guest_name=""),
                name="attendance_participant_or_guest",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.participant or self.guest_name}: {self.status}"


class GroupBreak(models.Model):
    """A break the group agreed on (e.g. summer): no gap warnings during it."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("group")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=100, default="", blank=True)

    class Meta:
        verbose_name = _("agreed break")
        verbose_name_plural = _("agreed breaks")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="break_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.group} · {self.starts_on}–{self.ends_on}"


class EventCategory(models.TextChoices):
    PUBLIC = "public", _("public holiday")
    SCHOOL = "school", _("school holiday")
    RELIGIOUS = "religious", _("religious holiday")
    CULTURAL = "cultural", _("cultural day")
    LOCAL = "local", _("local event")


class EventSource(models.TextChoices):
    LIBRARY = "library", _("Dutch holiday calendar")
    HIJRI = "hijri", _("computed from the Islamic calendar")
    FIXED = "fixed", _("fixed date")
    MANUAL = "manual", _("added by the organisation")


class CalendarEvent(models.Model):
    """A date to plan around, for one organisation. Computed suggestions (holidays,
    Ramadan and Eid, Keti Koti) are stored here so the organisation can correct or delete
    them; the organisation adds its own."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="calendar_events",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    category = models.CharField(_("kind"), max_length=10, choices=EventCategory.choices)
    source = models.CharField(
        _("source"), max_length=8, choices=EventSource.choices, default=EventSource.MANUAL
    )
    is_estimate = models.BooleanField(
        _("estimated date"),
        default=False,
        help_text=_("Computed dates can differ by a day from what the local community follows."),
    )
    suggestion_key = models.CharField(max_length=100, blank=True, editable=False)
    dismissed = models.BooleanField(
        _("not relevant for us"),
        default=False,
        help_text=_("A suggested date the organisation does not plan around."),
    )

    class Meta:
        verbose_name = _("date to plan around")
        verbose_name_plural = _("dates to plan around")
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="event_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["organisation", "suggestion_key"],
                condition=~Q(suggestion_key=""),
                name="event_unique_suggestion",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on})"


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("spoke with them")
    NO_ANSWER = "no_answer", _("no answer")
    MESSAGE = "message", _("left a message")
    COMING_BACK = "coming_back", _("will come again")
    NEEDS_HELP = "needs_help", _("needs help: follow up")
    STOPPING = "stopping", _("wants to stop")


class FollowUpCallQuerySet(HistoryQuerySet):
    def visible_to(self, user):
        return self.filter(participant__in=Participant.objects.visible_to(user)).filter(
            participant__group__in=groups_worked_in(user)
        )


class FollowUpCall(models.Model):
    """A call to someone who missed meetings or left without notice."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="follow_up_calls",
        verbose_name=_("participant"),
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called by"),
    )
    called_at = models.DateTimeField(_("when"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    objects = FollowUpCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["-called_at"]

    def __str__(self):
        return f"{self.participant} · {self.called_at:%Y-%m-%d}"


class IdeaStatus(models.TextChoices):
    IDEA = "idea", _("idea")
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    REVIEWED = "reviewed", _("looked back on")


# Ideas that happened: done, or done and looked back on. What the co-creation share and
# the fund report count as activities.
IDEA_DONE_STATUSES = (IdeaStatus.DONE, IdeaStatus.REVIEWED)


class IdeaSource(models.TextChoices):
    INTAKE = "intake", _("intake conversation")
    MEETING = "meeting", _("meeting")
    OTHER = "other", _("other")


class IdeaQuerySet(VisibleThroughGroup, HistoryQuerySet):
    """The co-creation board belongs to the group's staff and project lead."""

    group_need = Need.WORK


class Idea(models.Model):
    """A wish or idea for a theme or activity, who proposed it, and what became of it."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("group")
    )
    title = models.CharField(_("idea"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    activity_kind = models.CharField(
        _("kind of activity"), max_length=12, choices=ActivityKind.choices, blank=True
    )
    source = models.CharField(
        _("where it came up"), max_length=8, choices=IdeaSource.choices, default=IdeaSource.MEETING
    )
    proposed_by = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by (participant)"),
    )
    proposed_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by (staff)"),
    )
    votes = models.PositiveSmallIntegerField(
        _("hands raised"), default=0, help_text=_("How many people chose this idea.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=IdeaStatus.choices, default=IdeaStatus.IDEA
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("meeting where it happened"),
    )
    organisers = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="organised_ideas",
        verbose_name=_("participants who helped organise"),
    )
    look_back = models.TextField(_("looking back"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-votes", "created_at"]

    def __str__(self):
        return self.title

    @property
    def proposed_by_participant(self) -> bool:
        return self.proposed_by_id is not None


class AgreementQuerySet(VisibleThroughGroup, models.QuerySet):
    """A group's agreements are for those who work in the group."""

    group_need = Need.WORK


class GroupAgreement(models.Model):
    """A rule the group made together, in the group's own words and languages."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("group")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    agreed_on = models.DateField(_("agreed on"), default=timezone.localdate)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("group agreement")
        verbose_name_plural = _("group agreements")
        ordering = ["position", "pk"]

    def __str__(self):
        first = next(iter(self.texts.all()), None)
        return first.text if first else f"#{self.pk}"


class AgreementText(models.Model):
    agreement = models.ForeignKey(
        GroupAgreement,
        on_delete=models.CASCADE,
        related_name="texts",
        verbose_name=_("agreement"),
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("agreement text")
        verbose_name_plural = _("agreement texts")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "language"], name="agreement_text_one_per_language"
            )
        ]

    def __str__(self):
        return self.text


class TapOutcome(models.TextChoices):
    """What became of one tap sent by a device (meetings.services_attendance)."""

    APPLIED = "applied", _("saved")
    SUPERSEDED = "superseded", _("a later tap decided")
    KEPT = "kept", _("an earlier mark stayed")
    HELD = "held", _("kept aside")
    RESOLVED = "resolved", _("applied after the meeting moved")
    DISCARDED = "discarded", _("discarded")


class AttendanceTapQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(meeting__in=Meeting.objects.workable_by(user))

    def held(self):
        """Taps kept aside because the meeting was cancelled or moved meanwhile."""
        return self.filter(outcome=TapOutcome.HELD)


class AttendanceTap(models.Model):
    """One tap sent from a device's queue (the offline attendance sheet), kept so that
    the same tap sent twice counts once (its `client_id` is unique) and so that taps for
    a meeting cancelled or moved meanwhile wait for the facilitator (outcome "held")."""

    client_id = models.UUIDField(unique=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="taps", verbose_name=_("meeting")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    guest_name = models.CharField(_("guest or newcomer"), max_length=150, blank=True)
    is_trial = models.BooleanField(_("newcomer on trial"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=AttendanceStatus.choices)
    only_if_unmarked = models.BooleanField(default=False)
    base = models.CharField(max_length=8, blank=True)
    tapped_at = models.DateTimeField(_("tapped at"))
    seen_starts_at = models.DateTimeField(null=True, blank=True)
    tapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=TapOutcome.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = AttendanceTapQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance tap")
        verbose_name_plural = _("attendance taps")
        indexes = [models.Index(fields=["meeting", "outcome"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(participant__isnull=False) | ~Q(guest_name=""),
                name="attendance_tap_participant_or_guest",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.client_id}: {self.outcome}"


class CalendarFeed(models.Model):
    """The current link of one person's calendar feed for one group (meetings.feeds).

    The link is signed and names the generation; renewing it counts the generation up, so
    every older link stops working. A link works until `expires_at`
    (STETAPP_CALENDAR_FEED_DAYS after it was made or renewed). The row is made the first
    time the person's link is shown or used."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("group")
    )
    generation = models.PositiveIntegerField(_("generation"), default=0)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="calendar_feed_one_per_group")
        ]

    def __str__(self):
        return f"{self.group} · {self.user_id} · {self.generation}"

    def accepts(self, generation: int, *, now: dt.datetime) -> bool:
        """Does a link of this generation still work at `now`?"""
        return generation == self.generation and now < self.expires_at

    def is_expired(self, *, now: dt.datetime) -> bool:
        return now >= self.expires_at
