"""What every builder shares: the batch size, aware datetimes and `ensure`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db import connections, router
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


def insert(model: type[Model], objs: Iterable[Model], *, batch_size: int = BATCH) -> int:
    """Store new rows whose keys nobody needs back (attendance marks, links, texts).

    On PostgreSQL they go through one COPY (psycopg's `cursor.copy`), about twice as fast
    as INSERTs of a thousand rows (docs/decisions.md, "seed_scale"); elsewhere through
    `bulk_create`. Each field is prepared as `bulk_create` prepares it (`pre_save`, so
    `auto_now` applies, then `get_db_prep_save`). Returns how many rows were written."""
    objs = list(objs)
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return len(objs)
    if not objs:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    for obj in objs:  # keys of related rows saved after these were made, as bulk_create does
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    # cursor.cursor: the psycopg cursor under Django's wrapper.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    return len(objs)
