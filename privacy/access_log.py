"""The access log of reads (issue 11, item 2; decision 53).

Every request that loads a participant's data — a page, a list, an export, a PDF, a
fragment — writes `privacy.models.Access` rows: who, with which roles and scopes, when,
which view and record, what (viewed, exported, PDF, printed) and which participants, one
row per participant, all in one INSERT. A request refused with 403 or 404 writes one row
too. The rows are written by `AccessLogMiddleware`, around every view.

How a request knows whose data it loaded: every tracked record that belongs to one
participant (privacy.history.TRACKED: the participant, their consents, intakes,
enrolments, marks, calls, stories, questionnaires, ideas) reports its participant when it
is loaded from the database (post_init), so a page is logged with exactly the people it
fetched, whatever selector fetched them. tests/privacy/test_access_log.py walks every
page of the permission matrix and fails on one that shows a participant's name without
logging that participant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, models, router
from django.db.models.signals import post_init
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from stetapp.logs import get_request_id
from stetapp.text import clean_text

from .models import Access, AccessAction


@dataclass
class Seen:
    """What one request loaded and how it ended."""

    participants: set[int] = field(default_factory=set)
    refused: int | None = None
    # Set by a page that reads the logs (reading_logs): logged even without participants.
    action: str | None = None


_seen: ContextVar[Seen | None] = ContextVar("privacy_seen", default=None)


@contextmanager
def watching() -> Iterator[Seen]:
    token = _seen.set(Seen())
    try:
        yield _seen.get()  # type: ignore[misc]
    finally:
        _seen.reset(token)


def saw(participant_id: int | None) -> None:
    seen = _seen.get()
    if seen is not None and participant_id is not None:
        seen.participants.add(participant_id)


def replace_seen(mapping: dict[int, int]) -> None:
    """Log the participants that are keys of `mapping` under its values instead: a person
    erased during this request is logged by the erasure's anonymous reference
    (privacy.erasure), not by the number that was theirs."""
    seen = _seen.get()
    if seen is not None:
        seen.participants = {mapping.get(pid, pid) for pid in seen.participants}


def reading_logs(participant_ids: set[int] | frozenset[int] = frozenset()) -> None:
    """This request reads the logs (privacy/views_logs.py): it is logged as such
    (AccessAction.LOG), with the participants whose names it shows, even when it shows
    none."""
    seen = _seen.get()
    if seen is not None:
        seen.action = AccessAction.LOG
        seen.participants.update(participant_ids)


def _report_loaded(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _seen.get() is None:
        return
    from .history import TRACKED

    attribute = TRACKED[sender._meta.label]
    saw(instance.pk if attribute == "pk" else instance.__dict__.get(attribute or ""))


def connect() -> None:
    from .history import TRACKED, tracked_models

    for model in tracked_models():
        if TRACKED[model._meta.label] is not None:
            post_init.connect(
                _report_loaded, sender=model, dispatch_uid=f"privacy-access-{model._meta.label}"
            )


# --- who, with which roles ---------------------------------------------------------------


def _scopes(user: Any) -> tuple[str, str]:
    """The user's roles and their scopes, as text ("facilitator: group 3; …"), from the
    memberships the access rule already loaded (stetapp.access.user_memberships)."""
    from stetapp.access import user_memberships

    memberships = user_memberships(user)
    roles = ",".join(sorted({m.role for m in memberships}))
    scope = "; ".join(
        f"{m.role}: {m.scope_kind} {m.scope_id}"
        for m in sorted(memberships, key=lambda m: (m.role, m.scope_kind, m.scope_id or 0))
    )
    if getattr(user, "is_superuser", False):
        roles = ",".join(filter(None, [roles, "site_administrator"]))
    return roles[:200], scope[:500]


def action_of(request: HttpRequest, response: HttpResponse | None) -> str:
    """What the request did with the data it loaded, from what it answered."""
    content_type = (response.get("Content-Type", "") if response is not None else "").lower()
    if "pdf" in content_type:
        return AccessAction.PDF
    if any(kind in content_type for kind in ("spreadsheet", "csv", "zip", "calendar")):
        return AccessAction.EXPORT
    match = getattr(request, "resolver_match", None)
    if match is not None and "print" in (match.url_name or ""):
        return AccessAction.PRINT
    return AccessAction.VIEW


def record(
    *,
    request: HttpRequest,
    action: str,
    participant_ids: set[int] | frozenset[int] = frozenset(),
    status: int = 200,
) -> None:
    """Write the access rows of one request (one INSERT)."""
    user: Any = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    roles, scope = _scopes(user) if signed_in else ("", "")
    match = getattr(request, "resolver_match", None)
    view = (match.view_name if match is not None else "")[:100]
    target = ""
    if match is not None and match.kwargs:
        # The URL's values as the client sent them: a path can hold any character, and
        # PostgreSQL refuses NUL in text (stetapp.text.clean_text drops the controls).
        target = ",".join(f"{k}={v}" for k, v in sorted(match.kwargs.items()))
        target = clean_text(target, multiline=False)[:100]
    common = {
        "at": timezone.now(),
        "actor_id": user.pk if signed_in else None,
        "roles": roles,
        "scope": scope,
        "action": action,
        "view": view,
        "target": target,
        "status": status,
        "request_id": get_request_id() or "",
    }
    ids: list[int | None] = [*sorted(participant_ids)] or [None]
    _insert(common, ids)


def _insert(common: dict[str, Any], participant_ids: list[int | None]) -> None:
    """One row per participant, the other columns alike. On PostgreSQL one INSERT that
    unnests the ids: a list page logs fifty people at every look, and building fifty
    model instances for `bulk_create` cost more than the page's own query."""
    connection = connections[router.db_for_write(Access)]
    if connection.vendor != "postgresql":
        Access.objects.bulk_create(
            [Access(participant_id=pid, **common) for pid in participant_ids]
        )
        return
    names = [*common, "participant_id"]
    fields = {f.name: str(f.column) for f in Access._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name]) for name in names)
    values = ", ".join(["%s"] * len(common))
    table = connection.ops.quote_name(Access._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 (names from the model)
            f"SELECT {values}, UNNEST(%s::bigint[])",
            [*common.values(), participant_ids],
        )


class AccessLogMiddleware:
    """Around every view: note the participants the request loads, then log them (or the
    refusal). Placed after authentication, so the user is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with watching() as seen:
            response = self.get_response(request)
            if seen.refused is not None:
                record(
                    request=request,
                    action=AccessAction.REFUSED,
                    participant_ids=seen.participants,
                    status=seen.refused,
                )
            elif seen.participants or seen.action:
                record(
                    request=request,
                    action=seen.action or action_of(request, response),
                    participant_ids=seen.participants,
                    status=response.status_code,
                )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied | Http404):
            seen = _seen.get()
            if seen is not None:
                seen.refused = 403 if isinstance(exception, PermissionDenied) else 404
        return None
