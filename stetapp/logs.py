"""Logging that a security officer can use and that holds no personal data.

- **Request id.** `RequestIdMiddleware` (in `stetapp/middleware.py`) gives every request an
  id: a well-formed incoming `X-Request-ID` (from the reverse proxy) or a new random one.
  It is kept in a context variable for the request, sent back in the `X-Request-ID`
  response header, shown on the server error page, added to every log line by
  `RequestIdFilter`, and carried into background tasks (`enqueue` / `carries_request_id`).
- **Scrubbing.** `ScrubFilter` removes what an exception says: a logged traceback keeps
  each exception's class and, per frame, file, line and function, never the exception's
  message or arguments (those can quote a participant's name, as openpyxl's and the
  database's error messages do). An exception passed as a log argument becomes its class
  name. Log messages themselves are written by us and hold ids, never names.
- **Error reports.** `scrub_error_event` applies the same rule to an event for the optional
  error tracker (Sentry; stetapp/sentry.py): exception classes and frames (file, line,
  function) stay; messages, local variables, source lines, request bodies, cookies,
  headers, query strings, breadcrumb texts and extra data go.
- **Formats.** `JsonFormatter` writes one JSON object per line (production);
  `TextFormatter` a readable line (development). Both add the record's `extra` fields
  (ids, roles, event names) and the request id.

`logging_config()` builds the `LOGGING` setting, so that development, production and the
tests use one definition. Nothing here imports models: the settings load this module.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

T = TypeVar("T")

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from a proxy: letters, digits, '-' and '_', 8 to 64 of them (nginx's
# $request_id is 32 hex digits; a UUID with dashes is 36). Anything else is replaced.
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")

_request_id: ContextVar[str | None] = ContextVar("stetapp_request_id", default=None)
_request: ContextVar[Any] = ContextVar("stetapp_request", default=None)
_task_logger = logging.getLogger("stetapp.tasks")


def new_request_id() -> str:
    return uuid.uuid4().hex


def safe_request_id(value: str | None) -> str:
    """`value` when it is a well-formed id, otherwise a new one."""
    if value and _SAFE_ID.fullmatch(value):
        return value
    return new_request_id()


def get_request_id() -> str | None:
    """The id of the request (or background task) being handled, or None outside one."""
    return _request_id.get()


def current_request() -> Any:
    """The request being handled in this context, or None (for the security log)."""
    return _request.get()


@contextmanager
def request_context(request_id: str, request: Any = None) -> Iterator[str]:
    """Handle a request (or run a task) under `request_id`."""
    id_token = _request_id.set(request_id)
    request_token = _request.set(request)
    try:
        yield request_id
    finally:
        _request.reset(request_token)
        _request_id.reset(id_token)


# --- background tasks ----------------------------------------------------------------


class TaskFailed(Exception):  # noqa: N818 - the name says what is stored
    """What a failed task leaves in the task results table: the class of what went wrong
    and the request id, never its message (see `carries_request_id`)."""


def carries_request_id(func: Callable[..., T]) -> Callable[..., T]:
    """Let a task function take `request_id=` and run under it (put it under `@task()`).

    Its log lines then carry the id of the request that queued it. Queue it with
    `enqueue(task, ...)`.

    A failure is logged here, scrubbed (classes, files, lines and functions: where it
    went wrong, not what it said), and re-raised as `TaskFailed("<class> (request id
    <id>)")` without its cause, so that neither django-tasks-db's results table (its
    `exception_class_path` and `traceback` columns) nor the worker's own log line holds
    the message, which can quote a participant. Every task of the project uses this
    (tests/stetapp/test_task_failures.py).
    """
    name = f"{func.__module__}.{func.__qualname__}"

    @wraps(func)
    def wrapper(*args: Any, request_id: str | None = None, **kwargs: Any) -> T:
        with request_context(safe_request_id(request_id)) as current:
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                failure = _class_name(exc)
                _task_logger.error(
                    "Task failed", exc_info=exc, extra={"task": name, "exception": failure}
                )
                scrubbed = TaskFailed(f"{failure} (request id {current})")
            # Raised outside the except block: no cause, no context, nothing to print.
            raise scrubbed

    wrapper.scrubs_failures = True  # type: ignore[attr-defined]
    return wrapper


def enqueue(task: Any, *args: Any, **kwargs: Any) -> Any:
    """`task.enqueue(*args, **kwargs)` with the current request id passed along.

    The task's function must be wrapped in `carries_request_id`.
    """
    return task.enqueue(*args, request_id=get_request_id(), **kwargs)


# --- filters -------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = get_request_id() or "-"
        return True


def scrubbed_traceback(exc: BaseException) -> str:
    """A traceback with classes, files, lines and functions only: no messages, no
    arguments, no source lines, no local variables. Chained exceptions are kept."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        if current.__cause__ is not None:
            current = current.__cause__
        elif not current.__suppress_context__:
            current = current.__context__
        else:
            current = None
    parts: list[str] = []
    for position, item in enumerate(reversed(chain)):
        if position:
            parts.append("The above exception led to the following:")
        parts.append("Traceback (most recent call last; messages removed):")
        tb = item.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            parts.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}')
            tb = tb.tb_next
        parts.append(_class_name(item))
    return "\n".join(parts)


def _class_name(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


class ScrubFilter(logging.Filter):
    """Removes exception messages and arguments from records, on every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrubbed_traceback(record.exc_info[1])
            record.exc_info = None
        elif record.exc_info:
            record.exc_info = None
        if isinstance(record.msg, BaseException):
            record.msg = _class_name(record.msg)
        if isinstance(record.args, tuple) and any(
            isinstance(arg, BaseException) for arg in record.args
        ):
            record.args = tuple(
                _class_name(arg) if isinstance(arg, BaseException) else arg for arg in record.args
            )
        elif isinstance(record.args, dict) and any(
            isinstance(arg, BaseException) for arg in record.args.values()
        ):
            record.args = {
                key: _class_name(arg) if isinstance(arg, BaseException) else arg
                for key, arg in record.args.items()
            }
        return True


# --- error reports (Sentry events) ---------------------------------------------------

# What stays of an event: where and what kind, never what it said about whom.
_EVENT_KEYS = {
    "event_id",
    "timestamp",
    "level",
    "logger",
    "platform",
    "server_name",
    "release",
    "environment",
    "dist",
    "sdk",
    "transaction",
    "transaction_info",
    "fingerprint",
    "tags",
    "type",
}
_FRAME_KEYS = {"filename", "abs_path", "module", "function", "lineno", "colno", "in_app"}
_BREADCRUMB_KEYS = {"type", "category", "level", "timestamp"}
_CONTEXT_KEYS = {"runtime", "os", "trace"}


def _scrubbed_stacktrace(stacktrace: Any) -> dict | None:
    if not isinstance(stacktrace, dict):
        return None
    frames = [
        {key: value for key, value in frame.items() if key in _FRAME_KEYS}
        for frame in stacktrace.get("frames") or []
        if isinstance(frame, dict)
    ]
    return {"frames": frames}


def _scrubbed_exception(value: dict) -> dict:
    """Its class (type, module) and frames; the message (`value`) is left out."""
    kept: dict[str, Any] = {key: value[key] for key in ("type", "module") if key in value}
    mechanism = value.get("mechanism")
    if isinstance(mechanism, dict):
        kept["mechanism"] = {
            key: mechanism[key]
            for key in ("type", "handled", "exception_id", "parent_id")
            if key in mechanism
        }
    stacktrace = _scrubbed_stacktrace(value.get("stacktrace"))
    if stacktrace is not None:
        kept["stacktrace"] = stacktrace
    return kept


def scrub_error_event(event: dict) -> dict:
    """A copy of an error-tracker event with only what the logs may hold (see the module
    docstring): the scrub rule of `scrubbed_traceback`, for Sentry's event format."""
    scrubbed: dict[str, Any] = {key: event[key] for key in _EVENT_KEYS if key in event}
    exception = event.get("exception")
    if isinstance(exception, dict):
        scrubbed["exception"] = {
            "values": [
                _scrubbed_exception(value)
                for value in exception.get("values") or []
                if isinstance(value, dict)
            ]
        }
    threads = event.get("threads")
    if isinstance(threads, dict):
        scrubbed["threads"] = {
            "values": [
                {
                    **{key: thread[key] for key in ("id", "current", "crashed") if key in thread},
                    **(
                        {"stacktrace": _scrubbed_stacktrace(thread["stacktrace"])}
                        if isinstance(thread.get("stacktrace"), dict)
                        else {}
                    ),
                }
                for thread in threads.get("values") or []
                if isinstance(thread, dict)
            ]
        }
    logentry = event.get("logentry")
    if isinstance(logentry, dict) and isinstance(logentry.get("message"), str):
        # The message as written in our code ("Batch %s failed"), without its arguments.
        scrubbed["logentry"] = {"message": logentry["message"]}
    request = event.get("request")
    if isinstance(request, dict) and "method" in request:
        # Not the URL: some paths hold a secret (calendar feeds, invitation links); the
        # transaction names the route instead.
        scrubbed["request"] = {"method": request["method"]}
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        scrubbed["breadcrumbs"] = {
            "values": [
                {key: crumb[key] for key in _BREADCRUMB_KEYS if key in crumb}
                for crumb in breadcrumbs.get("values") or []
                if isinstance(crumb, dict)
            ]
        }
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        scrubbed["contexts"] = {key: contexts[key] for key in _CONTEXT_KEYS if key in contexts}
    return scrubbed


# --- formatters ----------------------------------------------------------------------

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    # Django adds these objects to request and server log records; they are not data to
    # write out (the request holds the user, the body, the cookies).
    "request",
    "server_time",
}
_PRIMITIVES = (str, int, float, bool, type(None))


def _jsonable(value: Any) -> bool:
    if isinstance(value, _PRIMITIVES):
        return True
    if isinstance(value, list | tuple | frozenset | set):
        return all(isinstance(item, _PRIMITIVES) for item in value)
    return False


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's `extra` fields that are plain values (others are left out)."""
    fields: dict[str, Any] = {}
    for key, value in record.__dict__.items():
        if key in _STANDARD or key.startswith("_") or not _jsonable(value):
            continue
        if isinstance(value, set | frozenset):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, the
    extra fields, and `exc` (the scrubbed traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or get_request_id(),
        }
        for key, value in extra_fields(record).items():
            data.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            # Only when the scrub filter did not run (it always does in LOGGING).
            record.exc_text = scrubbed_traceback(record.exc_info[1])  # type: ignore[arg-type]
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line with the request id; extra fields follow as JSON."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = get_request_id() or "-"
        line = super().format(record)
        fields = extra_fields(record)
        if fields:
            first, newline, rest = line.partition("\n")
            line = first + " " + json.dumps(fields, ensure_ascii=False) + newline + rest
        return line


def logging_config(*, json_lines: bool, level: str = "INFO", stream: Any = None) -> dict:
    """The LOGGING setting: one console handler (stdout) with the request-id and scrub
    filters, JSON lines or text. `stream` replaces stdout (the tests use a StringIO)."""
    handler: dict[str, Any] = {
        "class": "logging.StreamHandler",
        "formatter": "json" if json_lines else "text",
        "filters": ["request_id", "scrub"],
        "stream": stream if stream is not None else "ext://sys.stdout",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "stetapp.logs.RequestIdFilter"},
            "scrub": {"()": "stetapp.logs.ScrubFilter"},
        },
        "formatters": {
            "json": {"()": "stetapp.logs.JsonFormatter"},
            "text": {"()": "stetapp.logs.TextFormatter"},
        },
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Server errors with their (scrubbed) tracebacks; 4xx warnings are left to the
            # security log's access.refused events.
            # Django's own default handlers (mail to ADMINS, a debug console) would see
            # records before the scrub filter: replaced by the one handler.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # The security events (stetapp/security_log.py), always written.
            "stetapp.security": {"level": "INFO"},
        },
    }
