"""The history walk (issue 11, item 8; docs/privacy.md, "Change history"): on PostgreSQL,
every row that any test writes to a record about a person must have its history row.

`privacy.history` records writes from inside the ORM. This check does not trust that: it
watches the database itself. For the whole session, a trigger on every tracked table (and
on the link tables of their many-to-many fields) notes each inserted, deleted and really
changed row in `tests_history_walk`, and a trigger on the history table notes each history
row. After each test the notes are matched:

- an inserted or deleted row needs a `created` or `deleted` history row for that record;
- a changed row needs `updated` history rows naming every column that changed (the
  bookkeeping columns of `privacy.history.UNTRACKED_FIELDS` aside);
- a link added or removed needs an `updated` row of the owning record listing the linked
  number under `+` or `-`.

A write without its history row fails the test that made it. Writes inside an erasure
(`stetapp.erasure` on) are left out: the erasure rewrites the history on purpose
(privacy.erasure). A test that writes around the ORM on purpose (COPY in seed_scale, raw
SQL against the append-only trigger) says so with `@pytest.mark.history_unrecorded(why)`.

The notes hold table names, numbers and column names only — never a value — so the
erasure tests' scans of every text column for a canary stay true.

At the end the session prints the figure: writes seen, writes with their history row.
With pytest-xdist each worker hands its counts to the controller through `workeroutput`.
On SQLite the walk is off (it needs PostgreSQL's triggers) and says so.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

WORKER_KEY = "stetapp_history_walk"
TABLE = "tests_history_walk"  # also spelled out in FUNCTION_SQL

FUNCTION_SQL = """
CREATE TABLE IF NOT EXISTS tests_history_walk (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    tbl text NOT NULL,
    pk text NOT NULL,
    op text NOT NULL,
    cols text[] NOT NULL DEFAULT '{}',
    links jsonb
);

CREATE OR REPLACE FUNCTION tests_history_walk_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
    n jsonb;
    changed text[];
BEGIN
    IF current_setting('stetapp.erasure', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'DELETE') THEN
        -- the row written or removed (NEW is null in a DELETE trigger, OLD in an INSERT)
        n := coalesce(to_jsonb(NEW), to_jsonb(OLD));
        INSERT INTO tests_history_walk (kind, tbl, pk, op, links) VALUES (
            'write', TG_TABLE_NAME, n ->> TG_ARGV[0],
            CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'deleted' END,
            CASE WHEN TG_ARGV[2] <> '' THEN
                jsonb_build_array(n ->> TG_ARGV[2], n ->> TG_ARGV[3]) END);
    ELSE
        o := to_jsonb(OLD);
        n := to_jsonb(NEW);
        SELECT coalesce(array_agg(key ORDER BY key), '{}') INTO changed
          FROM jsonb_each(n)
         WHERE key <> ALL (TG_ARGV[1]::text[]) AND (o -> key) IS DISTINCT FROM value;
        IF cardinality(changed) > 0 THEN
            INSERT INTO tests_history_walk (kind, tbl, pk, op, cols)
            VALUES ('write', TG_TABLE_NAME, n ->> TG_ARGV[0], 'updated', changed);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION tests_history_walk_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tests_history_walk (kind, tbl, pk, op, cols, links)
    SELECT 'history', NEW.model, NEW.object_id, NEW.action,
           coalesce(array_agg(key ORDER BY key), '{}'),
           jsonb_object_agg(key, value) FILTER (WHERE jsonb_typeof(value) = 'object')
      FROM jsonb_each(coalesce(NEW.fields, '{}'::jsonb));
    RETURN NULL;
END $$;
"""


@dataclass
class Tally:
    tests: int = 0
    writes: int = 0
    recorded: int = 0
    by_model: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tests": self.tests,
            "writes": self.writes,
            "recorded": self.recorded,
            "by_model": dict(self.by_model),
        }

    def add(self, other: dict[str, Any]) -> None:
        self.tests += other.get("tests", 0)
        self.writes += other.get("writes", 0)
        self.recorded += other.get("recorded", 0)
        self.by_model.update(other.get("by_model", {}))


@dataclass
class Watched:
    """What the triggers watch: table name → (model label, column → field name), and
    link table name → (owning model label, field name)."""

    tables: dict[str, tuple[str, dict[str, str]]]
    links: dict[str, tuple[str, str]]


_tally = Tally()
_watched: Watched | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "history_unrecorded(why): this test writes personal data around the ORM on purpose; "
        "the history walk (tests/history_walk.py) does not check it",
    )


def _install() -> Watched:
    from django.db import connection

    from privacy.history import _LINKS, UNTRACKED_FIELDS, tracked_models
    from privacy.models import Change

    quote = connection.ops.quote_name
    tables: dict[str, tuple[str, dict[str, str]]] = {}
    links: dict[str, tuple[str, str]] = {}
    statements = [FUNCTION_SQL]

    def trigger(table: str, *args: str) -> None:
        name = quote(f"{TABLE}_{table}"[:63])
        literal = ", ".join("'" + a.replace("'", "''") + "'" for a in args)
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_write({literal})"
        )

    for model in tracked_models():
        meta = model._meta
        pk_column = str(meta.pk.column)
        columns = {str(f.column): f.name for f in meta.concrete_fields}
        ignored = [pk_column] + [
            str(f.column) for f in meta.concrete_fields if f.name in UNTRACKED_FIELDS
        ]
        tables[meta.db_table] = (meta.label, columns)
        trigger(meta.db_table, pk_column, "{" + ",".join(ignored) + "}", "", "")
    for through, link in _LINKS.items():
        table = through._meta.db_table
        links[table] = (link.model._meta.label, link.name)
        trigger(
            table,
            str(through._meta.pk.column),
            "{}",
            link.m2m_column_name(),
            link.m2m_reverse_name(),
        )
    history = Change._meta.db_table
    statements.append(f"DROP TRIGGER IF EXISTS {TABLE}_history ON {quote(history)}")
    statements.append(
        f"CREATE TRIGGER {TABLE}_history AFTER INSERT ON {quote(history)} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_history()"
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return Watched(tables=tables, links=links)


@pytest.fixture(scope="session", autouse=True)
def _history_walk_triggers(django_db_setup, django_db_blocker):
    """Install the triggers in the test database once (PostgreSQL only)."""
    global _watched
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        _watched = _install()
    yield
    _watched = None


def missing_history(notes: list[tuple[Any, ...]], watched: Watched) -> tuple[int, list[str]]:
    """Match the writes in `notes` with the history rows in `notes`: how many writes there
    were, and a line for each write without its history row."""
    created: set[tuple[str, str]] = set()
    deleted: set[tuple[str, str]] = set()
    updated: dict[tuple[str, str], set[str]] = {}
    linked: set[tuple[str, str, str, str, str]] = set()
    for kind, tbl, pk, op, cols, links in notes:
        if kind != "history":
            continue
        if op == "created":
            created.add((tbl, pk))
        elif op == "deleted":
            deleted.add((tbl, pk))
        else:
            updated.setdefault((tbl, pk), set()).update(cols)
            for name, value in (links or {}).items():
                for sign in ("+", "-"):
                    for target in value.get(sign, ()):
                        linked.add((tbl, pk, name, sign, str(target)))
    writes = 0
    missing = []
    for kind, tbl, pk, op, cols, links in notes:
        if kind != "write":
            continue
        writes += 1
        if tbl in watched.links:
            label, name = watched.links[tbl]
            owner, target = links
            sign = "+" if op == "created" else "-"
            if (label, owner, name, sign, target) not in linked:
                missing.append(f"{label} {owner}: link {name} {sign}{target}")
            continue
        label, columns = watched.tables[tbl]
        if op == "created" and (label, pk) not in created:
            missing.append(f"{label} {pk}: created")
        elif op == "deleted" and (label, pk) not in deleted:
            missing.append(f"{label} {pk}: deleted")
        elif op == "updated":
            names = {columns.get(column, column) for column in cols}
            unrecorded = names - updated.get((label, pk), set())
            if unrecorded:
                missing.append(f"{label} {pk}: {', '.join(sorted(unrecorded))} changed")
    return writes, missing


def _read_and_clear() -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, tbl, pk, op, cols, links FROM {TABLE} ORDER BY id")  # noqa: S608
        # Django reads jsonb as text; the links become lists and dicts again.
        notes = [
            (*row[:5], json.loads(row[5]) if isinstance(row[5], str) else row[5])
            for row in cursor.fetchall()
        ]
        if notes:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    return notes


def _label_of(tbl: str, watched: Watched) -> str:
    if tbl in watched.links:
        return watched.links[tbl][0]
    return watched.tables[tbl][0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    watched = _watched
    if watched is None:
        return result
    from django.db import DatabaseError, connection
    from pytest_django.plugin import blocking_manager_key

    if not connection.in_atomic_block and not (
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    ):
        return result  # no database in this test
    try:
        with item.config.stash[blocking_manager_key].unblock():
            notes = _read_and_clear()
    except DatabaseError:
        return result  # the test left its transaction broken on purpose; it rolls back
    if item.get_closest_marker("history_unrecorded") is not None:
        return result
    writes, missing = missing_history(notes, watched)
    if writes:
        _tally.tests += 1
    _tally.writes += writes
    _tally.recorded += writes - len(missing)
    for note in notes:
        if note[0] == "write":
            _tally.by_model[_label_of(note[1], watched)] += 1
    assert not missing, "writes without their history row:\n" + "\n".join(missing[:20])
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_KEY] = _tally.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    _tally.add(getattr(node, "workeroutput", {}).get(WORKER_KEY, {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if getattr(config, "workerinput", None) is not None:
        return
    if not _tally.tests:
        terminalreporter.write_line(
            "history walk: off (it needs PostgreSQL) or no test wrote a record about a person"
        )
        return
    share = 100 * _tally.recorded / _tally.writes if _tally.writes else 100.0
    terminalreporter.write_line(
        f"history walk: {_tally.writes:,} writes of records about people in "
        f"{_tally.tests:,} tests, {_tally.recorded:,} with their history row ({share:.2f} %)"
    )
    models = ", ".join(f"{label} {n:,}" for label, n in _tally.by_model.most_common())
    terminalreporter.write_line(f"history walk by record: {models}")
