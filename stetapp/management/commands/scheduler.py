"""`python manage.py scheduler`: run the periodic jobs (stetapp/scheduler.py).

Runs a tick every `--interval` seconds until stopped (SIGTERM or SIGINT end it after the
job that is running); `--once` runs one tick and exits (cron, tests). Any number may run:
a due job runs once across all of them. `--list` prints the jobs and their last runs.
"""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import connections

from stetapp.scheduler import registered_jobs, run_due_jobs


def _close_old_connections() -> None:
    """django.db.close_old_connections, except for a connection inside a transaction (a
    test's): closing it there would end the test's transaction."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = "Run the periodic jobs that are due: once, or every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="Seconds between ticks (default 60).",
        )
        parser.add_argument(
            "--list", action="store_true", help="List the jobs and their last runs, and exit."
        )

    def handle(self, *args, once=False, interval=60, list=False, **options):  # noqa: A002
        if list:
            self._list()
            return
        if once:
            self._tick()
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        while not stop.is_set():
            self._tick()
            stop.wait(max(1, interval))

    def _tick(self):
        # Like a request's start and end: drop a connection the database closed or that is
        # older than CONN_MAX_AGE, so a restarted PostgreSQL does not fail every later tick.
        _close_old_connections()
        try:
            outcomes = run_due_jobs()
        finally:
            _close_old_connections()
        for outcome in outcomes:
            if outcome.result != "not due":
                self.stdout.write(f"{outcome.name}: {outcome.result} ({outcome.ms:.0f} ms)")

    def _list(self):
        from stetapp.models import ScheduledJob

        rows = {row.name: row for row in ScheduledJob.objects.all()}
        for item in registered_jobs():
            row = rows.get(item.name)
            last = "never" if row is None or row.last_started_at is None else row.last_started_at
            state = {True: "ok", False: "failed", None: "-"}[
                None if row is None else row.last_succeeded
            ]
            self.stdout.write(f"{item.name}\tevery {item.every}\tlast {last}\t{state}")
