"""Readiness checks for `/readyz` (docs/deployment.md, "Health and readiness").

Each check does the smallest real piece of work through the same path the application
uses: a query on the database, a key in the shared cache, a file in the private storage,
and a look at the background-task queue. A check answers `Check(ok, ms, …)`; it never
raises and never returns what went wrong: the exception is logged (scrubbed by
stetapp/logs.py) with the check's name, and the response says only "fail".

`/healthz` (liveness) uses none of this: it answers as long as the process serves
requests, so a slow database never gets app servers restarted.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from .storage import private_storage

logger = logging.getLogger("stetapp.health")

# The folder under the private storage root where the storage check writes its file.
PROBE_FOLDER = "health"


@dataclass(frozen=True)
class Check:
    ok: bool
    ms: float
    details: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"status": "ok" if self.ok else "fail", "ms": round(self.ms, 1), **self.details}


def check_database() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if row is None or row[0] != 1:
        raise RuntimeError("SELECT 1 answered something else")
    return {}


def check_cache() -> dict[str, int]:
    key = f"stetapp:readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not give back what was set")
    finally:
        cache.delete(key)
    return {}


def check_private_storage() -> dict[str, int]:
    storage = private_storage()
    content = uuid.uuid4().hex.encode()
    name = storage.save(f"{PROBE_FOLDER}/readyz-{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise RuntimeError("the private storage did not give back what was written")
    finally:
        storage.delete(name)
    return {}


def oldest_queued_task_age() -> timedelta | None:
    """How long the oldest task ready to run has waited, or None when none waits (or the
    tasks run at once, as in development and the tests: then there is no queue)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    ).first()
    if oldest is None:
        return None
    return max(timezone.now() - oldest, timedelta(0))


def check_task_queue() -> dict[str, int]:
    age = oldest_queued_task_age()
    seconds = int(age.total_seconds()) if age is not None else 0
    if seconds > settings.STETAPP_READYZ_MAX_TASK_AGE_SECONDS:
        # Not an error of the check itself: the workers are behind or not running.
        raise QueueBehind(seconds)
    return {"oldest_seconds": seconds}


class QueueBehind(Exception):
    def __init__(self, seconds: int):
        super().__init__()
        self.seconds = seconds


CHECKS: dict[str, Callable[[], dict[str, int]]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_private_storage,
    "tasks": check_task_queue,
}


def run_check(name: str, check: Callable[[], dict[str, int]]) -> Check:
    started = time.perf_counter()
    try:
        details = check()
    except QueueBehind as behind:
        ms = (time.perf_counter() - started) * 1000
        logger.warning(
            "Readiness check %s failed: queue behind", name, extra={"check": name, "ms": ms}
        )
        return Check(ok=False, ms=ms, details={"oldest_seconds": behind.seconds})
    except Exception:
        ms = (time.perf_counter() - started) * 1000
        # The scrub filter keeps the traceback's classes and places, never the message.
        logger.exception("Readiness check %s failed", name, extra={"check": name, "ms": ms})
        return Check(ok=False, ms=ms)
    return Check(ok=True, ms=(time.perf_counter() - started) * 1000, details=details)


def readiness() -> tuple[bool, dict[str, Check]]:
    """Run every check (all of them, also after one fails, so the answer shows which)."""
    results = {name: run_check(name, check) for name, check in CHECKS.items()}
    return all(result.ok for result in results.values()), results
