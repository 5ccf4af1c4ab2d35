"""Read queries for participants. Every function scopes through visible_to; the
aggregates never return a name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups.access import GROUP_KEEPERS, Need, can
from groups.languages import language_label
from groups.models import Group, Membership, Organisation, Role
from stetapp.access import get_visible_or_404

from .models import (
    FUNNEL_ORDER,
    Channel,
    Consent,
    Enrolment,
    Gender,
    Participant,
    SocialService,
)

# Who sees a group's recruitment funnel: its keepers exactly, programme coordinators as
# suppressed counts (volunteers and funders not at all).
FUNNEL_READERS = GROUP_KEEPERS | {Role.PROGRAMME_COORDINATOR}

# Groups work best with 12 to 15 people (domain.md, "Numbers the product should know").
GROUP_SIZE_MIN = 12
GROUP_SIZE_MAX = 15

AGE_BANDS = [
    (None, 54, gettext_lazy("under 55")),
    (55, 64, "55–64"),
    (65, 74, "65–74"),
    (75, 84, "75–84"),
    (85, None, gettext_lazy("85 and over")),
]


def participant_get_for_user(*, user, pk, write: bool = False) -> Participant:
    """One participant the user may see, with group and organisation; 404 otherwise.
    With write=True, 403 for a volunteer (read-only). Consents are prefetched with who
    recorded and withdrew them (the detail page lists them: no query per consent)."""
    return get_visible_or_404(
        Participant.objects.with_related().prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("recorded_by", "withdrawn_by"),
            )
        ),
        user=user,
        pk=pk,
        write=write,
        writable=Participant.objects.editable_by(user),
    )


def can_edit_participant(*, user, participant: Participant) -> bool:
    return Participant.objects.editable_by(user).filter(pk=participant.pk).exists()


def sees_full_record(*, user, group: Group) -> bool:
    """Facilitators of the group and project leads of its organisation see the whole
    record; volunteers only the name and phone number."""
    return can(user, group, Need.EDIT)


def participant_list_for_user(*, user) -> QuerySet[Participant]:
    """Participants the user may see, with their group (one query)."""
    return Participant.objects.visible_to(user).with_related().order_by("full_name")


@dataclass
class Funnel:
    by_status: list[tuple[str, str | Promise, int]] = field(default_factory=list)  # value, label, n
    by_channel: list[tuple[str, str | Promise, int]] = field(default_factory=list)
    total: int = 0

    @property
    def max_status(self) -> int:
        return max((n for _v, _l, n in self.by_status), default=0)

    @property
    def max_channel(self) -> int:
        return max((n for _v, _l, n in self.by_channel), default=0)


def funnel_counts(queryset: QuerySet[Participant]) -> Funnel:
    """Counts of candidates per funnel status and per recruitment channel: two aggregate
    queries, whatever the number of people. Returns numbers only."""
    statuses = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    channels = dict(queryset.order_by().values_list("channel").annotate(n=Count("pk")))
    funnel = Funnel(
        by_status=[(s.value, s.label, statuses.get(s.value, 0)) for s in FUNNEL_ORDER],
        by_channel=[(c.value, c.label, channels.get(c.value, 0)) for c in Channel],
        total=sum(statuses.values()),
    )
    return funnel


@dataclass
class Composition:
    size: int
    target: int
    by_gender: list[tuple[str, int]]
    by_age: list[tuple[str, int]]
    by_community: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    warnings: list[str]


def _age_band(age: int | None) -> str:
    if age is None:
        return _("unknown")
    for low, high, label in AGE_BANDS:
        if (low is None or age >= low) and (high is None or age <= high):
            return str(label)
    return _("unknown")  # pragma: no cover


def size_warnings(size: int) -> list[str]:
    """The warning about a group's size against the 12–15 guidance (empty when it fits)."""
    if size < GROUP_SIZE_MIN:
        return [
            ngettext(
                "The group has %(n)d participant; groups of 12 to 15 work best.",
                "The group has %(n)d participants; groups of 12 to 15 work best.",
                size,
            )
            % {"n": size}
        ]
    if size > GROUP_SIZE_MAX:
        return [
            _(
                "The group has %(n)d participants; above 15 it becomes hard for everyone to "
                "take part."
            )
            % {"n": size}
        ]
    return []


def group_size(*, group: Group) -> int:
    """How many people take part in the group today (one count query, no personal data:
    for pages that may show the size but not the make-up)."""
    return Enrolment.objects.current(timezone.localdate()).filter(group=group).count()


def group_composition(*, group: Group) -> Composition:
    """The make-up of the group's current participants (one query), with warnings:
    size outside 12–15, and in a group meant to be diverse, one community or language
    that forms a majority."""
    today = timezone.localdate()
    people = [
        e.participant
        for e in Enrolment.objects.current(today)
        .filter(group=group)
        .select_related("participant")
        .only(
            "participant__gender",
            "participant__birth_year",
            "participant__community",
            "participant__preferred_language",
            "participant__languages",
            "group_id",
            "participant_id",
            "joined_on",
            "left_on",
        )
    ]
    size = len(people)
    genders = Counter(p.gender for p in people)
    ages = Counter(_age_band(p.age(today)) for p in people)
    communities = Counter((p.community or _("unknown")) for p in people)
    languages = Counter(
        language_label(p.preferred_language) if p.preferred_language else _("unknown")
        for p in people
    )
    band_order = [str(label) for _l, _h, label in AGE_BANDS] + [_("unknown")]
    warnings = size_warnings(size)
    if group.is_diverse and size >= 2:
        unknown = _("unknown")
        for label, counter in ((_("community"), communities), (_("language"), languages)):
            # "Not recorded" is not a shared background: people whose community or
            # language is unknown never make a majority.
            known = Counter({k: n for k, n in counter.items() if k != unknown})
            if not known:
                continue
            value, count = known.most_common(1)[0]
            if count * 2 > size:
                warnings.append(
                    _(
                        "This group is meant to be diverse, but more than half share one "
                        "%(what)s (%(value)s: %(count)d of %(size)d)."
                    )
                    % {"what": label, "value": value, "count": count, "size": size}
                )
    return Composition(
        size=size,
        target=group.target_size,
        by_gender=[(str(g.label), genders[g.value]) for g in Gender if genders[g.value]],
        by_age=[(band, ages[band]) for band in band_order if ages[band]],
        by_community=sorted(communities.items(), key=lambda kv: (-kv[1], kv[0])),
        by_language=sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])),
        warnings=warnings,
    )


def social_map_for_user(*, user) -> QuerySet[SocialService]:
    return SocialService.objects.visible_to(user).select_related("city", "organisation")


def social_map_organisations_for_user(*, user) -> QuerySet[Organisation]:
    """Organisations whose social map the user may add to and change: project leads
    their organisations, facilitators the organisations of their groups. Not the
    organisations a user only coordinates, and never for volunteers."""
    if not (user and user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    mine = Membership.objects.filter(user=user)
    return Organisation.objects.filter(
        Q(pk__in=mine.filter(role=Role.PROJECT_LEAD).values("organisation_id"))
        | Q(
            pk__in=Group.objects.filter(
                pk__in=mine.filter(role=Role.FACILITATOR).values("group_id")
            ).values("organisation_id")
        )
    )


def social_service_get_for_user(*, user, pk, write: bool = False) -> SocialService:
    """One social map entry the user may see (404 otherwise); with write=True, 403
    unless its organisation is one the user may change the social map of."""
    return get_visible_or_404(
        SocialService.objects.select_related("city", "organisation"),
        user=user,
        pk=pk,
        write=write,
        writable=lambda service: (
            social_map_organisations_for_user(user=user).filter(pk=service.organisation_id).exists()
        ),
    )


__all__ = [
    "Funnel",
    "Composition",
    "funnel_counts",
    "group_composition",
    "participant_get_for_user",
    "participant_list_for_user",
    "sees_full_record",
    "can_edit_participant",
    "social_map_for_user",
    "social_map_organisations_for_user",
    "social_service_get_for_user",
    "FUNNEL_READERS",
    "group_size",
    "size_warnings",
]
