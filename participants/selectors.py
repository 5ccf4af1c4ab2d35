"""Reads every participants area shares (docs/decisions.md, decision 32): one participant
fetched through the access layer (also for meetings), and the group's size and make-up
that the group page (sections.py) and the reports show. Each area's reads are in
selectors_<area>.py, next to its views_<area>.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups.access import GROUP_KEEPERS
from groups.languages import language_label
from groups.models import Group, Role
from stetapp.access import get_visible_or_404
from stetapp.compiled import CompiledQuery

from .models import Consent, Enrolment, Gender, Participant

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


def _current_people_query(*, group_id: int, today: dt.date) -> QuerySet:
    """The query of `group_composition`: the group's current enrolments with what the
    make-up counts of each participant."""
    return (
        Enrolment.objects.current(today)
        .filter(group_id=group_id)
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
    )


# Compiled once per process (stetapp/compiled.py; docs/decisions.md, decision 70).
_CURRENT_PEOPLE = CompiledQuery(_current_people_query)


def group_composition(*, group: Group) -> Composition:
    """The make-up of the group's current participants (one query), with warnings:
    size outside 12–15, and in a group meant to be diverse, one community or language
    that forms a majority."""
    today = timezone.localdate()
    people = [
        e.participant  # type: ignore[attr-defined]
        for e in _CURRENT_PEOPLE.objects(group_id=group.pk, today=today)
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


__all__ = [
    "Composition",
    "group_composition",
    "participant_get_for_user",
    "FUNNEL_READERS",
    "group_size",
    "size_warnings",
]
