"""The user's scope as group ids (groups/access.py, decision 57) for the two users the
persona walk does not cover (nobody signed in, a site administrator), and what queries
filter by: literal ids, or a subquery for a scope reached through a programme (decision
76)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from groups.access import (
    group_filter_for,
    group_ids_for,
    group_scope,
    reach_key,
    reached_groups,
    remember_scope,
)
from groups.models import Group
from groups.roles import Need, Role
from stetapp.access import user_memberships
from tests.factories import GroupFactory, UserFactory, grant_role
from tests.helpers import PERSONAS


def test_an_anonymous_user_reaches_no_group(world):
    assert group_scope(AnonymousUser()) == {}
    assert group_ids_for(AnonymousUser(), need=Need.READ) == []


def test_a_site_administrator_reaches_every_group_through_every_role(world):
    admin = UserFactory(is_superuser=True)
    scope = group_scope(admin)
    assert set(scope) == set(Group.objects.values_list("pk", flat=True))
    assert all(roles == set(Role.values) for roles in scope.values())
    assert group_ids_for(admin, need=Need.MANAGE) == sorted(scope)


# --- what queries filter by: literal ids, or a subquery for a programme's scope ----------


def _person(world, persona, *, in_request: bool):
    """The persona's own user object; in a request as the middleware and the access
    rule leave it (the scope memo set, the memberships loaded)."""
    if persona not in world.users:
        return AnonymousUser()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=world.users[persona].pk)
    if in_request:
        remember_scope(user)
        user_memberships(user)
    return user


def _groups(found) -> set[int]:
    """The groups a filter value selects, whatever its form."""
    return set(Group.objects.filter(pk__in=found).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("need", list(Need))
@pytest.mark.parametrize("in_request", [False, True])
def test_the_filter_selects_the_groups_of_the_scope(world, persona, need, in_request):
    GroupFactory()  # a group outside the programme: reached by nobody but its staff
    user = _person(world, persona, in_request=in_request)
    assert _groups(group_filter_for(user, need=need)) == set(group_ids_for(user, need=need))
    reached = reached_groups(user, need=need).values_list("pk", flat=True)
    assert set(reached) == set(group_ids_for(user, need=need))


def test_a_coordinators_groups_are_read_once(world):
    """By their programmes' organisations, not `pk IN (SELECT id FROM groups …)`."""
    coordinator = _person(world, "coordinator", in_request=True)
    sql = str(reached_groups(coordinator).query)
    assert sql.count('FROM "groups_group"') == 1
    assert "groups_programme_organisations" in sql


def test_a_coordinators_scope_is_a_subquery_a_facilitators_literal_ids(world):
    coordinator = _person(world, "coordinator", in_request=True)
    found = group_filter_for(coordinator, need=Need.READ)
    assert not isinstance(found, list)
    assert "IN (SELECT" in str(found.query).upper().replace('"', "")
    # Without the coordinator's role in the need, their ids are literal (none here).
    assert group_filter_for(coordinator, need=Need.WORK) == []
    facilitator = _person(world, "facilitator_a1", in_request=True)
    assert group_filter_for(facilitator, need=Need.READ) == [world.group_a1.pk]
    admin = UserFactory(is_superuser=True)
    assert _groups(group_filter_for(admin)) == set(Group.objects.values_list("pk", flat=True))
    assert group_filter_for(AnonymousUser()) == []


def test_a_lead_who_coordinates_too_keeps_both_reaches_and_their_staff_groups(world):
    other = GroupFactory()
    user = _person(world, "lead_a", in_request=False)
    grant_role(user, Role.PROGRAMME_COORDINATOR, world.programme)
    grant_role(user, Role.FACILITATOR, other)
    for need in Need:
        fresh = _person(world, "lead_a", in_request=True)
        found = group_filter_for(fresh, need=need)
        assert _groups(found) == set(group_ids_for(fresh, need=need))
    # Through the programme only: the groups they lead are not in it by that role.
    fresh = _person(world, "lead_a", in_request=True)
    only = group_filter_for(fresh, roles={Role.PROGRAMME_COORDINATOR})
    assert _groups(only) == set(group_ids_for(fresh, roles={Role.PROGRAMME_COORDINATOR}))
    assert other.pk not in _groups(only)
    reached = _groups(group_filter_for(_person(world, "lead_a", in_request=True)))
    assert other.pk in reached
    assert world.group_b1.pk in reached  # through the programme only


def test_a_need_without_the_coordinators_role_does_not_read_the_programme(
    world, django_assert_num_queries
):
    user = _person(world, "coordinator", in_request=True)
    with django_assert_num_queries(0):
        assert group_ids_for(user, need=Need.WORK) == []
    with django_assert_num_queries(1):
        read = group_ids_for(user, need=Need.READ)
    assert world.group_b1.pk in read
    # Once the whole scope is known it answers the smaller need too, without a query.
    with django_assert_num_queries(0):
        assert group_ids_for(user, need=Need.WORK) == []
        assert group_ids_for(user, need=Need.READ) == read


def test_a_lead_s_local_scope_is_kept_for_the_request(world, django_assert_num_queries):
    user = _person(world, "lead_a", in_request=True)
    with django_assert_num_queries(1):
        worked = group_ids_for(user, need=Need.WORK)
    with django_assert_num_queries(0):
        assert group_ids_for(user, need=Need.MANAGE) == worked
    assert world.group_a1.pk in worked and world.group_b1.pk not in worked


# --- the name of a programme's scope (reach_key, decision 79) ------------------------------


def test_reach_key_names_a_scope_reached_through_a_programme(world):
    programme = world.programme.pk
    coordinator = _person(world, "coordinator", in_request=True)
    assert reach_key(coordinator) == f"p{programme}:l:g"
    # Another coordinator of the same programme shares the name (and what is kept).
    other = UserFactory()
    grant_role(other, Role.PROGRAMME_COORDINATOR, world.programme)
    assert reach_key(other) == reach_key(coordinator)
    # Literal ids need no name: a need without the coordinator's role, staff, leads.
    assert reach_key(coordinator, need=Need.WORK) is None
    assert reach_key(_person(world, "facilitator_a1", in_request=True)) is None
    assert reach_key(_person(world, "lead_a", in_request=True)) is None
    assert reach_key(AnonymousUser()) is None
    assert reach_key(UserFactory(is_superuser=True)) == "all"


def test_reach_key_tells_a_coordinator_who_leads_or_works_in_a_group_apart(world):
    staff_group = GroupFactory()
    user = _person(world, "lead_a", in_request=False)
    grant_role(user, Role.PROGRAMME_COORDINATOR, world.programme)
    grant_role(user, Role.FACILITATOR, staff_group)
    key = reach_key(_person(world, "lead_a", in_request=True))
    assert key == f"p{world.programme.pk}:l{world.org_a.pk}:g{staff_group.pk}"
    assert key != reach_key(_person(world, "coordinator", in_request=True))
