"""Writes for an organisation's list of communities (groups/communities.py).

The project lead adds categories, renames labels and hides categories nobody uses any
more. A code never changes and a row is never deleted. Changes of one organisation's list
are serialised on its organisation row (labels must stay distinct); an edit names the
version it started from, and a default nobody changed yet has version 0 (no row).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from .communities import (
    DEFAULT_CODES,
    DEFAULTS,
    Community,
    CommunityList,
    community_key,
    community_list,
    default_labels,
)
from .models import Group, Organisation, OrganisationCommunity

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ConflictError(Exception):
    """Someone else changed the category since the form was opened."""


@dataclass(frozen=True)
class Usage:
    """How many of the organisation's groups and participants a category has."""

    groups: int = 0
    participants: int = 0

    @property
    def total(self) -> int:
        return self.groups + self.participants


def community_usage(*, organisation: Organisation, categories: CommunityList) -> dict[str, Usage]:
    """Per code: the organisation's groups and participants whose typed community maps to
    it. Two aggregate queries (one per distinct text, not per row). The participant is
    read by its app label: this foundation app imports no phase (decision 30)."""
    participant = apps.get_model("participants", "Participant")
    groups: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for counter, queryset in (
        (groups, Group.objects.filter(organisation=organisation)),
        (people, participant.objects.filter(group__organisation=organisation)),
    ):
        for row in queryset.order_by().values("community").annotate(n=Count("pk")):
            counter[categories.code(row["community"])] += row["n"]
    return {
        code: Usage(groups=groups[code], participants=people[code])
        for code in set(groups) | set(people)
    }


def _clean_labels(label_nl: str, label_en: str) -> tuple[str, str]:
    label_nl, label_en = " ".join(label_nl.split()), " ".join(label_en.split())
    if not label_nl and not label_en:
        raise ValidationError({"label_nl": _("Give the category a Dutch or an English label.")})
    return label_nl, label_en


def _check_distinct(*, categories: CommunityList, code: str, labels: tuple[str, str]) -> None:
    """A label may not be "other" nor another category's code, label or former label."""
    other_label = DEFAULTS.label(Community.OTHER)
    reserved = {community_key(t) for t in (*default_labels(Community.OTHER), Community.OTHER.value)}
    errors: dict[str, str] = {}
    for name, text in zip(("label_nl", "label_en"), labels, strict=True):
        key = community_key(text)
        if key in reserved:
            errors[name] = _("“%(label)s” is what every unlisted community counts as.") % {
                "label": other_label
            }
            continue
        for other in categories.categories.values():
            if other.code in (code, Community.OTHER):
                continue
            if key and key in {community_key(t) for t in other.spellings()}:
                errors[name] = _("Another category, “%(label)s”, already has this name.") % {
                    "label": other.label
                }
                break
    if errors:
        raise ValidationError(errors)


def _lock(organisation: Organisation) -> CommunityList:
    """Lock the organisation's row for this transaction; its list as it is now."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
    return community_list(organisation.pk)


@transaction.atomic
def community_category_add(
    *, organisation: Organisation, code: str, label_nl: str, label_en: str
) -> OrganisationCommunity:
    """Add a category of the organisation's own. Raises ValidationError (field errors):
    a code that is not a short lower-case slug, a code already on the list (the defaults
    included), or a label another category has."""
    code = code.strip().lower()
    labels = _clean_labels(label_nl, label_en)
    categories = _lock(organisation)
    errors: dict[str, list[str]] = {}
    if not CODE_PATTERN.match(code):
        errors["code"] = [
            _("Use 2 to 40 lower-case letters, digits or underscores, starting with a letter.")
        ]
    elif code in categories.categories:
        errors["code"] = [_("This code is already on the list.")]
    try:
        _check_distinct(categories=categories, code=code, labels=labels)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return OrganisationCommunity.objects.create(
                organisation=organisation, code=code, label_nl=labels[0], label_en=labels[1]
            )
    except IntegrityError:
        raise ValidationError({"code": _("This code is already on the list.")}) from None


@transaction.atomic
def community_category_update(
    *,
    organisation: Organisation,
    code: str,
    label_nl: str,
    label_en: str,
    active: bool,
    version: int,
) -> OrganisationCommunity:
    """Rename a category or hide it (or offer it again). `version` is the one the form
    showed (0 for a default nobody changed). Raises ConflictError when someone else
    saved it meanwhile, ValidationError when hiding a category that groups or
    participants still have, or when a label is another category's."""
    labels = _clean_labels(label_nl, label_en)
    categories = _lock(organisation)
    current = categories.categories.get(code)
    if current is None or code == Community.OTHER:
        raise ValidationError({"code": _("This category is not on the list.")})
    if current.version != version:
        raise ConflictError
    _check_distinct(categories=categories, code=code, labels=labels)
    if not active and current.active:
        usage = community_usage(organisation=organisation, categories=categories).get(code)
        if usage and usage.total:
            raise ValidationError(
                {
                    "active": _(
                        "Groups or participants still have this category (%(groups)d "
                        "groups, %(participants)d participants). Change theirs first, "
                        "then hide it."
                    )
                    % {"groups": usage.groups, "participants": usage.participants}
                }
            )
    # The labels it had keep their meaning: text typed under them keeps the code.
    former = [t for t in (current.label_nl, current.label_en) if t and t not in labels]
    if current.version == 0 and code in DEFAULT_CODES:
        former = []  # the shared spellings recognise a default's labels already
    aliases = list(dict.fromkeys([*current.aliases, *former]))
    values = {"label_nl": labels[0], "label_en": labels[1], "active": active, "aliases": aliases}
    if current.version == 0:
        try:
            with transaction.atomic():
                return OrganisationCommunity.objects.create(
                    organisation=organisation, code=code, **values
                )
        except IntegrityError:
            raise ConflictError from None
    rows = OrganisationCommunity.objects.filter(
        organisation=organisation, code=code, version=version
    )
    if not rows.update(version=F("version") + 1, updated_at=timezone.now(), **values):
        raise ConflictError
    return OrganisationCommunity.objects.get(organisation=organisation, code=code)


__all__ = [
    "ConflictError",
    "Usage",
    "community_category_add",
    "community_category_update",
    "community_usage",
]
