"""Fixtures for the funding tests, on top of the personas in tests/conftest.py.

- login(user)        — a client signed in as any user
- warm(client, url)  — one GET first, so that a pinned request does not include the
  session write that SessionLifetimeMiddleware makes on a session's first request
- HOSTILE            — strings every form must survive (never a 500, always escaped)
- assert_escaped     — no hostile markup came back unescaped

Every test runs with English active outside requests (see tests/groups/conftest.py).
"""

import pytest
from django.test import Client
from django.utils import translation

from tests.participants.conftest import HOSTILE, assert_escaped

__all__ = ["HOSTILE", "assert_escaped"]


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
