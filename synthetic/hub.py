"""Hub builders: a programme, its organisations, venues, groups, accounts and roles.

Each takes unsaved model instances (or plain rows) and stores what is missing in bulk,
so the demo can run again and a large programme is written in a few queries per batch.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from groups.models import Group, Membership, Organisation, Programme, Venue

from .base import ensure


def programme(*, name: str, description: str = "") -> Programme:
    return Programme.objects.get_or_create(name=name, defaults={"description": description})[0]


def organisations(*, programme: Programme, rows: list[Organisation]) -> list[Organisation]:
    """The organisations (by name), taking part in `programme`."""
    stored, _new = ensure(Organisation, rows, key=("name",))
    programme.organisations.add(*stored)
    return stored


def venues(rows: list[Venue]) -> list[Venue]:
    return ensure(Venue, rows, key=("name", "organisation_id"))[0]


def groups(rows: list[Group]) -> list[Group]:
    """The groups (by organisation and name); an existing group is left as it is."""
    return ensure(Group, rows, key=("name", "organisation_id"))[0]


def users(rows: list[tuple[str, str]], *, password: str | None = None) -> list:
    """Accounts (e-mail, full name), all with `password` (None: cannot sign in). The
    password is hashed once: hashing is slow on purpose, and every row gets the same."""
    User = get_user_model()
    hashed = make_password(password)
    return ensure(
        User,
        (User(email=email, full_name=name, password=hashed) for email, name in rows),
        key=("email",),
    )[0]


def memberships(rows: list[Membership]) -> list[Membership]:
    """Roles: one per (user, role, scope)."""
    key = ("user_id", "role", "programme_id", "organisation_id", "group_id", "fund_id")
    return ensure(Membership, rows, key=key)[0]
