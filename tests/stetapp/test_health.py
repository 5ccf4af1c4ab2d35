"""/healthz (liveness) and /readyz (readiness): docs/deployment.md, "Health and readiness".

- /healthz: 200 without a query, a cookie or a sign-in.
- /readyz: 200 with each check "ok" and its time; 503 when one check fails, with only
  "fail" for it in the body (the exception's message goes nowhere, the log line is
  scrubbed); the task-queue check fails once the oldest waiting task is older than
  STETAPP_READYZ_MAX_TASK_AGE_SECONDS.
"""

import datetime as dt
import io
import json
import logging
import logging.config
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from stetapp import health
from stetapp.logs import logging_config

CANARY = "Fatma Yilmaz 06-12345678"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    logging.config.dictConfig(logging_config(json_lines=True, stream=stream))
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_healthz_needs_no_database_no_session_and_no_sign_in(client):
    # Without the `db` fixture any query raises: the page answers without one.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.cookies == {}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_200_with_every_check(db, client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "tasks"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert 0 <= check["ms"] < 5000
    assert response.cookies == {}


def test_readyz_leaves_no_file_behind(db, client):
    client.get(reverse("readyz"))
    folder = Path(settings.STETAPP_PRIVATE_MEDIA_ROOT) / health.PROBE_FOLDER
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_failing_check_gives_503_without_its_message(db, client, monkeypatch, log_lines):
    def broken_cache():
        raise ConnectionError(f"redis refused the key of {CANARY}")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    assert CANARY not in response.content.decode()
    assert "redis" not in response.content.decode()
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    failed = [line for line in lines if line.get("check") == "cache"]
    assert len(failed) == 1
    assert "ConnectionError" in failed[0]["exc"]
    assert CANARY not in log_lines.getvalue()


def test_a_missing_storage_folder_fails_the_storage_check(db, client, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    with override_settings(STETAPP_PRIVATE_MEDIA_ROOT=str(blocked)):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["status"] == "fail"


@override_settings(TASKS=DB_TASKS, STETAPP_READYZ_MAX_TASK_AGE_SECONDS=600)
def test_the_queue_check_fails_when_the_oldest_task_waits_too_long(db, client):
    from django_tasks_db.models import DBTaskResult

    from reporting.tasks import make_report_batch

    result = make_report_batch.enqueue(batch_id="0")
    assert client.get(reverse("readyz")).json()["checks"]["tasks"]["status"] == "ok"

    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=11)
    )
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["status"] == "fail"
    assert tasks["oldest_seconds"] >= 660


@override_settings(TASKS=DB_TASKS)
def test_finished_tasks_do_not_count(db):
    from django_tasks_db.models import DBTaskResult

    from reporting.tasks import make_report_batch

    result = make_report_batch.enqueue(batch_id="0")
    DBTaskResult.objects.filter(id=result.id).update(
        status="SUCCESSFUL", enqueued_at=timezone.now() - dt.timedelta(days=3)
    )
    assert health.oldest_queued_task_age() is None


def test_readyz_logs_nothing_when_all_is_well(db, client, log_lines):
    logging.getLogger("stetapp.health").setLevel(logging.INFO)
    client.get(reverse("readyz"))
    assert "Readiness" not in log_lines.getvalue()
