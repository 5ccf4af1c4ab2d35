"""Fixtures for the meetings tests, on top of the personas and fixtures (login, warm) in
tests/conftest.py. Every test here runs with English active outside requests."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """See `english` in tests/conftest.py."""
