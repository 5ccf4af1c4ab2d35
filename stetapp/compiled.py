"""A query built with the ORM once per process, then run with new values.

Django builds and compiles a queryset anew on every request. For a query with nested
subqueries, a window function and a union, that Python costs three to four times the
database's work: "who to call" on the home page took 3.6 ms, 0.8 of them in PostgreSQL
(docs/decisions.md, decision 69). `CompiledQuery` keeps the SQL that Django compiled for
a query and, on later calls with the same shape, sends it again with the new values. The
query itself stays written with the ORM and the rules it calls (`Meeting.objects.started`,
`Enrolment.objects.current`, …): nothing is written twice in SQL.

How the values are found in the compiled SQL: the query is built twice with stand-in
values (ids no table holds, dates a thousand years ago), and each parameter of the
compiled SQL is traced to the stand-in it is. Everything else in the parameters must be
the same in both builds and may not be a date or a time: a value the query derived from
its inputs (today minus thirty days) or read from the clock itself would otherwise be kept
for good. Such a query raises `ValueError` when it is first compiled (tested), so the
query must take every value that varies as an argument. A build that reads a variable of
an enclosing function, or a list bound by `functools.partial`, is refused when the
`CompiledQuery` is made (`_captured`); a module's global variables cannot be seen, and a
build must read none.

A list (of ids) compiles to one placeholder per id, so the shape is the names of the
values and the length of each list. Only on PostgreSQL, where Django sends dates and
times to the driver as they are; elsewhere (the demo's SQLite) the query is built and run
as usual. `rows` gives the rows as the database sends them, without Django's field
converters: for `values_list` queries of ids, dates and text. `objects` gives model
instances, as iterating the queryset would (with its `select_related` objects, its `only`
fields deferred and its annotations), for the lists of a page (decision 70).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Shapes kept per query (one per length of its lists); beyond this they are compiled again.
MAX_SHAPES = 256

Value = int | str | dt.date | dt.datetime | Sequence[int]


@dataclass(frozen=True)
class _Shape:
    sql: str
    # Per parameter: (name, index in the list or None) for an input, or None for a
    # constant of the query (kept in `constants` at the same position).
    slots: tuple[tuple[str, int | None] | None, ...]
    constants: tuple[Any, ...]
    # How a row becomes a model instance (`objects`): None for a query of values.
    instances: _Instances | None = None


@dataclass(frozen=True)
class _Instances:
    """What Django's ModelIterable reads from a compiler, read once per shape."""

    model: type[Model]
    init_list: tuple[str, ...]
    start: int
    end: int
    related: tuple[Any, ...]  # django.db.models.query.RelatedPopulator
    annotations: tuple[tuple[str, int], ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]

    @classmethod
    def of(cls, compiler: Any, queryset: QuerySet) -> _Instances:
        if queryset._iterable_class is not ModelIterable:
            raise TypeError("objects() is for a queryset of model instances; use rows()")
        if getattr(queryset, "_prefetch_related_lookups", ()) or getattr(
            queryset, "_known_related_objects", None
        ):
            raise TypeError("objects() does not prefetch: select_related what the page shows")
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        converters = []
        for position, (expression, _sql, _alias) in enumerate(select[: compiler.col_count]):
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if found:
                converters.append((position, tuple(found), expression))
        return cls(
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            start=start,
            end=end,
            related=tuple(get_related_populators(klass_info, select, queryset.db)),  # type: ignore[call-arg]
            annotations=tuple((compiler.annotation_col_map or {}).items()),
            converters=tuple(converters),
        )

    def build(self, rows: list[tuple], db: str) -> list[Model]:
        """Model instances from rows, as ModelIterable makes them."""
        made = []
        for fetched in rows:
            row = list(fetched)
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            obj = self.model.from_db(db, list(self.init_list), row[self.start : self.end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            made.append(obj)
        return made


def _stand_in(kind: object, number: int) -> object:
    """The `number`th stand-in for a value like `kind`: equal to no constant of a query."""
    if isinstance(kind, bool):
        raise TypeError("a bool is a constant of the query, not a value to pass")
    if isinstance(kind, int):
        return -2_000_000_000 + number
    if isinstance(kind, dt.datetime):
        return dt.datetime(1001 + number, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    if isinstance(kind, dt.date):
        return dt.date(1001 + number, 2, 3)
    if isinstance(kind, str):
        return f"stand-in {number} for a compiled query"
    raise TypeError(f"no stand-in for a value of type {type(kind).__name__}")


def _kind(value: object) -> type:
    """Which stand-ins a value takes: they are numbered per kind."""
    for kind in (bool, dt.datetime, dt.date, int, str):
        if isinstance(value, kind):
            return kind
    return type(value)


class CompiledQuery:
    """`build(**values)` → a queryset; `rows(**values)` → its rows, compiled once per
    shape (see the module's docstring)."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self.build = build
        captured = _captured(build)
        if captured:
            raise TypeError(
                f"{self._name} reads {', '.join(captured)} from outside its arguments,"
                " which the compiled SQL would keep for good: pass them as arguments"
            )
        self._shapes: dict[tuple, _Shape] = {}
        self._lock = threading.Lock()

    def rows(self, **values: Value) -> list[tuple]:
        if connection.vendor != "postgresql":
            return [tuple(row) for row in self.build(**values)]
        return self._fetch(self._shape(values), values)

    def objects(self, **values: Value) -> list[Model]:
        """The queryset's model instances, from the kept SQL (see the module's
        docstring); `build` must return a queryset of instances, without prefetching."""
        if connection.vendor != "postgresql":
            return list(self.build(**values))
        shape = self._shape(values, instances=True)
        if shape.instances is None:
            return []  # Django knows the query returns nothing (an empty list of ids)
        return shape.instances.build(self._fetch(shape, values), connection.alias)

    def _shape(self, values: dict[str, Value], *, instances: bool = False) -> _Shape:
        key = (
            instances,
            *sorted(
                (name, len(value) if isinstance(value, list | tuple) else None)
                for name, value in values.items()
            ),
        )
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._compile(values, instances=instances)
            with self._lock:
                if len(self._shapes) >= MAX_SHAPES:
                    self._shapes.clear()
                self._shapes[key] = shape
        return shape

    @staticmethod
    def _fetch(shape: _Shape, values: dict[str, Value]) -> list[tuple]:
        if shape.sql == "":
            return []  # Django knows the query returns nothing (an empty list of ids)
        params: list[Any] = [
            constant
            if slot is None
            else (values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]])  # type: ignore[index]
            for slot, constant in zip(shape.slots, shape.constants, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(shape.sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _compile(self, values: dict[str, Value], *, instances: bool = False) -> _Shape:
        first, first_params, first_where, built = self._build_with_stand_ins(values, offset=0)
        second, second_params, second_where, _ = self._build_with_stand_ins(values, offset=500)
        if first != second:
            raise ValueError(f"{self._name}: the SQL depends on the values, not their number")
        slots: list[tuple[str, int | None] | None] = []
        constants: list[Any] = []
        for position, (one, other) in enumerate(zip(first_params, second_params, strict=True)):
            where = first_where.get(_key(one))
            if where is not None and second_where.get(_key(other)) == where:
                slots.append(where)
                constants.append(None)
                continue
            if one != other or isinstance(one, dt.date | dt.time):
                raise ValueError(
                    f"{self._name}: parameter {position} ({one!r}) is neither a value "
                    "passed in nor a constant: pass every value that varies"
                )
            slots.append(None)
            constants.append(one)
        missing = set(first_where.values()) - set(slots)
        if first and missing:
            raise ValueError(f"{self._name}: values not in the query: {sorted(missing)}")
        return _Shape(
            sql=first,
            slots=tuple(slots),
            constants=tuple(constants),
            instances=_Instances.of(*built) if instances and first else None,
        )

    def _build_with_stand_ins(
        self, values: dict[str, Value], *, offset: int
    ) -> tuple[str, list[Any], dict[tuple[type, object], tuple[str, int | None]], tuple]:
        """The SQL and parameters with stand-ins, where each stand-in is, and the compiler
        with its queryset (what `_Instances` reads)."""
        stand_ins: dict[str, Value] = {}
        where: dict[tuple[type, object], tuple[str, int | None]] = {}
        # Numbered per kind: a list of 10,000 ids must not push a date's stand-in past
        # the year 9999 (dates count from the year 1001).
        numbers: dict[type, int] = {}

        def next_stand_in(value: object) -> object:
            kind = _kind(value)
            number = numbers.get(kind, offset)
            numbers[kind] = number + 1
            return _stand_in(value, number)

        for name, value in sorted(values.items()):
            if isinstance(value, list | tuple):
                if not value:
                    raise ValueError(f"{self._name}: {name} is an empty list")
                items = []
                for index, item in enumerate(value):
                    stand_in = next_stand_in(item)
                    where[_key(stand_in)] = (name, index)
                    items.append(stand_in)
                stand_ins[name] = items  # type: ignore[assignment]
            else:
                stand_in = next_stand_in(value)
                where[_key(stand_in)] = (name, None)
                stand_ins[name] = stand_in  # type: ignore[assignment]
        queryset = self.build(**stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return "", [], where, (compiler, queryset)
        return sql, list(params), where, (compiler, queryset)

    @property
    def _name(self) -> str:
        return getattr(self.build, "__qualname__", repr(self.build))


def _captured(build: Callable[..., QuerySet]) -> list[str]:
    """The values `build` takes from outside its arguments that could change while its
    SQL is kept: an enclosing function's variables (a function, class or module there is
    code, not a value) and lists, sets or dicts bound by `functools.partial` (a flag or
    another constant bound by a partial makes a query of its own: `_TO_RECORD` in
    meetings/selectors_planning.py). A module's global variables are not seen: a build
    must read none."""
    found = []
    if isinstance(build, partial):
        found += [
            name
            for name, value in build.keywords.items()
            if isinstance(value, list | set | dict | bytearray)
        ]
        if build.args:
            found.append("positional arguments of a partial")
        build = build.func
    code = getattr(build, "__code__", None)
    cells = getattr(build, "__closure__", None) or ()
    for name, cell in zip(code.co_freevars if code else (), cells, strict=False):
        try:
            value = cell.cell_contents
        except ValueError:  # not assigned yet: a function defined later in the same scope
            continue
        if not (callable(value) or isinstance(value, ModuleType)):
            found.append(name)
    return found


def _key(value: object) -> tuple[type, object]:
    """A parameter's identity for tracing: 3 and 3.0 or a date and a datetime differ."""
    try:
        hash(value)
    except TypeError:
        return (type(value), id(value))
    return (type(value), value)
