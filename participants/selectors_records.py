"""Reads for the participant records (views_records.py): who may edit a record or see
it in full, and the list of records a user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from groups.access import Need, can
from groups.models import Group

from .models import Participant


def can_edit_participant(*, user, participant: Participant) -> bool:
    return Participant.objects.editable_by(user).filter(pk=participant.pk).exists()


def sees_full_record(*, user, group: Group) -> bool:
    """Facilitators of the group and project leads of its organisation see the whole
    record; volunteers only the name and phone number."""
    return can(user, group, Need.EDIT)


def participant_list_for_user(*, user) -> QuerySet[Participant]:
    """Participants the user may see, with their group's name (one query after the
    scope): only the columns the list shows (name, phone, status, group), never the rest
    of a record (docs/privacy.md, "Who sees what").

    A page's cost is bounded by what it shows (docs/decisions.md, decision 57): the
    user's group ids first (`Participant.objects.visible_in_scope`), and the index on
    (group, name) serves a one-group list in its order. Reading fewer columns also makes
    the query cheaper to compile: Django hashes every selected column when it orders."""
    return (
        Participant.objects.visible_in_scope(user)
        .select_related("group")
        .only("full_name", "phone", "status", "group__name")
        .order_by("full_name")
    )


__all__ = [
    "participant_list_for_user",
    "sees_full_record",
    "can_edit_participant",
]
