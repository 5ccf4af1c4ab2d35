"""Writes for the evidence of impact: stories of change, selection rounds and the
observation log. Every function validates, writes atomically and raises ValidationError
with field errors for bad input; views show them with `apply_validation_error`.

Consent is read live: a story told by a named participant may only be shared beyond the
organisation (scope funder or public) while that participant has an active consent for
the matching kind of quote (`SCOPE_CONSENT_PURPOSES`). Withdrawing the consent later does
not change the story, but `story_shareable_with_funders` then says no, and so does the
fund report.

Editing a story is optimistic: the edit names the story's `version` it started from; the
row is locked, the version compared and raised by one, and a stale version raises
ConflictError and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group, Organisation
from participants.models import Consent, ConsentPurpose, Participant
from stetapp.services import UNSET, Unset, given, model_update

from .models import (
    SCOPE_CONSENT_PURPOSES,
    SCOPES_FOR_FUNDERS,
    ConsentScope,
    Observation,
    SelectionLevel,
    SelectionRound,
    Story,
)

if TYPE_CHECKING:
    from stetapp.models import User

STORY_FIELDS = (
    "storyteller",
    "domain",
    "own_domain",
    "title",
    "text",
    "language",
    "translation",
    "significance",
    "quote",
    "event_period",
    "collected_on",
    "consent_scope",
    "verified",
)


class ConflictError(Exception):
    """Someone else saved the story after this edit started; nothing was saved."""


def _purpose_labels(purposes: Iterable[str]) -> str:
    """“being quoted anonymously to funders” or “being quoted anonymously in public”."""
    labels = [f"“{ConsentPurpose(p).label}”" for p in purposes]
    text = labels[0]
    for label in labels[1:]:
        text = _("%(first)s or %(second)s") % {"first": text, "second": label}
    return text


def consent_missing_for_scope(
    *, storyteller: Participant | None, scope: str, active: set[str] | None = None
) -> tuple[str, ...]:
    """The consent purposes of which the storyteller needs one for `scope` and has none
    active (an empty tuple when nothing is missing). Only funder and public scopes need a
    consent; an anonymous story needs none. One query unless `active` is given."""
    if storyteller is None or scope not in SCOPES_FOR_FUNDERS:
        return ()
    needed = SCOPE_CONSENT_PURPOSES[ConsentScope(scope)]
    if active is None:
        active = set(
            Consent.objects.active()
            .filter(participant=storyteller, purpose__in=needed)
            .values_list("purpose", flat=True)
        )
    return () if active & set(needed) else tuple(needed)


def _check_story_consent(storyteller: Participant | None, scope: str) -> None:
    missing = consent_missing_for_scope(storyteller=storyteller, scope=scope)
    if missing:
        raise ValidationError(
            {
                "consent_scope": _(
                    "The storyteller has no active consent for %(purposes)s. Record that "
                    "consent on their page first, or keep the story within the organisation."
                )
                % {"purposes": _purpose_labels(missing)}
            }
        )


def _not_in_future(day: dt.date | None, field: str) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _one_line(value: str | Unset) -> str | Unset:
    return value if value is UNSET else " ".join(value.split())


@transaction.atomic
def story_save(
    *,
    group: Group,
    by: User,
    story: Story | None = None,
    version: int | None = None,
    storyteller: Participant | None | Unset = UNSET,
    domain: str | Unset = UNSET,
    own_domain: str | Unset = UNSET,
    title: str | Unset = UNSET,
    text: str | Unset = UNSET,
    language: str | Unset = UNSET,
    translation: str | Unset = UNSET,
    significance: str | Unset = UNSET,
    quote: str | Unset = UNSET,
    event_period: str | Unset = UNSET,
    collected_on: dt.date | Unset = UNSET,
    consent_scope: str | Unset = UNSET,
    verified: bool | Unset = UNSET,
) -> Story:
    """Create (story=None; `by` becomes the collector) or change a story of `group`
    (only the STORY_FIELDS given).

    A change names the `version` the editor started from: the story is locked, and a
    stale version raises ConflictError and saves nothing. Raises ValidationError for the
    model's rules (the organisation's own domain named, storyteller of this
    organisation), a collection date in the future, and a funder or public scope without
    the storyteller's active consent for that kind of quote."""
    if story is not None:
        if version is None:
            raise TypeError("story_save needs the version the edit started from")
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.version != version:
            raise ConflictError
    data = given(
        storyteller=storyteller,
        domain=domain,
        own_domain=_one_line(own_domain),
        title=_one_line(title),
        text=text,
        language=language,
        translation=translation,
        significance=significance,
        quote=_one_line(quote),
        event_period=_one_line(event_period),
        collected_on=collected_on,
        consent_scope=consent_scope,
        verified=verified,
    )

    def value(name: str) -> Any:
        return data[name] if name in data else getattr(story, name, None)

    if value("domain") != "own":
        data["own_domain"] = ""
    _not_in_future(value("collected_on"), "collected_on")
    if story is None:
        story = Story(group=group, collected_by=by, **data)
        story.full_clean()
        _check_story_consent(story.storyteller, story.consent_scope)
        story.save()
        return story
    _check_story_consent(value("storyteller"), value("consent_scope"))
    model_update(instance=story, fields=STORY_FIELDS, data=data)
    # Every edit counts, changed or not: the version always moves on.
    # Who and when are named if someone's stale edit is refused (docs/decisions.md 46).
    Story.objects.filter(pk=story.pk).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    story.refresh_from_db()
    return story


@dataclass(frozen=True)
class FunderStatus:
    """Whether a story may currently appear in a report to a funder, and why (not)."""

    allowed: bool
    reason: str


def story_shareable_with_funders(story: Story, active: set[str] | None = None) -> FunderStatus:
    """Read live: the story's scope must be funder or public, and a named storyteller must
    have an active consent for that kind of quote. One query for a named storyteller
    (none when `active`, the storyteller's active consent purposes, is given)."""
    if story.consent_scope not in SCOPES_FOR_FUNDERS:
        return FunderStatus(False, _("The story may only be shared within the organisation."))
    if story.storyteller_id is None:
        return FunderStatus(True, _("The story is anonymous and may be shared with funders."))
    missing = consent_missing_for_scope(
        storyteller=story.storyteller, scope=story.consent_scope, active=active
    )
    if missing:
        return FunderStatus(
            False,
            _("The storyteller has no active consent for %(purposes)s (any more).")
            % {"purposes": _purpose_labels(missing)},
        )
    return FunderStatus(True, _("The storyteller's consent is active."))


# --- selection rounds -------------------------------------------------------------------


@transaction.atomic
def selection_round_create(
    *,
    by: User,
    organisation: Organisation,
    group: Group | None,
    level: str,
    held_on: dt.date,
    panel: str,
    candidates: Iterable[Story],
    selected: Story,
    reasons: str,
    feedback_given_on: dt.date | None = None,
) -> SelectionRound:
    """Record a selection round. Raises ValidationError when the candidates are not all
    stories of the organisation (of the group, when one is named), when the chosen story
    is not a candidate, when the reasons are blank, or when the user could not see the
    round afterwards (a round without a group is for the organisation's project lead)."""
    candidates = list(candidates)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if group is not None and group.organisation_id != organisation.pk:
        add("group", _("Choose a group of this organisation."))
    if group is None and level == SelectionLevel.GROUP:
        add("group", _("A round at group level is about one group: choose it."))
    if (
        group is None
        and not Organisation.objects.managed_by(by).filter(pk=organisation.pk).exists()
    ):
        add(
            "group",
            _("Choose the group: a round for the whole organisation is for its project lead."),
        )
    if not candidates:
        add("candidates", _("Choose at least one candidate story."))
    elif any(s.group.organisation_id != organisation.pk for s in candidates):
        add("candidates", _("Choose only stories of this organisation."))
    elif group is not None and any(s.group_id != group.pk for s in candidates):
        add("candidates", _("Choose only stories of this group."))
    if selected is not None and selected.pk not in {s.pk for s in candidates}:
        add("selected", _("The chosen story must be one of the candidates."))
    if not (reasons or "").strip():
        add("reasons", _("Write down why the panel chose this story."))
    if not (panel or "").strip():
        add("panel", _("Say who was on the panel."))
    today = timezone.localdate()
    if held_on and held_on > today:
        add("held_on", _("The date cannot be in the future."))
    if feedback_given_on:
        if feedback_given_on > today:
            add("feedback_given_on", _("The date cannot be in the future."))
        elif held_on and feedback_given_on < held_on:
            add("feedback_given_on", _("Feedback cannot be given before the round was held."))
    if errors:
        raise ValidationError(errors)
    selection = SelectionRound(
        organisation=organisation,
        group=group,
        level=level,
        held_on=held_on,
        panel=panel.strip(),
        selected=selected,
        reasons=reasons.strip(),
        feedback_given_on=feedback_given_on,
        recorded_by=by,
    )
    selection.full_clean()
    selection.save()
    selection.candidates.set(candidates)
    return selection


@transaction.atomic
def selection_feedback_give(*, selection: SelectionRound, on: dt.date | None = None) -> bool:
    """Mark that the storytellers and the group heard the outcome (today by default).
    Returns False, changing nothing, when feedback was already recorded."""
    current = SelectionRound.objects.select_for_update().get(pk=selection.pk)
    if current.feedback_given_on is not None:
        selection.feedback_given_on = current.feedback_given_on
        return False
    current.feedback_given_on = on or timezone.localdate()
    current.save(update_fields=["feedback_given_on"])
    selection.feedback_given_on = current.feedback_given_on
    return True


# --- observations -----------------------------------------------------------------------


@transaction.atomic
def observation_record(
    *, group: Group, by: User, kind: str, observed_on: dt.date, text: str
) -> Observation:
    """Add an observation or an informal conversation to the group's log."""
    observation = Observation(
        group=group, kind=kind, observed_on=observed_on, observed_by=by, text=(text or "").strip()
    )
    observation.full_clean()
    _not_in_future(observation.observed_on, "observed_on")
    observation.save()
    return observation
