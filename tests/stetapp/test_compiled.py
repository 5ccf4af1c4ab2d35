"""A query built with the ORM once per process and shape, then run with new values
(stetapp/compiled.py): the same rows as the queryset, one query per call, compiled again
only for a new shape, and a clear error for a query that would keep a value for good."""

import datetime as dt
from functools import partial

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Attendance, Meeting
from stetapp import compiled
from stetapp.compiled import CompiledQuery
from tests.factories import MeetingFactory, participant_in

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="compiled once on PostgreSQL only; elsewhere the queryset runs as usual",
)

AMSTERDAM = timezone.get_default_timezone()


def _meetings(*, group_ids, since, until, title):
    return (
        Meeting.objects.filter(group_id__in=group_ids, starts_at__gte=since, starts_at__lt=until)
        .exclude(status="cancelled")
        .exclude(change_reason=title)
        .order_by("starts_at", "pk")
        .values_list("pk", "group_id")
    )


class Counted:
    """`_meetings`, counting its builds."""

    def __init__(self, build=_meetings):
        self.build = build
        self.builds = 0
        self.__qualname__ = build.__qualname__

    def __call__(self, **values):
        self.builds += 1
        return self.build(**values)


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 10, tzinfo=AMSTERDAM)


@pytest.fixture
def meetings(world):
    a1, a2, b1 = world.group_a1, world.group_a2, world.group_b1
    made = [
        MeetingFactory(group=a1, day=dt.date(2026, 3, 10)),
        MeetingFactory(group=a2, day=dt.date(2026, 3, 11)),
        MeetingFactory(group=b1, day=dt.date(2026, 3, 12)),
        MeetingFactory(group=a1, day=dt.date(2026, 3, 20)),
        MeetingFactory(group=a1, day=dt.date(2026, 3, 13), status="cancelled"),
    ]
    return a1, a2, b1, made


CASES = [
    # (groups by letter, since day, until day)
    ("a1", 1, 31),
    ("a1 a2", 1, 31),
    ("a1 a2 b1", 11, 21),
    ("a2 b1", 12, 13),
    ("b1 a1", 1, 11),
]


@pytest.mark.django_db
def test_the_rows_are_those_of_the_queryset_for_every_shape_and_value(meetings):
    a1, a2, b1, _made = meetings
    groups = {"a1": a1.pk, "a2": a2.pk, "b1": b1.pk}
    query = CompiledQuery(_meetings)
    for letters, since, until in CASES * 2:  # twice: the second round reuses the shapes
        values = {
            "group_ids": [groups[letter] for letter in letters.split()],
            "since": _at(since),
            "until": _at(until),
            "title": "not this",
        }
        assert query.rows(**values) == list(_meetings(**values)), (letters, since, until)


@postgresql_only
@pytest.mark.django_db
def test_a_shape_is_built_twice_once_and_then_sent_as_one_query(meetings):
    a1, a2, b1, made = meetings
    counted = Counted()
    query = CompiledQuery(counted)
    values = {"since": _at(1), "until": _at(31), "title": "not this"}

    query.rows(group_ids=[a1.pk], **values)
    assert counted.builds == 2  # with two sets of stand-ins, to trace the values

    with CaptureQueriesContext(connection) as captured:
        rows = query.rows(group_ids=[a2.pk], **values)
    assert counted.builds == 2  # same shape: not built again
    assert len(captured) == 1
    assert rows == [(made[1].pk, a2.pk)]

    query.rows(group_ids=[a1.pk, b1.pk], **values)
    assert counted.builds == 4  # a new shape: two ids


@postgresql_only
@pytest.mark.django_db
def test_a_list_of_ten_thousand_ids_leaves_the_dates_their_stand_ins(meetings):
    """The site administrator of a national programme reaches every group: 10,000 ids
    and two dates in one call (the dates' stand-ins are counted apart from the ids')."""
    a1, _a2, _b1, made = meetings
    ids = [a1.pk, *range(10**9, 10**9 + 9_999)]
    values = {"group_ids": ids, "since": _at(1), "until": _at(31), "title": "not this"}
    rows = CompiledQuery(_meetings).rows(**values)
    assert rows == list(_meetings(**values))
    assert {(made[0].pk, a1.pk), (made[3].pk, a1.pk)} <= set(rows)


@postgresql_only
@pytest.mark.django_db
def test_the_kept_shapes_are_bounded(meetings, monkeypatch):
    a1, *_rest = meetings
    monkeypatch.setattr(compiled, "MAX_SHAPES", 2)
    query = CompiledQuery(_meetings)
    values = {"since": _at(1), "until": _at(31), "title": "not this"}
    for length in (1, 2, 3):
        query.rows(group_ids=[a1.pk] * length, **values)
    assert len(query._shapes) <= 2


@postgresql_only
@pytest.mark.django_db
def test_a_query_that_derives_a_date_from_its_values_is_refused(world):
    def derived(*, group_ids, until):
        return Meeting.objects.filter(
            group_id__in=group_ids, starts_at__gte=until - dt.timedelta(days=30)
        ).values_list("pk")

    with pytest.raises(ValueError, match="pass every value that varies"):
        CompiledQuery(derived).rows(group_ids=[world.group_a1.pk], until=_at(31))


@postgresql_only
@pytest.mark.django_db
def test_a_query_that_reads_the_clock_itself_is_refused(world):
    def clock(*, group_ids):
        return Meeting.objects.filter(
            group_id__in=group_ids, starts_at__lte=timezone.now()
        ).values_list("pk")

    with pytest.raises(ValueError, match="pass every value that varies"):
        CompiledQuery(clock).rows(group_ids=[world.group_a1.pk])


@postgresql_only
@pytest.mark.django_db
def test_a_value_the_query_does_not_use_is_refused(world):
    def unused(*, group_ids, since):
        return Meeting.objects.filter(group_id__in=group_ids).values_list("pk")

    with pytest.raises(ValueError, match=r"values not in the query: \[\('since', None\)\]"):
        CompiledQuery(unused).rows(group_ids=[world.group_a1.pk], since=_at(1))


@postgresql_only
@pytest.mark.django_db
def test_an_empty_list_and_a_bool_are_refused(world):
    query = CompiledQuery(_meetings)
    with pytest.raises(ValueError, match="group_ids is an empty list"):
        query.rows(group_ids=[], since=_at(1), until=_at(31), title="")
    with pytest.raises(TypeError, match="a bool is a constant"):
        query.rows(group_ids=[world.group_a1.pk], since=_at(1), until=_at(31), title=True)


def test_a_build_that_keeps_a_value_from_outside_its_arguments_is_refused():
    # A scope read from an enclosing function would be compiled into the SQL once and
    # then sent for everyone: refused when the query is made, on any database.
    group_ids = [1, 2]

    def closed(*, since, until, title):
        return _meetings(group_ids=group_ids, since=since, until=until, title=title)

    with pytest.raises(TypeError, match="reads group_ids from outside its arguments"):
        CompiledQuery(closed)
    with pytest.raises(TypeError, match="reads group_ids from outside its arguments"):
        CompiledQuery(partial(_meetings, group_ids=group_ids))
    # Code from outside is no value, and a constant bound by a partial makes a query
    # of its own.
    build = _meetings

    def calls_code(*, group_ids, since, until, title):
        return build(group_ids=group_ids, since=since, until=until, title=title)

    CompiledQuery(calls_code)
    CompiledQuery(partial(_meetings, title="moved"))


@pytest.mark.django_db
def test_elsewhere_than_postgresql_the_queryset_runs_as_usual(meetings, monkeypatch):
    a1, _a2, _b1, made = meetings
    monkeypatch.setattr(connection, "vendor", "sqlite")
    counted = Counted()
    query = CompiledQuery(counted)
    values = {"group_ids": [a1.pk], "since": _at(5), "until": _at(31), "title": "not this"}

    assert query.rows(**values) == [(made[0].pk, a1.pk), (made[3].pk, a1.pk)]
    assert query.rows(**values) == [(made[0].pk, a1.pk), (made[3].pk, a1.pk)]
    assert counted.builds == 2  # once per call, with the real values
    assert query._shapes == {}


def _listed(*, group_ids, since):
    return (
        Meeting.objects.filter(group_id__in=group_ids, starts_at__gte=since)
        .annotate(marked=Exists(Attendance.objects.filter(meeting_id=OuterRef("pk"))))
        .select_related("group", "venue")
        .only("starts_at", "status", "group__name", "venue__name")
        .order_by("starts_at", "pk")
    )


def _shown(meetings):
    return [
        (m.pk, m.starts_at, m.status, m.marked, m.group.name, m.venue and m.venue.name)
        for m in meetings
    ]


@pytest.mark.django_db
def test_objects_are_the_querysets_instances_with_their_related_rows(meetings):
    a1, a2, _b1, made = meetings
    Attendance.objects.create(meeting=made[0], participant=participant_in(a1), status="present")
    query = CompiledQuery(_listed)
    for group_ids in ([a1.pk], [a1.pk, a2.pk], [a2.pk]):
        values = {"group_ids": group_ids, "since": _at(1)}
        expected = list(_listed(**values))
        got = query.objects(**values)
        with CaptureQueriesContext(connection) as captured:
            assert _shown(got) == _shown(expected)  # group and venue read with the rows
        assert len(captured) == 0
        assert [m.get_deferred_fields() for m in got] == [m.get_deferred_fields() for m in expected]
    marked = {m.pk: m.marked for m in query.objects(group_ids=[a1.pk], since=_at(1))}
    assert marked[made[0].pk] is True  # the annotation, from the kept SQL
    assert marked[made[3].pk] is False


@postgresql_only
@pytest.mark.django_db
def test_objects_is_one_query_for_a_kept_shape_and_refuses_what_it_cannot_make(meetings):
    a1, a2, _b1, _made = meetings
    counted = Counted(_listed)
    query = CompiledQuery(counted)
    query.objects(group_ids=[a1.pk], since=_at(1))
    with CaptureQueriesContext(connection) as captured:
        query.objects(group_ids=[a2.pk], since=_at(1))
    assert len(captured) == 1
    assert counted.builds == 2
    with pytest.raises(TypeError, match="use rows"):
        CompiledQuery(_meetings).objects(group_ids=[a1.pk], since=_at(1), until=_at(31), title="")

    def prefetching(*, group_ids):
        return Meeting.objects.filter(group_id__in=group_ids).prefetch_related("attendance")

    with pytest.raises(TypeError, match="does not prefetch"):
        CompiledQuery(prefetching).objects(group_ids=[a1.pk])
