"""Two project leads adding groups at once leave a programme's tally right: the second
writer's recount waits for the first and counts its group too (migration 0010,
docs/decisions.md 85). Real threads with their own database connections: PostgreSQL
only; CI runs it there."""

import threading
import time

import pytest
from django.db import connection, transaction

from groups.models import Group, Organisation, ProgrammeTally
from groups.selectors import groups_in_programmes
from tests.factories import GroupFactory
from tests.helpers import put_back_migration_data

# serialized_rollback: the flush after each test empties the migrations' data (cities);
# this puts it back before the next one (as the browser tests do).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After the last test here, put back what the migrations loaded (as
    tests/meetings/test_attendance_concurrency.py does)."""
    yield
    put_back_migration_data(django_db_blocker)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the tally's triggers are PostgreSQL's (CI runs it there)")


def _overlapping(first_step, then, second_step) -> list[str]:
    """Run `first_step` in a transaction, then `second_step` in another transaction on
    a second connection while the first is still open, then `then` in the first before
    it commits: the second's statement is under way (and waits) by then. The errors
    either raised."""
    first_done = threading.Event()
    second_started = threading.Event()
    errors: list[str] = []

    def first():
        try:
            with transaction.atomic():
                first_step()
                first_done.set()
                assert second_started.wait(30)
                time.sleep(0.3)
                then()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            connection.close()

    def second():
        try:
            assert first_done.wait(30)
            with transaction.atomic():
                second_started.set()
                second_step()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def _tallied(programme) -> int:
    return sum(ProgrammeTally.objects.filter(programme=programme).values_list("groups", flat=True))


def test_two_writers_at_once_are_both_counted(world):
    programme = world.programme
    before = groups_in_programmes([programme.pk]).count()
    errors = _overlapping(
        lambda: GroupFactory(organisation=world.org_a, name="First at once"),
        lambda: None,
        lambda: GroupFactory(organisation=world.org_b, name="Second at once"),
    )
    assert errors == []
    assert Group.objects.filter(name__endswith="at once").count() == 2
    assert _tallied(programme) == before + 2 == groups_in_programmes([programme.pk]).count()


def test_writers_of_an_organisation_and_of_a_group_never_deadlock(world):
    """One transaction renames an organisation and then adds a group; another adds a
    group in between. Every writer of the list's tables takes the recount's lock before
    the version's row (migration 0010), so the second waits instead of deadlocking."""
    errors = _overlapping(
        lambda: Organisation.objects.filter(pk=world.org_a.pk).update(name="Renamed at once"),
        lambda: GroupFactory(organisation=world.org_a, name="After the rename"),
        lambda: GroupFactory(organisation=world.org_b, name="Beside the rename"),
    )
    assert errors == []
    assert Group.objects.filter(name__in=["After the rename", "Beside the rename"]).count() == 2
    programme = world.programme
    assert _tallied(programme) == groups_in_programmes([programme.pk]).count()
