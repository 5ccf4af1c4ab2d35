"""The group-access vocabulary (groups/roles.py, groups/access.py): role sets by meaning,
roles_in_group, can, group_get_for_user (404 unseen, 403 seen but not allowed),
get_in_group_or_404 and groups_worked_in. Decision 26 in docs/decisions.md."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.access import (
    GROUP_KEEPERS,
    GROUP_MANAGERS,
    GROUP_READERS,
    GROUP_STAFF,
    GROUP_WORKERS,
    NEED_ROLES,
    Need,
    can,
    get_in_group_or_404,
    group_get_for_user,
    groups_worked_in,
    organisation_ids_led_by,
    roles_in_group,
    rule_for,
    sole_programme,
)
from groups.models import Group, Role
from meetings.models import Meeting
from tests.factories import MeetingFactory, UserFactory, grant_role
from tests.helpers import PERSONAS


def _user(world, persona):
    return world.users.get(persona) or AnonymousUser()


# --- the role sets ---------------------------------------------------------------------


def test_role_sets_nest_from_managers_to_readers():
    assert {Role.PROJECT_LEAD} == GROUP_MANAGERS
    assert {Role.PROJECT_LEAD, Role.FACILITATOR} == GROUP_KEEPERS
    assert {Role.PROJECT_LEAD, Role.FACILITATOR, Role.VOLUNTEER} == GROUP_WORKERS
    assert GROUP_WORKERS | {Role.PROGRAMME_COORDINATOR} == GROUP_READERS
    assert GROUP_MANAGERS < GROUP_KEEPERS < GROUP_WORKERS < GROUP_READERS
    assert {Role.FACILITATOR, Role.VOLUNTEER} == GROUP_STAFF


def test_funders_reach_no_group_with_any_need():
    assert all(Role.FUNDER not in roles for roles in NEED_ROLES.values())


def test_view_rules_follow_the_role_sets():
    assert rule_for(Need.EDIT).roles == GROUP_KEEPERS
    assert rule_for(Need.READ).roles == GROUP_READERS


# --- group_get_for_user: 404 unseen, 403 seen but not allowed -----------------------------

OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404
UNSEEN = {"anonymous": NOT_FOUND, "outsider": NOT_FOUND, "facilitator_b1": NOT_FOUND}
UNSEEN["funder"] = NOT_FOUND

# persona → outcome per need, on group A1.
EXPECTED = {
    Need.READ: {
        **UNSEEN,
        "volunteer_a1": OK,
        "facilitator_a1": OK,
        "lead_a": OK,
        "coordinator": OK,
    },
    Need.WORK: {
        **UNSEEN,
        "volunteer_a1": OK,
        "facilitator_a1": OK,
        "lead_a": OK,
        "coordinator": FORBIDDEN,
    },
    Need.EDIT: {
        **UNSEEN,
        "volunteer_a1": FORBIDDEN,
        "facilitator_a1": OK,
        "lead_a": OK,
        "coordinator": FORBIDDEN,
    },
    Need.MANAGE: {
        **UNSEEN,
        "volunteer_a1": FORBIDDEN,
        "facilitator_a1": FORBIDDEN,
        "lead_a": OK,
        "coordinator": FORBIDDEN,
    },
}


@pytest.mark.parametrize("need", list(Need))
@pytest.mark.parametrize("persona", PERSONAS)
def test_group_get_for_user_per_persona_and_need(world, persona, need):
    user = _user(world, persona)
    expected = EXPECTED[need][persona]
    if expected == OK:
        assert group_get_for_user(user=user, pk=world.group_a1.pk, need=need) == world.group_a1
        assert can(user, world.group_a1, need)
    elif expected == FORBIDDEN:
        with pytest.raises(PermissionDenied):
            group_get_for_user(user=user, pk=world.group_a1.pk, need=need)
        assert not can(user, world.group_a1, need)
    else:
        with pytest.raises(Http404):
            group_get_for_user(user=user, pk=world.group_a1.pk, need=need)


@pytest.mark.parametrize("pk", [999_999, "abc", None, 10**30, "1.5", -1])
def test_group_get_for_user_is_404_for_missing_and_garbage_keys(world, pk):
    with pytest.raises(Http404):
        group_get_for_user(user=world.users["lead_a"], pk=pk, need=Need.MANAGE)


def test_superuser_may_do_everything(world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    for need in Need:
        assert group_get_for_user(user=admin, pk=world.group_b1.pk, need=need) == world.group_b1


def test_inactive_user_gets_404(world):
    lead = world.users["lead_a"]
    lead.is_active = False
    with pytest.raises(Http404):
        group_get_for_user(user=lead, pk=world.group_a1.pk)


def test_outside_a_request_costs_two_queries_whatever_the_need(world, django_assert_num_queries):
    lead = world.users["lead_a"]
    for need in (Need.READ, Need.EDIT):
        with django_assert_num_queries(2):
            # 1. the group with organisation, city and venue, by its key; 2. the user's
            # memberships, read afresh (its roles in the group then cached on the group)
            group = group_get_for_user(user=lead, pk=world.group_a1.pk, need=need)
            assert (group.organisation.name, group.city.name, group.venue.name) == (
                "Organisation A",
                "Rotterdam",
                "Venue A",
            )
            assert can(lead, group, Need.MANAGE)
            assert roles_in_group(user=lead, group=group) == {Role.PROJECT_LEAD}


def _in_request(world, persona):
    """The persona as `request.user` is in a request: its own object, the scope memo set
    (stetapp.middleware.ScopeMemoMiddleware) and its memberships loaded (the access
    rule)."""
    from django.contrib.auth import get_user_model

    from groups.access import remember_scope
    from stetapp.access import user_memberships

    if persona not in world.users:
        return AnonymousUser()
    user = get_user_model().objects.get(pk=world.users[persona].pk)
    remember_scope(user)
    user_memberships(user)
    return user


@pytest.mark.parametrize(
    ("persona", "queries"),
    [("facilitator_a1", 1), ("volunteer_a1", 1), ("lead_a", 1), ("coordinator", 2)],
)
def test_in_a_request_staff_and_leads_cost_one_query(
    world, django_assert_num_queries, persona, queries
):
    """The roles come from the memberships the access rule loaded; only a coordinator
    asks whether the group's organisation is in one of their programmes."""
    user = _in_request(world, persona)
    with django_assert_num_queries(queries):
        group = group_get_for_user(user=user, pk=world.group_a1.pk)
        assert roles_in_group(user=user, group=group) == ROLES_IN_A1[persona]


def test_in_a_request_a_known_scope_answers_the_coordinator(world, django_assert_num_queries):
    from groups.access import group_scope

    user = _in_request(world, "coordinator")
    group_scope(user)
    with django_assert_num_queries(1):
        group_get_for_user(user=user, pk=world.group_b1.pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("group_name", ["group_a1", "group_b1"])
def test_in_a_request_the_roles_are_those_of_the_query(world, persona, group_name):
    """The same rule from memory as from the database, for every persona, on a group
    of their own and one of another organisation, with and without the scope known."""
    from groups.access import group_scope

    group = Group.objects.get(pk=getattr(world, group_name).pk)
    expected = roles_in_group(user=_user(world, persona), group=group)
    for known_scope in (False, True):
        user = _in_request(world, persona)
        if known_scope:
            group_scope(user)
        fresh = Group.objects.get(pk=group.pk)
        assert roles_in_group(user=user, group=fresh) == expected


def test_in_a_request_a_coordinator_does_not_reach_a_group_outside_the_programme(world):
    from tests.factories import GroupFactory

    outside = GroupFactory()
    user = _in_request(world, "coordinator")
    assert roles_in_group(user=user, group=outside) == frozenset()
    with pytest.raises(Http404):
        group_get_for_user(user=user, pk=outside.pk)


def test_a_group_seen_without_the_need_is_forbidden_in_a_request(world):
    user = _in_request(world, "coordinator")
    with pytest.raises(PermissionDenied):
        group_get_for_user(user=user, pk=world.group_a1.pk, need=Need.WORK)


# --- roles_in_group ------------------------------------------------------------------------

ROLES_IN_A1 = {
    "anonymous": set(),
    "outsider": set(),
    "volunteer_a1": {Role.VOLUNTEER},
    "facilitator_a1": {Role.FACILITATOR},
    "facilitator_b1": set(),
    "lead_a": {Role.PROJECT_LEAD},
    "coordinator": {Role.PROGRAMME_COORDINATOR},
    "funder": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_roles_in_group(world, persona):
    assert roles_in_group(user=_user(world, persona), group=world.group_a1) == ROLES_IN_A1[persona]


def test_roles_in_group_are_cached_per_user_not_shared(world):
    group = Group.objects.get(pk=world.group_a1.pk)
    assert roles_in_group(user=world.users["lead_a"], group=group) == {Role.PROJECT_LEAD}
    assert roles_in_group(user=world.users["volunteer_a1"], group=group) == {Role.VOLUNTEER}


# --- groups_worked_in and get_in_group_or_404 ---------------------------------------------


def _names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("persona", "need", "expected"),
    [
        ("volunteer_a1", Need.WORK, ["Group A1"]),
        ("volunteer_a1", Need.EDIT, []),
        ("facilitator_a1", Need.EDIT, ["Group A1"]),
        ("facilitator_a1", Need.MANAGE, []),
        ("lead_a", Need.MANAGE, ["Group A1", "Group A2"]),
        ("coordinator", Need.WORK, []),
        ("coordinator", Need.READ, ["Group A1", "Group A2", "Group B1"]),
        ("funder", Need.READ, []),
    ],
)
def test_groups_worked_in(world, persona, need, expected):
    assert _names(groups_worked_in(world.users[persona], need=need)) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_to_is_reach_with_the_readers_roles(world, persona):
    user = _user(world, persona)
    assert _names(Group.objects.visible_to(user)) == _names(
        Group.objects.reached_by(user, GROUP_READERS)
    )


def test_get_in_group_or_404(world):
    meeting = MeetingFactory(group=world.group_a1)
    queryset = Meeting.objects.select_related("group")
    volunteer = world.users["volunteer_a1"]
    found = get_in_group_or_404(queryset, user=volunteer, pk=meeting.pk, need=Need.WORK)
    assert found == meeting
    with pytest.raises(PermissionDenied):
        get_in_group_or_404(queryset, user=volunteer, pk=meeting.pk, need=Need.EDIT)
    with pytest.raises(Http404):
        get_in_group_or_404(queryset, user=world.users["facilitator_b1"], pk=meeting.pk)


def test_organisation_ids_led_by_are_the_lead_roles_only(world):
    """Literal ids for `organisation_id IN (…)` (decision 57): the organisations the user
    is project lead of, sorted; nothing for other roles, anonymous or inactive users."""
    lead = world.users["lead_a"]
    assert organisation_ids_led_by(lead) == [world.org_a.pk]
    both = UserFactory()
    grant_role(both, Role.PROJECT_LEAD, world.org_b)
    grant_role(both, Role.PROJECT_LEAD, world.org_a)
    grant_role(both, Role.FACILITATOR, world.group_a1)
    assert organisation_ids_led_by(both) == sorted([world.org_a.pk, world.org_b.pk])
    assert organisation_ids_led_by(world.users["facilitator_a1"]) == []
    assert organisation_ids_led_by(world.users["coordinator"]) == []
    assert organisation_ids_led_by(AnonymousUser()) == []
    lead.is_active = False
    assert organisation_ids_led_by(lead) == []


# --- objects visible through their group (groups.access.VisibleThroughGroup) --------------


def _group_objects(world):
    from meetings.models import GroupAgreement, Idea
    from tests.factories import AgreementFactory, IdeaFactory

    made = []
    for group in (world.group_a1, world.group_b1):
        made.append((Meeting.objects.select_related("group"), MeetingFactory(group=group)))
        made.append((Idea.objects.select_related("group"), IdeaFactory(group=group)))
        made.append((GroupAgreement.objects.select_related("group"), AgreementFactory(group=group)))
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_objects_visible_through_their_group_follow_visible_to(world, persona):
    """Meetings, ideas and agreements are read by their key and decided by the user's
    roles in their group: found exactly when `visible_to` finds them, in a request and
    outside one."""
    for queryset, obj in _group_objects(world):
        user = _user(world, persona)
        seen = queryset.visible_to(user).filter(pk=obj.pk).exists()
        for who in (user, _in_request(world, persona)):
            try:
                found = get_in_group_or_404(queryset, user=who, pk=obj.pk)
            except Http404:
                found = None
            assert (found == obj) is seen, (persona, type(obj).__name__, obj.group.name)


def test_an_object_visible_through_its_group_costs_one_query_in_a_request(
    world, django_assert_num_queries
):
    meeting = MeetingFactory(group=world.group_a1)
    user = _in_request(world, "volunteer_a1")
    queryset = Meeting.objects.select_related("group")
    with django_assert_num_queries(1):
        assert get_in_group_or_404(queryset, user=user, pk=meeting.pk, need=Need.WORK) == meeting
    for bad in (meeting.pk + 10_000, "not-a-number"):
        with pytest.raises(Http404):
            get_in_group_or_404(queryset, user=user, pk=bad)
    with pytest.raises(Http404):
        get_in_group_or_404(queryset, user=AnonymousUser(), pk=meeting.pk)


def test_other_objects_are_read_through_their_visible_to(world):
    """A model without the mixin (a participant: visibility is more than the group's)
    goes through its own `visible_to`."""
    from participants.models import Participant
    from tests.factories import ParticipantFactory

    person = ParticipantFactory(group=world.group_a1)
    queryset = Participant.objects.select_related("group")
    lead = _in_request(world, "lead_a")
    assert get_in_group_or_404(queryset, user=lead, pk=person.pk, need=Need.EDIT) == person
    with pytest.raises(Http404):
        get_in_group_or_404(queryset, user=_in_request(world, "coordinator"), pk=person.pk)


def test_scope_ids_outside_a_request_are_read_afresh(world, django_assert_num_queries):
    """A script or a task that gives someone a role and asks again with the same user
    object sees the new role; in a request the memberships the access rule loaded are
    used, at no query."""
    from groups.access import organisation_ids_led_by
    from stetapp.access import user_memberships

    user = UserFactory()
    user_memberships(user)  # kept on the object, as any earlier check would
    assert organisation_ids_led_by(user) == []
    grant_role(user, Role.PROJECT_LEAD, world.org_a)
    assert organisation_ids_led_by(user) == [world.org_a.pk]
    in_request = _in_request(world, "lead_a")
    with django_assert_num_queries(0):
        assert organisation_ids_led_by(in_request) == [world.org_a.pk]


def test_the_sole_programme_is_a_coordinators_one_programme_only(world):
    """`sole_programme`: the programme whose groups are exactly the user's (what a
    programme's tally counts, decision 85); None for every other scope."""
    assert sole_programme(world.users["coordinator"]) == world.programme.pk
    for persona in ("facilitator_a1", "lead_a", "funder"):
        user = world.users.get(persona)
        if user is not None:
            assert sole_programme(user) is None, persona
    assert sole_programme(AnonymousUser()) is None
    assert sole_programme(UserFactory(is_superuser=True, is_staff=True)) is None
    # A coordinator who also leads an organisation reaches more than the programme.
    coordinator = UserFactory()
    grant_role(coordinator, Role.PROGRAMME_COORDINATOR, world.programme)
    assert sole_programme(coordinator) == world.programme.pk
    also_leads = UserFactory()
    grant_role(also_leads, Role.PROGRAMME_COORDINATOR, world.programme)
    grant_role(also_leads, Role.PROJECT_LEAD, world.org_a)
    assert sole_programme(also_leads) is None
