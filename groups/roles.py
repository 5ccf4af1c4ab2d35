"""The roles and the role sets by meaning: the vocabulary of group access.

A role is held in one scope (`ROLE_SCOPE`). What a role may do on a group is said once,
here, as a set of roles per kind of need; `groups/access.py` turns these sets into
querysets and into the one entry point `group_get_for_user`. The rule is written in
`docs/decisions.md` (decision 26).

This module has no queries and imports no model, so that models, the access layer and
the navigation can all import it.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_COORDINATOR = "programme_coordinator", _("programme coordinator")
    PROJECT_LEAD = "project_lead", _("project lead")
    FACILITATOR = "facilitator", _("facilitator")
    VOLUNTEER = "volunteer", _("volunteer")
    FUNDER = "funder", _("funder")
    # The organisation's privacy officer (FG): reads the organisation's access log and
    # change history and the register of processing, never a participant's data beyond
    # names (docs/decisions.md, decision 61). In no group role set below.
    PRIVACY_OFFICER = "privacy_officer", _("privacy officer")


# Which scope each role is held in. A membership names exactly one scope.
ROLE_SCOPE = {
    Role.PROGRAMME_COORDINATOR: "programme",
    Role.PROJECT_LEAD: "organisation",
    Role.FACILITATOR: "group",
    Role.VOLUNTEER: "group",
    Role.FUNDER: "fund",
    Role.PRIVACY_OFFICER: "organisation",
}

# Roles held in a group itself (a membership with group_id).
GROUP_STAFF: frozenset[str] = frozenset({Role.FACILITATOR, Role.VOLUNTEER})

# The project lead of the group's organisation: changes the group's settings, venue,
# readiness and people.
GROUP_MANAGERS: frozenset[str] = frozenset({Role.PROJECT_LEAD})

# "The project lead or a facilitator of the group": they keep the group's records —
# plan meetings, edit the board and agreements, full participant records, evidence,
# measurement, continuation, confidential meeting notes.
GROUP_KEEPERS: frozenset[str] = GROUP_MANAGERS | {Role.FACILITATOR}

# Everyone who works in the group: the keepers and the group's volunteers. They take
# attendance and see participants' names.
GROUP_WORKERS: frozenset[str] = GROUP_KEEPERS | {Role.VOLUNTEER}

# Everyone who sees the group at all: the workers and the programme coordinators of a
# programme the organisation takes part in (group-level data and counts only).
GROUP_READERS: frozenset[str] = GROUP_WORKERS | {Role.PROGRAMME_COORDINATOR}


class Need(StrEnum):
    """What a view needs to do with a group."""

    READ = "read"  # see the group page and its counts
    WORK = "work"  # take part in running it: attendance, names
    EDIT = "edit"  # keep its records
    MANAGE = "manage"  # change the group itself


NEED_ROLES: dict[Need, frozenset[str]] = {
    Need.READ: GROUP_READERS,
    Need.WORK: GROUP_WORKERS,
    Need.EDIT: GROUP_KEEPERS,
    Need.MANAGE: GROUP_MANAGERS,
}
