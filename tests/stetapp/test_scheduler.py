"""The scheduler (stetapp/scheduler.py, `manage.py scheduler`).

- A due job runs; a job that ran less than `every` ago does not; after `every` it runs
  again.
- A failing job is logged without its message (the canary), recorded as failed, and the
  jobs after it still run.
- The registry holds the core jobs, and they do their work: expired sessions, old task
  results and old submission tokens are deleted, recent ones kept.
- `--once` runs one tick; `--list` shows the jobs.

The concurrency proof (two schedulers, one run) is in test_scheduler_concurrency.py.
"""

import datetime as dt
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from stetapp import scheduler
from stetapp.logs import logging_config
from stetapp.models import ScheduledJob
from stetapp.scheduler import Job, run_due_jobs

CANARY = "Fatma Yilmaz 06-12345678"
NOW = timezone.now()


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    logging.config.dictConfig(logging_config(json_lines=True, level="INFO", stream=stream))
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def counting_job(name, every=dt.timedelta(hours=1)):
    runs = []
    return Job(name=name, every=every, func=lambda: runs.append(1)), runs


def test_a_due_job_runs_and_a_not_due_job_does_not(db):
    job, runs = counting_job("count")
    assert [o.result for o in run_due_jobs(now=NOW, jobs=[job])] == ["ran"]
    assert [o.result for o in run_due_jobs(now=NOW + dt.timedelta(minutes=59), jobs=[job])] == [
        "not due"
    ]
    assert len(runs) == 1
    assert [o.result for o in run_due_jobs(now=NOW + dt.timedelta(hours=1), jobs=[job])] == ["ran"]
    assert len(runs) == 2
    row = ScheduledJob.objects.get(name="count")
    assert row.last_started_at == NOW + dt.timedelta(hours=1)
    assert row.last_succeeded is True
    assert row.last_finished_at is not None


def test_a_failing_job_is_logged_scrubbed_and_the_others_run(db, log_lines):
    def broken():
        participant = CANARY  # a local variable a traceback with locals would show
        raise ValueError(f"no phone number for {participant}")

    before, before_runs = counting_job("a-before")
    after, after_runs = counting_job("c-after")
    failing = Job(name="b-broken", every=dt.timedelta(hours=1), func=broken)
    outcomes = run_due_jobs(now=NOW, jobs=[before, failing, after])
    assert [(o.name, o.result) for o in outcomes] == [
        ("a-before", "ran"),
        ("b-broken", "failed"),
        ("c-after", "ran"),
    ]
    assert before_runs == after_runs == [1]
    assert ScheduledJob.objects.get(name="b-broken").last_succeeded is False
    text = log_lines.getvalue()
    assert CANARY not in text
    assert "no phone number" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    failed = [line for line in lines if line["message"] == "Scheduled job b-broken failed"]
    assert len(failed) == 2  # the traceback, and the summary line
    assert "ValueError" in failed[0]["exc"]
    assert failed[0]["job"] == "b-broken"
    assert failed[0]["request_id"] != "-"
    # A failed job waits its interval like any other: no retry in a loop.
    assert run_due_jobs(now=NOW + dt.timedelta(minutes=1), jobs=[failing])[0].result == "not due"


def test_the_registry_has_the_core_jobs():
    names = {item.name for item in scheduler.registered_jobs()}
    assert {"clear-sessions", "prune-task-results", "prune-submission-tokens"} <= names


def test_two_jobs_cannot_share_a_name():
    scheduler.registered_jobs()
    with pytest.raises(ValueError, match="two jobs"):
        scheduler.job("clear-sessions", every=dt.timedelta(hours=1))(lambda: None)


def test_clear_sessions_deletes_only_expired_sessions(db):
    Session.objects.create(
        session_key="expired" * 4, session_data="", expire_date=NOW - dt.timedelta(minutes=1)
    )
    Session.objects.create(
        session_key="current" * 4, session_data="", expire_date=NOW + dt.timedelta(hours=1)
    )
    jobs = [j for j in scheduler.registered_jobs() if j.name == "clear-sessions"]
    assert run_due_jobs(jobs=jobs)[0].result == "ran"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current" * 4]


def test_old_task_results_are_pruned(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STETAPP_TASK_RESULTS_KEEP_DAYS = 14
    from django_tasks_db.models import DBTaskResult

    from reporting.tasks import make_report_batch

    old = make_report_batch.enqueue(batch_id="0")
    recent = make_report_batch.enqueue(batch_id="1")
    waiting = make_report_batch.enqueue(batch_id="2")
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=NOW - dt.timedelta(days=15)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=NOW - dt.timedelta(days=13)
    )
    jobs = [j for j in scheduler.registered_jobs() if j.name == "prune-task-results"]
    assert run_due_jobs(jobs=jobs)[0].result == "ran"
    assert {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)} == {
        str(recent.id),
        str(waiting.id),
    }


def test_old_submission_tokens_are_pruned(world):
    import uuid

    from stetapp.models import Submission

    user = world.users["lead_a"]
    Submission.objects.create(user=user, token=uuid.uuid4(), created_at=NOW - dt.timedelta(days=8))
    kept = Submission.objects.create(user=user, token=uuid.uuid4())
    jobs = [j for j in scheduler.registered_jobs() if j.name == "prune-submission-tokens"]
    assert run_due_jobs(jobs=jobs)[0].result == "ran"
    assert list(Submission.objects.filter(user=user).values_list("pk", flat=True)) == [kept.pk]


def test_the_command_runs_one_tick_with_once_and_lists_the_jobs(db):
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "clear-sessions: ran" in out.getvalue()
    again = io.StringIO()
    call_command("scheduler", "--once", stdout=again)
    assert again.getvalue() == ""  # nothing due a moment later
    listing = io.StringIO()
    call_command("scheduler", "--list", stdout=listing)
    assert "clear-sessions\tevery 1:00:00\tlast " in listing.getvalue()
    assert "\tok" in listing.getvalue()
