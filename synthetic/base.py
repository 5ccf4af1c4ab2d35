"""What every builder shares: the batch size, aware datetimes and `ensure`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db.models import Model
from django.utils import timezone

BATCH = 1000  # rows per INSERT: within SQLite's parameter limit, big enough to be fast

M = TypeVar("M", bound=Model)


def aware(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def ensure(
    model: type[M], objs: Iterable[M], *, key: Sequence[str], batch_size: int = BATCH
) -> tuple[list[M], list[M]]:
    """Return the rows of `objs` as stored, inserting the missing ones in bulk.

    A row is identified by the attribute names in `key` (use `organisation_id`, not
    `organisation`); the first must never be None. One query finds the rows already there,
    so running a builder again changes nothing. Returns (all rows in the order given, the
    rows just created)."""
    objs = list(objs)
    if not objs:
        return [], []

    def natural(obj) -> tuple:
        return tuple(getattr(obj, name) for name in key)

    first = key[0]
    wanted = {getattr(o, first) for o in objs}
    found = {natural(row): row for row in model._default_manager.filter(**{f"{first}__in": wanted})}
    missing: dict[tuple, M] = {}
    for obj in objs:
        if natural(obj) not in found:
            missing.setdefault(natural(obj), obj)
    created = model._default_manager.bulk_create(list(missing.values()), batch_size=batch_size)
    found.update((natural(row), row) for row in created)
    return [found[natural(o)] for o in objs], created
