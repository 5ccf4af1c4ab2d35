"""A failed background task leaves no personal data behind (issue 15, item 6).

django-tasks-db keeps a row per task; for a failed one it stored the exception's class
and its full traceback, messages included, and the worker logged the same. An exception
message can quote a participant (a database error quotes the value, an openpyxl error the
cell). `carries_request_id` (stetapp/logs.py) turns any failure into a `TaskFailed` that
says only the original class and the request id; the log line of the failure keeps the
frames and classes, never a message. Canary values must appear nowhere.
"""

import importlib
import io
import json
import logging.config
import signal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django_tasks import task
from django_tasks.base import Task

from participants.models import Participant
from stetapp.logs import TaskFailed, carries_request_id, enqueue, logging_config, request_context

CANARY_NAME = "Canary Zwaluwstaart"
CANARY_PHONE = "06-99887766"
REQUEST_ID = "canary-request-0001"


class ExportProblem(Exception):
    """A project exception (module-qualified in what is stored)."""


@task()
@carries_request_id
def fail_with_personal_data(participant_id: int) -> None:
    participant = Participant.objects.get(pk=participant_id)
    try:
        raise KeyError(participant.phone)
    except KeyError as exc:
        raise ExportProblem(f"cannot write {participant.full_name}") from exc


@pytest.fixture
def log():
    """The production logging set-up (JSON lines) writing to a StringIO."""
    stream = io.StringIO()
    logging.config.dictConfig(logging_config(json_lines=True, level="INFO", stream=stream))
    yield stream
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def canary(world):
    participant = world.participant_a1
    participant.full_name = CANARY_NAME
    participant.phone = CANARY_PHONE
    participant.save(update_fields=["full_name", "phone"])
    return participant


def _assert_no_canary(text: str) -> None:
    assert CANARY_NAME not in text
    assert CANARY_PHONE not in text
    assert "cannot write" not in text


CLASS = "tests.stetapp.test_task_failures.ExportProblem"


def test_a_failed_task_row_holds_only_the_class_and_the_request_id(
    canary, settings, log, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes connections it thinks stale; the test's transaction is one.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    with request_context(REQUEST_ID):
        queued = enqueue(fail_with_personal_data, canary.pk)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=1)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "FAILED"
    assert row.exception_class_path == "stetapp.logs.TaskFailed"
    assert row.traceback.splitlines()[-1] == (
        f"stetapp.logs.TaskFailed: {CLASS} (request id {REQUEST_ID})"
    )
    # Not one column of the row, nor the result read back through the API, holds it.
    for value in DBTaskResult.objects.filter(pk=queued.id).values().get().values():
        _assert_no_canary(json.dumps(value, default=str))
    (error,) = row.task_result.errors
    _assert_no_canary(error.traceback)
    assert error.exception_class is TaskFailed

    # The log: the task's own line with the frames and classes of the real failure, and
    # the worker's line; both under the request id, neither with a message or a value.
    text = log.getvalue()
    _assert_no_canary(text)
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    (failure,) = [r for r in records if r["message"] == "Task failed"]
    assert failure["request_id"] == REQUEST_ID
    assert failure["task"] == "tests.stetapp.test_task_failures.fail_with_personal_data"
    assert failure["exception"] == CLASS
    assert failure["exc"].splitlines()[-1] == CLASS
    assert "builtins.KeyError" not in failure["exc"]  # (the class of builtins is bare)
    assert "KeyError" in failure["exc"]
    assert "in fail_with_personal_data" in failure["exc"]
    (worker,) = [r for r in records if "state=FAILED" in r["message"]]
    assert worker["exc"].splitlines()[-1] == "stetapp.logs.TaskFailed"


def test_a_task_run_at_once_keeps_no_message_either(canary, log):
    with request_context(REQUEST_ID):
        result = enqueue(fail_with_personal_data, canary.pk)
    assert result.status == "FAILED"
    (error,) = result.errors
    assert error.exception_class is TaskFailed
    _assert_no_canary(error.traceback)
    assert error.traceback.rstrip().endswith(f"{CLASS} (request id {REQUEST_ID})")
    _assert_no_canary(log.getvalue())


def test_a_task_that_succeeds_returns_its_value():
    @carries_request_id
    def double(number: int) -> int:
        return number * 2

    assert double(21, request_id=REQUEST_ID) == 42


def test_every_task_of_the_project_is_scrubbed():
    """Each `@task()` in an app's tasks module sits on `carries_request_id`."""
    tasks = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if "site-packages" in path.parts or not path.is_relative_to(settings.BASE_DIR):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        tasks += [value for value in vars(module).values() if isinstance(value, Task)]
    assert tasks, "no tasks found: the search above is broken"
    unscrubbed = [t.module_path for t in tasks if not getattr(t.func, "scrubs_failures", False)]
    assert unscrubbed == []
