"""Fixtures for the groups tests, on top of the personas in tests/conftest.py.

Extra people and places the personas do not cover:

- lead_b       — project lead of organisation B (must see nothing of A's settings)
- org_c        — an organisation outside the programme, with group C1 and venue C
- login(user)  — a client signed in as any user
- warm(client, url) — one GET first, so that the pinned request does not include the
  session write that SessionLifetimeMiddleware makes on a session's first request

Every test runs with English active outside requests: the active language otherwise
depends on which user's request ran last (the middleware activates the user's language and
nothing deactivates it), which made messages asserted outside a request order-dependent.
"""

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import (
    GroupFactory,
    OrganisationFactory,
    Role,
    UserFactory,
    VenueFactory,
    city,
    grant_role,
)


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


@pytest.fixture
def lead_b(world):
    user = UserFactory(email="lead.b@example.org", full_name="Bram Lead")
    grant_role(user, Role.PROJECT_LEAD, world.org_b)
    return user


@pytest.fixture
def org_c(world):
    """Organisation C (Utrecht) is in no programme: the coordinator must not see it."""
    organisation = OrganisationFactory(name="Organisation C", city=city("GM0344"))
    venue = VenueFactory(organisation=organisation, name="Venue C")
    GroupFactory(organisation=organisation, name="Group C1", venue=venue, community="Kurdish")
    return organisation
