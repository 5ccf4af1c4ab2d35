"""Fixtures for the groups tests, on top of the personas in tests/conftest.py.

Extra people and places the personas do not cover:

- lead_b       — project lead of organisation B (must see nothing of A's settings)
- org_c        — an organisation outside the programme, with group C1 and venue C

Every test here runs with English active outside requests (`english` in tests/conftest.py);
login(user) and warm(client, url) are there too.
"""

import pytest

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
def _english(english):
    """See `english` in tests/conftest.py."""


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
