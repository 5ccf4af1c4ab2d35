"""Applying retention: anonymise what privacy.retention.due_items says is due, through the
one erasure function (privacy/erasure.py), never a second anonymisation (decision 64)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from groups.models import Organisation

from .erasure import erase_intakes, erase_participants
from .models_retention import RetentionPolicy
from .retention import POLICY_FIELD, Due, due_items

# The reason the erasure ledger keeps (a code, never free text).
REASON = "retention"

# People per erasure transaction.
BATCH = 100

# The fields the lead sets (also the form's Meta.fields; decision 33).
POLICY_FIELDS = list(POLICY_FIELD.values())


def retention_policy_save(
    *,
    organisation: Organisation,
    left_months: int | None,
    never_joined_months: int | None,
    intake_months: int | None,
) -> RetentionPolicy:
    """Set the organisation's own periods; None keeps (or restores) the default."""
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    policy = policy or RetentionPolicy(organisation=organisation)
    policy.left_months = left_months
    policy.never_joined_months = never_joined_months
    policy.intake_months = intake_months
    policy.full_clean()
    policy.save()
    return policy


def apply_retention(
    *,
    today: dt.date | None = None,
    organisation_ids: Iterable[int] | None = None,
    actor_id: int | None = None,
) -> list[Due]:
    """Anonymise everything due on `today` (of the organisations, or all) and return
    what was anonymised. `actor_id` is None for the scheduler."""
    items = due_items(today=today, organisation_ids=organisation_ids)
    if items:
        _anonymise(items, actor_id=actor_id)
    return items


def _anonymise(items: list[Due], *, actor_id: int | None) -> None:
    """The whole person through the one erasure function, as an approved request would;
    questionnaire answers stay as anonymous scores, so that reports already sent stay
    true. The intake notes of someone still in contact: only the intakes."""
    whole = sorted({item.participant_id for item in items if item.scope == "person"})
    intakes = sorted({item.participant_id for item in items if item.scope == "intake"})
    # In batches: one transaction per batch keeps locks short on a first run that finds
    # years of people at once (about 28 queries per person).
    for start in range(0, len(whole), BATCH):
        erase_participants(
            participant_ids=whole[start : start + BATCH],
            reason=REASON,
            actor_id=actor_id,
            keep_scores=True,
        )
    for start in range(0, len(intakes), BATCH):
        erase_intakes(participant_ids=intakes[start : start + BATCH], actor_id=actor_id)
