"""The programme dashboard prepared in the background (docs/decisions.md, decision 73).

A dashboard of many groups (reporting/selectors_dashboard.py, PREPARE_FROM_GROUPS) that
is not in the cache is not built inside the request that finds it missing: at 10,000
groups that counts three million attendance marks for seconds. `prepare_dashboard`
queues the task that builds it (reporting/tasks.py), once however many coordinators look
at the same time, and the page says it is being prepared until the cache holds it.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import translation

from groups.models import Programme
from stetapp.logs import enqueue

from . import selectors_dashboard as selectors

logger = logging.getLogger(__name__)


def prepare_dashboard(
    *, programme: Programme, organisation_id: int | None, city_id: int | None
) -> None:
    """Queue the build of this dashboard in the active language, unless one is queued or
    running already (its lock in the cache, PREPARE_LOCK_SECONDS), or the last one failed
    a moment ago (the page says so; PREPARE_FAILED_SECONDS). With tasks run at once (the
    demo, the tests) the dashboard is in the cache when this returns."""
    from .tasks import make_dashboard

    if selectors.build_failed(programme, organisation_id=organisation_id, city_id=city_id):
        return
    lock = selectors.build_lock(programme, organisation_id=organisation_id, city_id=city_id)
    if not cache.add(lock, True, selectors.PREPARE_LOCK_SECONDS):
        return
    try:
        enqueue(
            make_dashboard,
            programme.pk,
            organisation_id=organisation_id,
            city_id=city_id,
            language=translation.get_language() or "",
        )
    except Exception as exc:  # noqa: BLE001 - the page must not wait for a build never queued
        logger.error("Dashboard %s could not be queued: %s", programme.pk, type(exc).__name__)
        cache.delete(lock)


def dashboard_run(
    programme_id: int, *, organisation_id: int | None, city_id: int | None, language: str
) -> bool:
    """Build one dashboard and keep it (the task's work). A failure is noted for the
    page (selectors.build_failed) and logged with the programme and the kind of error
    only; the task itself ends normally. Whether it was built."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        return False
    with translation.override(language or None):
        try:
            selectors.build_and_keep(programme, organisation_id=organisation_id, city_id=city_id)
        except Exception as exc:  # noqa: BLE001 - logged by kind, never by message
            logger.error("Dashboard %s could not be built: %s", programme_id, type(exc).__name__)
            return False
    return True
