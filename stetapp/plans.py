"""Queries PostgreSQL plans for their own values each time: for heavy aggregates.

Statements are prepared per connection from their second use (docs/decisions.md 69).
After five runs of a prepared statement PostgreSQL may switch to one generic plan, made
without the values, when its estimate looks no worse. For the pages' small queries that
saves planning; for the programme dashboard's aggregates over thousands of groups the
generic plan was 1.8 times as slow (3.5 s against 6.4 s at 10,000 groups, from the eighth
build on one connection; docs/decisions.md 70). Inside `unprepared()` psycopg sends
every statement unprepared, so each is planned for its values, at no extra round trip.
"""

from __future__ import annotations

from contextlib import ContextDecorator
from typing import Any

from django.db import connection


class unprepared(ContextDecorator):  # noqa: N801 - used like a function: `with unprepared():`
    """Within the block (or the decorated function), no statement is prepared or run as a
    prepared statement on this thread's connection. Nothing changes elsewhere than on
    PostgreSQL."""

    def _recreate_cm(self) -> unprepared:
        # A decorated function gets a new one per call: threads share the decorator.
        return type(self)()

    def __enter__(self) -> unprepared:
        self._raw: Any = None
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self._raw = connection.connection
            self._previous = self._raw.prepare_threshold
            self._raw.prepare_threshold = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            self._raw.prepare_threshold = self._previous
