"""Optional error reports to Sentry (or a compatible service such as GlitchTip):
docs/deployment.md, "Error reports".

Off unless SENTRY_DSN is set (production settings call `init_sentry`). What is sent is
what the logs may hold and nothing more: `before_send` runs every event through
`stetapp.logs.scrub_error_event` (exception classes and frames; no messages, local
variables, request data, cookies, headers or breadcrumb texts), and adds the request id,
so a report can be matched with the log lines and the id a user quotes from the error
page. Before that, the client collects no personal data in the first place (the
`data_collection` option, sentry-sdk's successor of `send_default_pii=False`: no user,
cookies, headers, bodies, query strings, local variables or source lines), and no
performance traces are sent.
"""

from __future__ import annotations

from typing import Any

from .logs import get_request_id, scrub_error_event

OFF = {"mode": "off"}
NO_DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,
    "cookies": OFF,
    "http_headers": {"request": OFF},
    "http_bodies": [],
    "url_query_params": OFF,
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "frame_context_lines": 0,
}


def before_send(event: dict, hint: dict | None = None) -> dict:
    scrubbed = scrub_error_event(event)
    request_id = get_request_id()
    if request_id:
        scrubbed["tags"] = {**(scrubbed.get("tags") or {}), "request_id": request_id}
    return scrubbed


def drop_transaction(event: dict, hint: dict | None = None) -> None:
    """Performance traces carry URLs and queries: never sent."""
    return None


def _collection_options() -> dict[str, Any]:
    """Collect nothing personal. sentry-sdk versions with the `data_collection` option
    (which deprecates `send_default_pii`) get it, stricter: nothing about the user, no
    cookies, headers, bodies, query strings, SQL parameters, local variables or source
    lines. Older 2.x versions (pyproject allows them) get the options it replaces."""
    from sentry_sdk.consts import DEFAULT_OPTIONS

    if "data_collection" in DEFAULT_OPTIONS:
        return {"data_collection": NO_DATA_COLLECTION}
    return {
        "send_default_pii": False,
        "include_local_variables": False,
        "include_source_context": False,
    }


def sentry_options(*, dsn: str, environment: str, release: str | None) -> dict[str, Any]:
    """The options for sentry_sdk.init (and for a client in the tests)."""
    return {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        **_collection_options(),
        "max_request_body_size": "never",
        "before_send": before_send,
        "before_send_transaction": drop_transaction,
        "traces_sample_rate": 0.0,
    }


def init_sentry(*, dsn: str, environment: str, release: str | None = None) -> None:
    import sentry_sdk

    sentry_sdk.init(**sentry_options(dsn=dsn, environment=environment, release=release))
