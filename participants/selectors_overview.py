"""Reads for the overview pages (views_overview.py): the funnel and the social map."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise

from groups.models import Group, Membership, Organisation, Role
from stetapp.access import get_visible_or_404

from .models import FUNNEL_ORDER, Channel, Participant, SocialService


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
    "funnel_counts",
    "social_map_for_user",
    "social_map_organisations_for_user",
    "social_service_get_for_user",
]
