"""Logs a security officer can use (issue 15, item 6): a request id everywhere, security
events as JSON lines, and no personal data in tracebacks (canary values)."""

import io
import json
import logging.config

import pytest
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django_tasks import task

from groups import services as group_services
from groups.models import Membership, Role
from stetapp.logs import (
    carries_request_id,
    enqueue,
    get_request_id,
    logging_config,
    request_context,
)
from tests.stetapp.test_production_settings import PRODUCTION, output, run
from tests.stetapp.test_production_settings import prod_env as prod_env  # the fixture
from tests.stetapp.urls_boom import CANARY_NAME, CANARY_PHONE

PASSWORD = "a-long-test-password"  # noqa: S105 (the test users' password)
CANARY_EMAIL = "canary.zwaluwstaart@example.org"


class Log:
    """What the real LOGGING configuration wrote, as text and as parsed JSON lines."""

    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]

    def events(self, name: str) -> list[dict]:
        return [r for r in self.records() if r.get("event") == name]


@pytest.fixture(params=["json", "text"])
def any_log(request):
    """The project's logging set-up (production's JSON lines, development's text), with
    its one handler writing to a StringIO."""
    stream = io.StringIO()
    logging.config.dictConfig(logging_config(json_lines=request.param == "json", stream=stream))
    yield Log(stream)
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def log():
    """The production logging set-up (JSON lines) writing to a StringIO."""
    stream = io.StringIO()
    logging.config.dictConfig(logging_config(json_lines=True, stream=stream))
    yield Log(stream)
    logging.config.dictConfig(settings.LOGGING)


# --- request id ----------------------------------------------------------------------


def test_every_response_carries_a_new_request_id(db, client):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second


def test_a_well_formed_incoming_request_id_is_kept_and_others_replaced(db, client):
    kept = client.get(reverse("healthz"), headers={"X-Request-ID": "proxy-1234abcd"})
    assert kept["X-Request-ID"] == "proxy-1234abcd"
    for hostile in ["short", "a" * 65, "bad id with spaces", 'x"}{"event":"forged', "é" * 10]:
        response = client.get(reverse("healthz"), headers={"X-Request-ID": hostile})
        assert response["X-Request-ID"] != hostile
        assert len(response["X-Request-ID"]) == 32


def test_log_lines_carry_the_request_id(log):
    with request_context("abcdef0123456789"):
        logging.getLogger("stetapp.anything").warning("Batch %s failed", 42)
    logging.getLogger("stetapp.anything").warning("outside a request")
    inside, outside = log.records()
    assert inside["request_id"] == "abcdef0123456789"
    assert inside["message"] == "Batch 42 failed"
    assert inside["level"] == "WARNING"
    assert outside["request_id"] == "-"


def test_extra_fields_are_written_but_not_objects(log):
    logging.getLogger("stetapp.security").info(
        "mfa.reset", extra={"event": "mfa.reset", "user_id": 7, "object": object()}
    )
    (record,) = log.records()
    assert record["event"] == "mfa.reset"
    assert record["user_id"] == 7
    assert "object" not in record


def test_production_writes_scrubbed_json_lines_to_stdout(prod_env):
    """The production settings themselves (in a fresh process): JSON lines on stdout,
    security events included, errors without their messages."""
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('stetapp.security').info('probe', extra={'event': 'probe'});"
        "logging.getLogger('django.request').error("
        f"'failed', exc_info=ValueError({CANARY_NAME!r}))"
    )
    result = run(["-c", code], {**prod_env, "DJANGO_SETTINGS_MODULE": PRODUCTION})
    assert result.returncode == 0, output(result)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line.get("event") for line in lines] == ["probe", None]
    assert lines[1]["exc"].endswith("ValueError")
    assert CANARY_NAME not in result.stdout + result.stderr


# --- scrubbing: canary values in a failing view ----------------------------------------


@pytest.mark.allow_server_error
@pytest.mark.urls("tests.stetapp.urls_boom")
def test_a_server_error_logs_no_personal_data_and_shows_the_request_id(world, any_log):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["lead_a"])
    response = client.get("/boom-data/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]

    text = any_log.text
    assert CANARY_NAME not in text
    assert CANARY_PHONE not in text
    assert world.users["lead_a"].email not in text
    # What is left is enough to find the fault: the request id, the classes and frames.
    assert request_id in text
    assert "Internal Server Error: /boom-data/" in text
    assert "ValueError" in text
    assert "KeyError" in text
    assert "in boom_with_data" in text
    assert "Export cell failed: KeyError" in text

    body = response.content.decode()
    assert request_id in body
    assert CANARY_NAME not in body
    assert CANARY_PHONE not in body


@pytest.mark.allow_server_error
@pytest.mark.urls("tests.stetapp.urls_boom")
def test_the_server_error_line_is_one_json_object_with_the_request_id(log):
    response = Client(raise_request_exception=False).get("/boom/")
    (record,) = [r for r in log.records() if r["logger"] == "django.request"]
    assert record["request_id"] == response["X-Request-ID"]
    assert record["level"] == "ERROR"
    assert record["exc"].splitlines()[-1] == "RuntimeError"
    assert "secret-canary-participant-name" not in log.text


# --- security events -------------------------------------------------------------------


def _assert_no_personal_data(log: Log, *values: str) -> None:
    for value in values:
        assert value not in log.text


def test_sign_in_and_sign_out_are_logged(world, client, log):
    lead = world.users["lead_a"]
    response = client.post(reverse("account_login"), {"login": lead.email, "password": PASSWORD})
    assert response.status_code == 302
    (event,) = log.events("signin.succeeded")
    assert event["user_id"] == lead.pk
    assert event["roles"] == [Role.PROJECT_LEAD]
    assert event["ip"] == "127.0.0.1"
    assert event["request_id"] == response["X-Request-ID"]
    assert event["logger"] == "stetapp.security"

    client.post(reverse("account_logout"))
    (event,) = log.events("signin.signed_out")
    assert event["user_id"] == lead.pk
    _assert_no_personal_data(log, lead.email, PASSWORD)


def test_failed_sign_ins_are_logged_without_the_typed_address(world, client, log):
    lead = world.users["lead_a"]
    client.post(reverse("account_login"), {"login": lead.email, "password": "wrong-password"})
    client.post(reverse("account_login"), {"login": CANARY_EMAIL, "password": "wrong-password"})
    client.post(reverse("account_login"), {"login": lead.email, "password": "wrong-again!"})
    first, unknown, again = log.events("signin.failed")
    for event in (first, unknown, again):
        assert event["user_id"] is None
        assert event["roles"] == []
        assert event["ip"] == "127.0.0.1"
        assert len(event["request_id"]) == 32
    # The same account gives the same hash, so attacks on one account can be counted.
    assert first["account_hash"] == again["account_hash"] != unknown["account_hash"]
    _assert_no_personal_data(log, lead.email, CANARY_EMAIL, "wrong-password", "wrong-again!")
    _assert_no_personal_data(log, "canary.zwaluwstaart", "a1@example")


def test_sign_ins_refused_by_the_rate_limit_are_logged(world, client, log):
    cache.clear()
    volunteer = world.users["volunteer_a1"]
    for _ in range(6):  # 5 failed sign-ins per account in 5 minutes
        client.post(reverse("account_login"), {"login": volunteer.email, "password": "nope"})
    cache.clear()
    failed = log.events("signin.failed")
    (limited,) = log.events("signin.rate_limited")
    assert len(failed) == 5
    assert limited["account_hash"] == failed[0]["account_hash"]
    assert limited["ip"] == "127.0.0.1"
    assert limited["user_id"] is None
    _assert_no_personal_data(log, volunteer.email)


def test_refused_requests_are_logged_with_the_url_name(world, log):
    client = world.client_for("facilitator_b1")
    response = client.get(
        reverse("group_detail", kwargs={"pk": world.group_a1.pk}) + "?q=" + CANARY_NAME
    )
    assert response.status_code == 404
    (event,) = log.events("access.refused")
    assert event == {
        **event,
        "status": 404,
        "view": "group_detail",
        "method": "GET",
        "user_id": world.users["facilitator_b1"].pk,
        "roles": [Role.FACILITATOR],
        "ip": "127.0.0.1",
        "request_id": response["X-Request-ID"],
    }
    _assert_no_personal_data(log, CANARY_NAME, "Group A1", str(world.group_a1.pk) + "/")

    forbidden = world.client_for("funder").get(reverse("group_list"))
    assert forbidden.status_code == 403
    event = log.events("access.refused")[-1]
    assert (event["status"], event["view"], event["roles"]) == (403, "group_list", ["funder"])


def test_role_changes_are_logged_with_ids_only(world, log, django_capture_on_commit_callbacks):
    lead = world.users["lead_a"]
    with django_capture_on_commit_callbacks(execute=True):
        membership = group_services.member_invite(
            email=CANARY_EMAIL,
            full_name=CANARY_NAME,
            role=Role.FACILITATOR,
            scope=world.group_a2,
            invited_by=lead,
            base_url="https://stetapp.example",
        )
    (granted,) = log.events("role.granted")
    assert granted == {
        **granted,
        "user_id": lead.pk,
        "roles": [Role.PROJECT_LEAD],
        "membership_id": membership.pk,
        "subject_user_id": membership.user_id,
        "role": Role.FACILITATOR,
        "scope": "group",
        "scope_id": world.group_a2.pk,
    }

    response = None
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("lead_a").post(
            reverse("membership_revoke", kwargs={"pk": membership.pk})
        )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    (revoked,) = log.events("role.revoked")
    assert revoked["user_id"] == lead.pk
    assert revoked["subject_user_id"] == membership.user_id
    assert revoked["ip"] == "127.0.0.1"
    assert revoked["request_id"] == response["X-Request-ID"]
    _assert_no_personal_data(log, CANARY_EMAIL, CANARY_NAME)


def test_role_changes_in_the_admin_are_logged(world, log):
    from tests.factories import UserFactory

    admin = UserFactory(email="site.admin@example.org", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    one = Membership.objects.get(user=world.users["facilitator_a1"])
    two = Membership.objects.get(user=world.users["volunteer_a1"])
    response = client.post(
        reverse("admin:groups_membership_delete", args=[one.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    client.post(
        reverse("admin:groups_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"},
    )
    first, second = log.events("role.revoked")
    assert (first["membership_id"], second["membership_id"]) == (one.pk, two.pk)
    assert first["via"] == second["via"] == "admin"
    assert first["user_id"] == second["user_id"] == admin.pk
    assert first["site_admin"] is True
    assert first["subject_user_id"] == world.users["facilitator_a1"].pk
    assert first["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    ("signal", "name"),
    [
        (mfa_signals.authenticator_added, "mfa.added"),
        (mfa_signals.authenticator_removed, "mfa.removed"),
        (mfa_signals.authenticator_reset, "mfa.reset"),
        (mfa_signals.authentication_failed, "mfa.failed"),
    ],
)
def test_two_factor_changes_are_logged(world, log, signal, name):
    user = world.users["facilitator_a1"]
    authenticator = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    request = RequestFactory().post("/accounts/2fa/")
    request.user = user
    with request_context("mfa-request-0001", request):
        signal.send(sender=Authenticator, request=request, user=user, authenticator=authenticator)
    (event,) = log.events(name)
    assert event["user_id"] == user.pk
    assert event["roles"] == [Role.FACILITATOR]
    assert event["authenticator"] == "totp"
    assert event["ip"] == "127.0.0.1"
    assert event["request_id"] == "mfa-request-0001"
    assert "JBSWY3DPEHPK3PXP" not in log.text


# --- background tasks -------------------------------------------------------------------


@task()
@carries_request_id
def report_request_id() -> str | None:
    logging.getLogger("stetapp.tasks").warning("task ran")
    return get_request_id()


def test_a_task_runs_under_the_id_of_the_request_that_queued_it(log):
    with request_context("queued-by-0001"):
        result = enqueue(report_request_id)
    assert result.kwargs == {"request_id": "queued-by-0001"}
    assert result.return_value == "queued-by-0001"
    (record,) = [r for r in log.records() if r["logger"] == "stetapp.tasks"]
    assert record["request_id"] == "queued-by-0001"


def test_a_task_queued_outside_a_request_gets_an_id_of_its_own():
    result = enqueue(report_request_id)
    assert result.kwargs == {"request_id": None}
    assert len(result.return_value) == 32


def test_the_report_batch_is_queued_with_the_request_id(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    from reporting.models import ReportBatch

    response = world.client_for("lead_a").post(
        reverse("report_batch_create"), {"grants": [world.grant_a.pk], "formats": ["pdf"]}
    )
    batch = ReportBatch.objects.exclude(pk=world.batch_a.pk).get()
    queued = DBTaskResult.objects.get(pk=batch.task_id)
    assert queued.task_result.kwargs == {"request_id": response["X-Request-ID"]}
