"""Writes for co-creation (views_cocreation.py): ideas on the board, their votes, and the
group agreements. Atomic; ValidationError with field errors on bad input."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext as _

from groups.languages import LANGUAGE_CODES
from groups.models import Group

from .models import AgreementText, GroupAgreement, Idea

MAX_VOTES = 999  # hands raised on one idea; well inside a small integer


IDEA_FIELDS = (
    "title",
    "description",
    "activity_kind",
    "source",
    "proposed_by",
    "proposed_by_staff",
    "votes",
    "status",
    "meeting",
    "look_back",
)


@transaction.atomic
def idea_save(*, group: Group, idea: Idea | None = None, organisers=None, **fields) -> Idea:
    """Create (idea=None) or change an idea on the co-creation board."""
    unknown = set(fields) - set(IDEA_FIELDS)
    if unknown:
        raise TypeError(f"idea_save cannot set {sorted(unknown)}")
    idea = idea or Idea(group=group)
    for name, value in fields.items():
        setattr(idea, name, value)
    idea.full_clean()
    if idea.meeting is not None and idea.meeting.group_id != group.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this group.")})
    proposer = idea.proposed_by
    if proposer is not None and proposer.group.organisation_id != group.organisation_id:
        raise ValidationError({"proposed_by": _("Choose a participant of this group.")})
    idea.save()
    if organisers is not None:
        idea.organisers.set(organisers)
    return idea


@transaction.atomic
def idea_vote(*, idea: Idea, delta: int = 1) -> Idea:
    """Count raised hands; never below zero. Concurrent taps add up (an F() update).
    Clamped in the same UPDATE: `votes` is unsigned (a CHECK constraint), so going below
    zero first and correcting afterwards would fail."""
    Idea.objects.filter(pk=idea.pk).update(
        votes=Least(Greatest(F("votes") + delta, Value(0)), Value(MAX_VOTES))
    )
    idea.refresh_from_db()
    return idea


@transaction.atomic
def agreement_save(
    *,
    group: Group,
    texts: dict[str, str],
    agreement: GroupAgreement | None = None,
    agreed_on: dt.date | None = None,
    position: int | None = None,
) -> GroupAgreement:
    """Create or change an agreement with its text per language ({language: text});
    an empty text removes that language. At least one text is required."""
    texts = {lang: " ".join(text.split()) for lang, text in texts.items()}
    unknown = set(texts) - LANGUAGE_CODES
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    if not any(texts.values()):
        raise ValidationError(_("Write the agreement in at least one language."))
    agreement = agreement or GroupAgreement(group=group)
    if agreed_on is not None:
        agreement.agreed_on = agreed_on
    if position is not None:
        agreement.position = position
    elif agreement.pk is None:
        agreement.position = group.agreements.count() + 1
    agreement.full_clean()
    agreement.save()
    for language, text in texts.items():
        if text:
            AgreementText.objects.update_or_create(
                agreement=agreement, language=language, defaults={"text": text}
            )
        else:
            AgreementText.objects.filter(agreement=agreement, language=language).delete()
    return agreement
