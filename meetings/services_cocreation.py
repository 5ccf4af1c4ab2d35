"""Writes for co-creation (views_cocreation.py): ideas on the board, their votes, and the
group agreements. Atomic; ValidationError with field errors on bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.languages import LANGUAGE_CODES
from groups.models import Group
from participants.models import Participant
from stetapp.services import UNSET, Unset, given, model_update

from .models import AgreementText, GroupAgreement, Idea, Meeting

if TYPE_CHECKING:
    from stetapp.models import User

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
def idea_save(
    *,
    group: Group,
    idea: Idea | None = None,
    organisers: Iterable[Participant] | None = None,
    title: str | Unset = UNSET,
    description: str | Unset = UNSET,
    activity_kind: str | Unset = UNSET,
    source: str | Unset = UNSET,
    proposed_by: Participant | None | Unset = UNSET,
    proposed_by_staff: User | None | Unset = UNSET,
    votes: int | Unset = UNSET,
    status: str | Unset = UNSET,
    meeting: Meeting | None | Unset = UNSET,
    look_back: str | Unset = UNSET,
) -> Idea:
    """Create (idea=None) or change an idea on the co-creation board; only the
    IDEA_FIELDS given are set (and, when given, its organisers)."""
    data = given(
        title=title,
        description=description,
        activity_kind=activity_kind,
        source=source,
        proposed_by=proposed_by,
        proposed_by_staff=proposed_by_staff,
        votes=votes,
        status=status,
        meeting=meeting,
        look_back=look_back,
    )
    chosen = data.get("meeting", idea.meeting if idea else None)
    if chosen is not None and chosen.group_id != group.pk:
        raise ValidationError({"meeting": _("Choose a meeting of this group.")})
    proposer = data.get("proposed_by", idea.proposed_by if idea else None)
    if proposer is not None and proposer.group.organisation_id != group.organisation_id:
        raise ValidationError({"proposed_by": _("Choose a participant of this group.")})
    if idea is None:
        idea = Idea(group=group, **data)
        idea.full_clean()
        idea.save()
    else:
        idea, _changed = model_update(instance=idea, fields=IDEA_FIELDS, data=data)
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


# "Start with the three basics": the agreements nearly every group makes first, in Dutch
# and English, for the group to change into its own words.
BASIC_AGREEMENTS = [
    {
        "nl": "Persoonlijke verhalen uit de groep vertellen we niet door aan anderen.",
        "en": "Personal stories from the group are not passed on to anyone outside it.",
    },
    {
        "nl": "We laten elkaar uitpraten en nemen elkaars mening serieus, ook als we het "
        "oneens zijn.",
        "en": "We let each other finish and take each other's views seriously, even when we "
        "disagree.",
    },
    {
        "nl": "Geen vraag is te klein of te vreemd: iedereen mag alles vragen.",
        "en": "No question is too small or too strange: everyone may ask anything.",
    },
]


@transaction.atomic
def agreements_start_with_basics(*, group: Group) -> bool:
    """Add the three basic agreements unless the group has agreements already (the group
    row is locked, so a double tap adds them once). Returns whether they were added."""
    list(Group.objects.select_for_update().filter(pk=group.pk).values_list("pk", flat=True))
    if GroupAgreement.objects.filter(group=group).exists():
        return False
    today = timezone.localdate()
    for position, texts in enumerate(BASIC_AGREEMENTS, start=1):
        agreement_save(group=group, texts=texts, agreed_on=today, position=position)
    return True
