"""The user's scope as group ids (groups/access.py, decision 57) for the two users the
persona walk does not cover: nobody signed in, and a site administrator."""

from django.contrib.auth.models import AnonymousUser

from groups.access import group_ids_for, group_scope
from groups.models import Group
from groups.roles import Need, Role
from tests.factories import UserFactory


def test_an_anonymous_user_reaches_no_group(world):
    assert group_scope(AnonymousUser()) == {}
    assert group_ids_for(AnonymousUser(), need=Need.READ) == []


def test_a_site_administrator_reaches_every_group_through_every_role(world):
    admin = UserFactory(is_superuser=True)
    scope = group_scope(admin)
    assert set(scope) == set(Group.objects.values_list("pk", flat=True))
    assert all(roles == set(Role.values) for roles in scope.values())
    assert group_ids_for(admin, need=Need.MANAGE) == sorted(scope)
