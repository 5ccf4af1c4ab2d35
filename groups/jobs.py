"""The periodic jobs of the groups app (stetapp/scheduler.py runs them)."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

from stetapp.scheduler import cache_is_shared, job

from . import selectors
from .access import scope_ids_held
from .filters import GroupFilter
from .models import Membership, Role

# Where the last warmed version is noted: one query a minute when nothing moved.
WARMED_KEY = "group-list-warmed"


@job("warm-group-lists", every=timedelta(minutes=1))
def warm_group_lists() -> None:
    """Count a programme's group list and coordinator's home again within a minute of a
    change (`warm_programme_lists`). Skipped when they are not kept, or when the cache
    lives in this process only (the demo's): the web servers would not see it."""
    if settings.STETAPP_DASHBOARD_CACHE_SECONDS and cache_is_shared():
        warm_programme_lists()


def warm_programme_lists() -> int:
    """When the version of the group list's tables has moved since the last run, make
    again, for each programme coordinator's set of programmes, what their group list
    and home keep under it (decisions 81 and 82): the list's order and filter choices,
    unfiltered, and the home's overview. The first look after a change to a group, city
    or organisation then finds them kept instead of counting a national programme's
    10,000 groups in its request (docs/decisions.md, decision 84). The version is read
    before anything is counted, so what is kept is at least as new as the version it
    is kept under. One query when nothing moved; nothing on a database that raises no
    version. Returns how many sets of programmes were counted."""
    version = selectors.group_list_version()
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if version is None or not seconds or cache.get(WARMED_KEY) == version:
        return 0
    counted: set[str] = set()
    seen: set[int] = set()
    # Each look below reads the version again before it counts (group_list_keeping),
    # as a request does: what it keeps is never older than the version it is kept under.
    coordinators = Membership.objects.filter(
        role=Role.PROGRAMME_COORDINATOR, programme__isnull=False
    ).select_related("user")
    for membership in coordinators.order_by("user_id"):
        user = membership.user
        if user.pk in seen:
            continue
        seen.add(user.pk)
        keeping = selectors.group_list_keeping(user=user)
        if keeping is None or keeping.scope in counted:
            continue
        counted.add(keeping.scope)
        # As the list's first look makes them (groups/views.py): the same calls.
        group_filter = GroupFilter(
            None, queryset=selectors.group_list_for_user(user=user), user=user, keeping=keeping
        )
        selectors.group_list_keys(
            keeping=keeping, groups=group_filter.qs, filters=group_filter.understood()
        )
        selectors.keep_programme_overview(
            programme_ids=scope_ids_held(user, Role.PROGRAMME_COORDINATOR),
            version=keeping.version,
        )
    cache.set(WARMED_KEY, version, seconds)
    return len(counted)
