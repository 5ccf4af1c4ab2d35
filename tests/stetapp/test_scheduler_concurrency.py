"""Two schedulers at once never run a due job twice (stetapp/scheduler.py): real threads
with their own database connections, so PostgreSQL only (SQLite serialises writers); CI
runs these on PostgreSQL.

Each round: a fresh job that takes 50 ms; two threads pass a barrier and tick at the same
moment; exactly one of them runs it, the other answers "not due". 20 rounds, plus a round
of four threads over three jobs.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from stetapp.models import ScheduledJob
from stetapp.scheduler import Job, run_due_jobs
from tests.helpers import put_back_migration_data

# serialized_rollback: the flush after each test empties the migrations' data (cities);
# this puts it back before the next one (as tests/meetings/test_attendance_concurrency.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 20


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After the last test here, put back what the migrations loaded, so a kept
    (--reuse-db) test database is not left empty."""
    yield
    put_back_migration_data(django_db_blocker)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent schedulers need PostgreSQL (CI runs it there)")


def _tick_together(jobs, threads_count):
    barrier = threading.Barrier(threads_count, timeout=30)
    outcomes, errors = [], []
    now = timezone.now()

    def run():
        try:
            barrier.wait()
            outcomes.extend(run_due_jobs(now=now, jobs=jobs))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []
    return outcomes


def _slow_job(name, runs, lock):
    def work():
        time.sleep(0.05)
        with lock:
            runs.append(name)

    return Job(name=name, every=timedelta(hours=1), func=work)


def test_two_schedulers_run_a_due_job_once():
    lock = threading.Lock()
    for round_number in range(ROUNDS):
        runs: list[str] = []
        job = _slow_job(f"race-{round_number}", runs, lock)
        outcomes = _tick_together([job], 2)
        assert sorted(o.result for o in outcomes) == ["not due", "ran"], round_number
        assert runs == [job.name], round_number
    assert ScheduledJob.objects.filter(name__startswith="race-").count() == ROUNDS


def test_four_schedulers_over_three_jobs_run_each_once():
    lock = threading.Lock()
    runs: list[str] = []
    jobs = [_slow_job(f"many-{n}", runs, lock) for n in range(3)]
    outcomes = _tick_together(jobs, 4)
    assert sorted(runs) == ["many-0", "many-1", "many-2"]
    assert sum(o.result == "ran" for o in outcomes) == 3
    assert sum(o.result == "not due" for o in outcomes) == 9
