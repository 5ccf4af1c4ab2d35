"""Error reports (stetapp/sentry.py) hold no personal data: docs/deployment.md,
"Error reports".

A real sentry-sdk client with the production options and an in-process transport (no
network) captures an exception whose message and local variables hold a participant's
name and phone number, with request data, cookies, headers, a breadcrumb, extra data and
a user carrying them too. Of the envelope it would send, no canary remains; the
exception's class, its frames (file, line, function) and the request id do. Without
SENTRY_DSN nothing is set up.
"""

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from stetapp.logs import request_context, scrub_error_event
from stetapp.sentry import before_send, sentry_options

NAME = "Fatma Yilmaz"
PHONE = "06-12345678"
EMAIL = "fatma.yilmaz@example.org"
CANARIES = [NAME, PHONE, EMAIL, "sessionid-secret-value", "calendar-token-secret"]
REQUEST_ID = "req-0123456789abcdef"


# Collect every kind of data sentry-sdk can (the opposite of stetapp.sentry's options).
ON = {"mode": "denylist", "terms": []}
EVERYTHING = {
    "user_info": True,
    "cookies": ON,
    "http_headers": {"request": ON},
    "http_bodies": ["incoming_request", "outgoing_request", "outgoing_response"],
    "url_query_params": ON,
    "database_query_data": True,
    "stack_frame_variables": True,
    "frame_context_lines": 5,
}


class CaptureTransport(Transport):
    """Keeps every envelope in memory instead of sending it."""

    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


def _lookup_phone(participant_name):
    phone_number = PHONE  # a local variable holding personal data
    raise LookupError(f"no consent to call {participant_name} on {phone_number}")


def _add_request_data(event, hint):
    """What the Django integration adds for a request, with personal data in it."""
    event["request"] = {
        "method": "POST",
        "url": "https://stetapp.example.org/calendar/calendar-token-secret.ics",
        "query_string": f"name={NAME}",
        "data": {"full_name": NAME, "phone": PHONE},
        "cookies": {"__Host-sessionid": "sessionid-secret-value"},
        "headers": {"Cookie": "__Host-sessionid=sessionid-secret-value", "X-Email": EMAIL},
        "env": {"REMOTE_ADDR": "192.0.2.1"},
    }
    return event


@pytest.fixture
def captured():
    transport = CaptureTransport()
    options = sentry_options(dsn="https://public@sentry.invalid/1", environment="test", release="t")
    client = sentry_sdk.Client(
        transport=transport,
        default_integrations=False,
        auto_enabling_integrations=False,
        # Even if someone switched collection on, before_send removes what it adds.
        **{**options, "data_collection": EVERYTHING},
    )
    with sentry_sdk.isolation_scope() as scope:
        scope.set_client(client)
        scope.add_event_processor(_add_request_data)
        scope.set_user({"id": "7", "email": EMAIL, "username": NAME})
        scope.set_extra("participant", NAME)
        scope.set_context("participant", {"phone": PHONE})
        sentry_sdk.add_breadcrumb(
            category="query", message=f"SELECT … WHERE name = '{NAME}'", data={"phone": PHONE}
        )
        with request_context(REQUEST_ID):
            try:
                _lookup_phone(NAME)
            except LookupError as error:
                sentry_sdk.capture_exception(error)
        client.flush()
    return transport


def _event(transport) -> dict:
    assert len(transport.envelopes) == 1
    events = [item.payload.json for item in transport.envelopes[0].items if item.type == "event"]
    assert len(events) == 1
    return events[0]


def test_the_capture_did_collect_the_canaries(captured):
    """The client collected them (so the test below can fail); before_send removed them."""
    collected = []
    options = sentry_options(dsn="https://public@sentry.invalid/1", environment="test", release="t")
    client = sentry_sdk.Client(
        transport=CaptureTransport(),
        default_integrations=False,
        auto_enabling_integrations=False,
        **{
            **options,
            "data_collection": EVERYTHING,
            "before_send": lambda event, hint: collected.append(json.dumps(event)) or event,
        },
    )
    with sentry_sdk.isolation_scope() as scope:
        scope.set_client(client)
        scope.add_event_processor(_add_request_data)
        try:
            _lookup_phone(NAME)
        except LookupError as error:
            sentry_sdk.capture_exception(error)
    assert NAME in collected[0]
    assert PHONE in collected[0]


def test_no_canary_leaves_the_process(captured):
    raw = b"".join(envelope.serialize() for envelope in captured.envelopes).decode()
    for canary in CANARIES:
        assert canary not in raw


def test_the_report_keeps_class_frames_and_request_id(captured):
    event = _event(captured)
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "LookupError"
    assert "value" not in exception
    functions = [frame["function"] for frame in exception["stacktrace"]["frames"]]
    assert "_lookup_phone" in functions
    for frame in exception["stacktrace"]["frames"]:
        assert "vars" not in frame
        assert "context_line" not in frame
        assert frame["lineno"] > 0
    assert event["tags"]["request_id"] == REQUEST_ID
    assert event["request"] == {"method": "POST"}
    assert "user" not in event
    assert "extra" not in event
    assert "participant" not in event.get("contexts", {})
    assert [
        set(crumb) <= {"type", "category", "level", "timestamp"}
        for crumb in event["breadcrumbs"]["values"]
    ] == [True]


def test_a_log_event_keeps_its_message_without_arguments():
    event = {
        "logentry": {"message": "Batch %s failed", "params": [NAME], "formatted": f"x {NAME}"},
        "message": f"Batch {NAME} failed",
        "level": "error",
        "logger": "reporting",
    }
    scrubbed = before_send(event, {})
    assert scrubbed["logentry"] == {"message": "Batch %s failed"}
    assert NAME not in json.dumps(scrubbed)
    assert scrubbed["level"] == "error"


def test_scrubbing_survives_odd_events():
    assert scrub_error_event({}) == {}
    assert scrub_error_event({"exception": {"values": [None, {"value": NAME}]}}) == {
        "exception": {"values": [{}]}
    }
    assert scrub_error_event({"threads": {"values": [{"id": 1, "stacktrace": None}]}}) == {
        "threads": {"values": [{"id": 1}]}
    }


def test_the_options_send_no_personal_data():
    options = sentry_options(dsn="https://public@sentry.invalid/1", environment="x", release=None)
    collection = options["data_collection"]
    assert collection["user_info"] is False
    assert collection["stack_frame_variables"] is False
    assert collection["frame_context_lines"] == 0
    assert collection["http_bodies"] == []
    assert {collection["cookies"]["mode"], collection["url_query_params"]["mode"]} == {"off"}
    assert collection["http_headers"]["request"]["mode"] == "off"
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] is before_send
    assert options["before_send_transaction"]({"type": "transaction"}, {}) is None


def test_older_sdks_get_send_default_pii_false(monkeypatch):
    """sentry-sdk releases before `data_collection` (pyproject allows 2.20 on)."""
    from sentry_sdk import consts

    without = {k: v for k, v in consts.DEFAULT_OPTIONS.items() if k != "data_collection"}
    monkeypatch.setattr(consts, "DEFAULT_OPTIONS", without)
    options = sentry_options(dsn="https://public@sentry.invalid/1", environment="x", release=None)
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["include_source_context"] is False
    assert "data_collection" not in options
    assert options["before_send"] is before_send


def test_without_a_dsn_nothing_is_set_up():
    """The test settings (like production without SENTRY_DSN) start no client."""
    assert not sentry_sdk.get_client().is_active()
