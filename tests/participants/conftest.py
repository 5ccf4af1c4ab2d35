"""Fixtures for the participants tests, on top of the personas in tests/conftest.py.

- login(user)        — a client signed in as any user
- warm(client, url)  — one GET first, so that a pinned request does not include the
  session write that SessionLifetimeMiddleware makes on a session's first request
- HOSTILE            — strings every form must survive (never a 500, always escaped)

Every test runs with English active outside requests (see tests/groups/conftest.py).
"""

import pytest
from django.test import Client
from django.utils import translation

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE participants_participant; --",
    "\u202eevil\u200b",
    "x" * 10_000,
    "nul\x00byte",
    "{{ request.user.email }}",
    "   ",
    "١٢٣ مرحبا",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def warm():
    def _warm(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200

    return _warm


def assert_escaped(response) -> None:
    text = response.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
