"""funding.selectors.readiness_for_groups / group_readiness: each computed item from data."""

from decimal import Decimal

import pytest

from funding.models import ReadinessCheck
from funding.selectors import group_readiness, readiness_for_groups, readiness_progress
from groups.models import Role
from tests.factories import (
    ApplicationFactory,
    GrantFactory,
    GroupFactory,
    UserFactory,
    VenueFactory,
    grant_role,
)

pytestmark = pytest.mark.django_db


def _items(group):
    return {item.key: item for item in group_readiness(group=group)}


def test_world_group_a1_is_funded_and_has_a_closed_room(world):
    items = _items(world.group_a1)
    assert items["funding"].done and items["funding"].computed
    assert items["room"].done
    assert not items["facilitators"].done
    assert readiness_progress(list(items.values())) == (2, 6)


@pytest.mark.parametrize(
    ("status", "with_grant", "funded"),
    [
        ("granted", True, True),
        ("partly_granted", True, True),
        ("submitted", False, False),
        ("draft", False, False),
        ("rejected", False, False),
    ],
)
def test_funding_needs_a_grant_on_a_granted_application(world, status, with_grant, funded):
    group = GroupFactory(organisation=world.org_a, name="New")
    application = ApplicationFactory(organisation=world.org_a, status=status, groups=[group])
    if with_grant:
        GrantFactory(application=application, amount=Decimal("100.00"))
    assert _items(group)["funding"].done is funded


def test_a_granted_application_for_another_group_does_not_count(world):
    assert not _items(world.group_a2)["funding"].done


@pytest.mark.parametrize(("closed", "ready"), [(True, True), (False, False)])
def test_room_is_the_venues_closed_room(world, closed, ready):
    venue = VenueFactory(organisation=world.org_a, name="Hall", closed_room=closed)
    group = GroupFactory(organisation=world.org_a, name="Roomed", venue=venue)
    assert _items(group)["room"].done is ready


def test_no_venue_no_room(world):
    group = GroupFactory(organisation=world.org_a, name="Homeless", venue=None)
    assert not _items(group)["room"].done


@pytest.mark.parametrize(
    ("group_languages", "spoken", "ready"),
    [(["tr", "nl"], ["tr"], True), (["ar"], ["tr", "nl"], False), (["ar"], [], False)],
)
def test_facilitator_language_overlap(world, group_languages, spoken, ready):
    from funding.models import FacilitatorProfile

    group = GroupFactory(organisation=world.org_a, name="Talk", languages=group_languages)
    facilitator = UserFactory(email="talk@example.org")
    grant_role(facilitator, Role.FACILITATOR, group)
    FacilitatorProfile.objects.create(user=facilitator, languages=spoken)
    assert _items(group)["facilitators"].done is ready


def test_a_volunteers_profile_does_not_count(world):
    from funding.models import FacilitatorProfile

    FacilitatorProfile.objects.create(user=world.users["volunteer_a1"], languages=["tr"])
    assert not _items(world.group_a1)["facilitators"].done


def test_ticked_items_count(world):
    ReadinessCheck.objects.create(group=world.group_a1, key="target_group", note="Turkish women")
    items = _items(world.group_a1)
    assert items["target_group"].done and items["target_group"].note == "Turkish women"
    assert not items["target_group"].computed
    assert readiness_progress(list(items.values())) == (3, 6)


@pytest.mark.parametrize("extra", [0, 20])
def test_bulk_is_three_queries_whatever_the_number_of_groups(
    world, extra, django_assert_num_queries
):
    groups = [world.group_a1, world.group_a2]
    groups += [GroupFactory(organisation=world.org_a, name=f"G{i}") for i in range(extra)]
    with django_assert_num_queries(3):
        # 1. per group: is its venue a closed room, does a grant on a granted
        #    application cover it
        # 2. facilitators' profile languages per group
        # 3. the ticked items
        result = readiness_for_groups(groups=groups)
    assert set(result) == {g.pk for g in groups}


def test_bulk_of_nothing_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert readiness_for_groups(groups=[]) == {}
