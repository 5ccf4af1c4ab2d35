"""How PostgreSQL runs heavy aggregates: planned for their own values each time
(`unprepared`), and without compiling them to machine code (`without_jit`).

Statements are prepared per connection from their second use (docs/decisions.md 69).
After five runs of a prepared statement PostgreSQL may switch to one generic plan, made
without the values, when its estimate looks no worse. For the pages' small queries that
saves planning; for the programme dashboard's aggregates over thousands of groups the
generic plan was 1.8 times as slow (3.5 s against 6.4 s at 10,000 groups, from the eighth
build on one connection; docs/decisions.md 70). Inside `unprepared()` psycopg sends
every statement unprepared, so each is planned for its values, at no extra round trip.
"""

from __future__ import annotations

from contextlib import ContextDecorator, suppress
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


class without_jit(ContextDecorator):  # noqa: N801 - used like a function
    """Within the block (or the decorated function), PostgreSQL compiles no query to
    machine code. Its JIT starts above a planner cost that the dashboard's counts over
    thousands of groups pass, and compiling took longer than it saved: 0.23 s of one
    0.9 s query at 10,000 groups, the whole count 2.2 s with it and 1.9 s without
    (docs/decisions.md 74). The pages' small queries never reach it. `SET` and `RESET`
    go straight to psycopg, unprepared: two statements that read no data. The setting
    is put back even when the block fails; a connection whose transaction broke keeps
    it off until it closes, which only changes how a plan is run."""

    def _recreate_cm(self) -> without_jit:
        return type(self)()

    def __enter__(self) -> without_jit:
        self._raw: Any = None
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self._raw = connection.connection
            self._raw.execute("SET jit = off", prepare=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            import psycopg

            # In an aborted transaction RESET fails: the caller's own error goes on.
            with suppress(psycopg.Error):
                self._raw.execute("RESET jit", prepare=False)
