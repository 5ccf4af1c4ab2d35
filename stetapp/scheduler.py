"""Periodic jobs: a registry and one tick (docs/deployment.md, "Scheduler";
docs/decisions.md, "One scheduler command, a row per job").

A job is a function without arguments registered with `@job("name", every=timedelta(…))`
in a module named `jobs.py` of any installed app (stetapp/jobs.py has the first ones:
expired sessions, old task results, old submission tokens). `python manage.py scheduler`
calls `run_due_jobs()` every minute; `--once` calls it once (cron, tests).

**Never twice.** Each job has a row in `ScheduledJob`. A tick claims a due job with one
conditional UPDATE: "set last_started_at = now where name = … and (it never ran or it
last started at least `every` ago)". The database lets exactly one of several concurrent
UPDATEs of that row match (PostgreSQL re-checks the condition after waiting for the row
lock; SQLite runs one writer at a time), so however many schedulers run on however many
machines, a due job runs once; the others see "not due". No transaction is held while the
job runs: a job does its own (short) transactions.

**Failures.** A job that raises is logged (scrubbed by stetapp/logs.py: class and place,
no message), recorded as failed, and the next jobs run. It runs again one `every` after
it started: a crash is not retried at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .logs import new_request_id, request_context

logger = logging.getLogger("stetapp.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], object]


_REGISTRY: dict[str, Job] = {}


def cache_is_shared() -> bool:
    """Whether what a job keeps in the cache reaches the web servers: not with a cache
    in this process's memory (the demo's, the tests')."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    return not isinstance(caches["default"], LocMemCache)


def job(name: str, *, every: timedelta) -> Callable:
    """Register the decorated function as the periodic job `name`, run every `every`."""
    if every <= timedelta(0):
        raise ValueError("a job runs every positive interval")

    def register(func: Callable[[], object]) -> Callable[[], object]:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"two jobs are named {name!r}")
        _REGISTRY[name] = Job(name=name, every=every, func=func)
        return func

    return register


def registered_jobs() -> list[Job]:
    """Every job of every app's `jobs.py`, by name."""
    autodiscover_modules("jobs")
    return sorted(_REGISTRY.values(), key=lambda item: item.name)


@dataclass(frozen=True)
class Outcome:
    name: str
    # "ran", "failed" or "not due" (also when another scheduler claimed it first).
    result: str
    ms: float = 0.0


def claim(job: Job, *, now: datetime) -> bool:
    """Mark `job` as started at `now` if it is due; True for exactly one caller."""
    from .models import ScheduledJob

    ScheduledJob.objects.get_or_create(name=job.name)
    claimed = (
        ScheduledJob.objects.filter(name=job.name)
        .filter(Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every))
        .update(last_started_at=now, last_finished_at=None)
    )
    return claimed == 1


def run_job(job: Job, *, now: datetime | None = None) -> Outcome:
    """Run `job` if it is due and nobody else claimed it."""
    from .models import ScheduledJob

    now = now or timezone.now()
    if not claim(job, now=now):
        return Outcome(job.name, "not due")
    started = time.perf_counter()
    # Each run has an id of its own on its log lines, like a request.
    with request_context(new_request_id()):
        try:
            job.func()
        except Exception:
            succeeded = False
            logger.exception("Scheduled job %s failed", job.name, extra={"job": job.name})
        else:
            succeeded = True
        ms = (time.perf_counter() - started) * 1000
        ScheduledJob.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_succeeded=succeeded
        )
        logger.info(
            "Scheduled job %s %s",
            job.name,
            "ran" if succeeded else "failed",
            extra={"job": job.name, "ms": round(ms), "succeeded": succeeded},
        )
    return Outcome(job.name, "ran" if succeeded else "failed", ms)


def run_due_jobs(*, now: datetime | None = None, jobs: list[Job] | None = None) -> list[Outcome]:
    """One tick: run every due job, one after the other."""
    return [run_job(item, now=now) for item in (registered_jobs() if jobs is None else jobs)]
