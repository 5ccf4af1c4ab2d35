"""Two facilitators marking the same meeting at once never lose each other's marks
(issue 4). Real threads with their own database connections: PostgreSQL only (SQLite
serialises writers); CI runs these on PostgreSQL."""

import threading

import pytest
from django.db import connection

from meetings import services_attendance
from meetings.models import Attendance
from tests.factories import MeetingFactory, participant_in
from tests.helpers import put_back_migration_data

# serialized_rollback: the flush after each test empties the migrations' data (cities);
# this puts it back before the next one (as the browser tests do).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 50
SAME_MARK_THREADS = 6
STATUSES = ["present", "absent", "excused"]


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After the last test here, put back what the migrations loaded, so a kept
    (--reuse-db) test database is not left empty (as tests/e2e/conftest.py does)."""
    yield
    put_back_migration_data(django_db_blocker)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent marking needs PostgreSQL (CI runs it there)")


def _run_threads(targets):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(repr(error))
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def test_two_facilitators_marking_different_people_lose_nothing(world):
    meeting = MeetingFactory(group=world.group_a1)
    people = [participant_in(world.group_a1, full_name=f"Person {i}") for i in range(2 * ROUNDS)]
    halves = (people[:ROUNDS], people[ROUNDS:])
    users = (world.users["facilitator_a1"], world.users["volunteer_a1"])
    barrier = threading.Barrier(2, timeout=30)

    def marker(index):
        def run():
            for person in halves[index]:
                barrier.wait()
                services_attendance.attendance_mark(
                    meeting=meeting, participant=person, status="present", marked_by=users[index]
                )

        return run

    errors = _run_threads([marker(0), marker(1)])
    assert errors == []
    marks = Attendance.objects.filter(meeting=meeting)
    assert marks.count() == 2 * ROUNDS  # 0 lost
    assert set(marks.values_list("participant_id", flat=True)) == {p.pk for p in people}
    assert marks.filter(marked_by=users[0]).count() == ROUNDS
    assert marks.filter(marked_by=users[1]).count() == ROUNDS


def test_many_taps_on_the_same_person_make_one_row(world):
    meeting = MeetingFactory(group=world.group_a1)
    user = world.users["facilitator_a1"]
    for round_ in range(5):
        person = participant_in(world.group_a1, full_name=f"Same {round_}")
        barrier = threading.Barrier(SAME_MARK_THREADS, timeout=30)

        def tap(index, person=person, barrier=barrier):
            def run():
                barrier.wait()
                services_attendance.attendance_mark(
                    meeting=meeting,
                    participant=person,
                    status=STATUSES[index % 3],
                    marked_by=user,
                )

            return run

        errors = _run_threads([tap(i) for i in range(SAME_MARK_THREADS)])
        assert errors == []
        assert Attendance.objects.filter(meeting=meeting, participant=person).count() == 1
