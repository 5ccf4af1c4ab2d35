"""Per-user limits on expensive downloads (PDF, XLSX, ZIP): docs/decisions.md,
"Expensive downloads are limited per user", and docs/deployment.md, "Limits".

`@download_limit()` goes on every view that makes a PDF, a workbook, a CSV/XLSX export or
a report ZIP, below `@access` and the method decorator, so that an anonymous request (sent
to sign-in) or a wrong method (405) costs nothing. Every signed-in user may make
`STETAPP_DOWNLOAD_LIMIT` such downloads per `STETAPP_DOWNLOAD_WINDOW_SECONDS` together,
whatever the page; the next one gets a 429 page in their language with `Retry-After`.

The counter is a fixed window in the shared cache (the one allauth's sign-in limits use,
which `check --deploy` requires to be shared: stetapp.W001), so the limit holds across
app servers. A fixed window lets at most twice the limit through around a window's edge;
for a limit meant to stop a script or a stuck reload button, not to bill anyone, that is
enough, and it gives a plain Retry-After.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

# The 429 page; allauth renders the same template for its own limits.
TEMPLATE = "429.html"


def download_retry_after(user_id: int, *, now: float | None = None) -> int | None:
    """Count one download of `user_id`. None when it is allowed; otherwise the seconds
    until the window ends (at least 1)."""
    limit = settings.STETAPP_DOWNLOAD_LIMIT
    window = settings.STETAPP_DOWNLOAD_WINDOW_SECONDS
    if limit <= 0:
        return None
    now = time.time() if now is None else now
    start = int(now // window) * window
    key = f"stetapp:downloads:{user_id}:{start}"
    # add() is a no-op when the key exists; incr() is atomic on Redis. On the database
    # cache two requests at the same moment may count once: the limit is then one looser.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(start + window - now))


def too_many_requests(request, retry_after: int):
    response = render(request, TEMPLATE, {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def download_limit(when: Callable | None = None) -> Callable:
    """Limit the decorated view per user (see the module docstring). `when(request)`
    says whether this request is a download (e.g. only `?format=xlsx`); by default every
    request that reaches the view is. Marks the view with `view.download_limited = True`
    (tests/stetapp/test_download_limits.py checks the list of downloads)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and (when is None or when(request)):
                retry_after = download_retry_after(user.pk)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        wrapper.download_limited = True
        return wrapper

    return decorator
