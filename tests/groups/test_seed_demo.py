"""python manage.py seed_demo — idempotent demo data, refused with DEBUG off."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from funding.models import Fund
from groups.models import Group, Membership, Organisation, Programme, Role, Venue

User = get_user_model()


def _counts():
    return {
        "programmes": Programme.objects.count(),
        "organisations": Organisation.objects.count(),
        "programme organisations": Programme.organisations.through.objects.count(),
        "venues": Venue.objects.count(),
        "groups": Group.objects.count(),
        "funds": Fund.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
    }


def _seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_refuses_with_debug_off(db, settings):
    assert settings.DEBUG is False
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo")
    assert str(exc.value) == "seed_demo only runs with DEBUG on (or with --force)."
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_force_runs_with_debug_off(db):
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        output = _seed("--force")
    # The meetings run from each group's start to the end of next year, so their number
    # depends on the date; pinned here for 22 November 2026.
    assert (
        "Demo data ready: 4 organisations, 10 groups, 102 participants, 318 meetings, "
        "9 accounts" in output
    )
    assert _counts() == {
        "programmes": 1,
        "organisations": 4,
        "programme organisations": 4,
        "venues": 5,
        "groups": 10,
        "funds": 3,
        "users": 9,
        "memberships": 8,
    }


@override_settings(DEBUG=True)
def test_runs_with_debug_on(db):
    _seed()
    assert Group.objects.count() == 10


def test_idempotent(db):
    _seed("--force")
    first = _counts()
    _seed("--force")
    assert _counts() == first


def test_one_account_per_role(db):
    _seed("--force")
    roles = {
        email: role
        for email, role in Membership.objects.values_list("user__email", "role")
        if email
        in {
            "coordinator@example.org",
            "lead@example.org",
            "facilitator@example.org",
            "volunteer@example.org",
            "funder@example.org",
        }
    }
    assert roles == {
        "coordinator@example.org": Role.PROGRAMME_COORDINATOR,
        "lead@example.org": Role.PROJECT_LEAD,
        "facilitator@example.org": Role.FACILITATOR,
        "volunteer@example.org": Role.VOLUNTEER,
        "funder@example.org": Role.FUNDER,
    }
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    admin = User.objects.get(email="admin@example.org")
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    # Every demo account can sign in with the documented password.
    assert User.objects.get(email="lead@example.org").check_password("samen-tegen-eenzaamheid")


def test_demo_accounts_see_their_scope(db):
    _seed("--force")
    lead = User.objects.get(email="lead@example.org")
    coordinator = User.objects.get(email="coordinator@example.org")
    facilitator = User.objects.get(email="facilitator@example.org")
    assert sorted(g.name for g in Group.objects.visible_to(lead)) == [
        "Kaapverdiaanse ouderen Delfshaven",
        "Marokkaanse mannen Charlois",
        "Turkse vrouwen Feijenoord",
    ]
    assert Group.objects.visible_to(coordinator).count() == 10
    assert [g.name for g in Group.objects.visible_to(facilitator)] == ["Turkse vrouwen Feijenoord"]


def test_does_not_overwrite_changes_on_a_second_run(db):
    _seed("--force")
    Group.objects.filter(name="Turkse vrouwen Feijenoord").update(status="ended")
    _seed("--force")
    assert Group.objects.get(name="Turkse vrouwen Feijenoord").status == "ended"
