"""Statements inside `unprepared()` are never prepared (stetapp/plans.py): PostgreSQL
plans each for its own values. Outside, a statement run a few times is prepared (decision 69)."""

import threading

import pytest
from django.db import connection

from groups.models import Group
from stetapp.plans import unprepared

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_count() -> int:
    # Run through psycopg directly, never prepared itself: only the statements counted.
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements", prepare=False)
        return cursor.fetchone()[0]


def _run_thrice(name: str) -> None:
    for _ in range(3):
        list(Group.objects.filter(name=name).values_list("pk"))


@postgresql_only
@pytest.mark.django_db
def test_inside_the_block_nothing_is_prepared_and_the_setting_comes_back():
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    before = _prepared_count()
    with unprepared():
        assert connection.connection.prepare_threshold is None
        _run_thrice("inside")
        assert _prepared_count() == before
    assert connection.connection.prepare_threshold == threshold
    _run_thrice("outside")  # the same statement, now prepared (prepare_threshold = 2)
    assert _prepared_count() == before + 1


@postgresql_only
@pytest.mark.django_db
def test_a_decorated_function_is_unprepared_on_every_call_and_leaves_others_alone():
    seen = []

    @unprepared()
    def build():
        seen.append(connection.connection.prepare_threshold)

    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    build()
    build()
    assert seen == [None, None]
    assert connection.connection.prepare_threshold == threshold
    # Another thread's call: its own connection, and this one's setting untouched.
    other = threading.Thread(target=build)
    other.start()
    other.join()
    assert seen == [None, None, None]
    assert connection.connection.prepare_threshold == threshold


def test_elsewhere_than_postgresql_it_changes_nothing(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with unprepared() as block:
        assert block._raw is None


def _jit() -> str:
    with connection.connection.cursor() as cursor:
        cursor.execute("SHOW jit", prepare=False)
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db
def test_without_jit_switches_it_off_inside_and_back_after():
    from stetapp.plans import without_jit

    connection.ensure_connection()
    before = _jit()
    with without_jit():
        assert _jit() == "off"
        list(Group.objects.values_list("pk"))
    assert _jit() == before


@postgresql_only
@pytest.mark.django_db
def test_without_jit_lets_the_blocks_own_error_through_a_broken_transaction():
    from django.db import DatabaseError, transaction

    from stetapp.plans import without_jit

    connection.ensure_connection()
    before = _jit()
    with (
        pytest.raises(DatabaseError, match="division by zero"),
        transaction.atomic(),
        without_jit(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1/0")
    # The RESET failed in the broken transaction (a savepoint of the test's); its
    # rollback undid the SET.
    assert _jit() == before


def test_without_jit_elsewhere_than_postgresql_changes_nothing(monkeypatch):
    from stetapp.plans import without_jit

    monkeypatch.setattr(connection, "vendor", "sqlite")
    with without_jit() as block:
        assert block._raw is None
