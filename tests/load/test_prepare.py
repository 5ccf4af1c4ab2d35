"""The load run's accounts (load/prepare.py): spread over a national programme as real
people are, and only this run's roles on a database kept from run to run."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from funding.models import Grant
from groups.models import Group, Membership, Programme, Role
from load.prepare import build_plan
from meetings.models import Attendance, Meeting

# seed_scale writes its fictional people with COPY on PostgreSQL (tests/stetapp/
# test_seed_scale.py says why): no history rows, on purpose.
pytestmark = pytest.mark.history_unrecorded("synthetic rows written with COPY")


@pytest.fixture(scope="module")
def _programme(django_db_setup, django_db_blocker):
    """Thirty groups of three organisations, seeded once, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_scale",
            *("--groups", "30", "--participants", "3", "--weeks", "4", "--batch", "10"),
            "--force",
            stdout=io.StringIO(),
        )
        yield Programme.objects.filter(name__startswith="Bench programme").latest("pk")
        transaction.set_rollback(True)


@pytest.fixture
def programme(_programme, db):
    return _programme


def _roles(email: str) -> list[Membership]:
    return list(Membership.objects.filter(user__email=email))


def test_facilitators_are_spread_over_the_programme_not_its_first_groups(programme):
    plan = build_plan(users=3, groups=30)

    groups = []
    for account in plan["accounts"]["facilitator"]:
        (role,) = _roles(account["email"])
        assert role.role == Role.FACILITATOR
        groups.append(role.group)
    assert len({group.organisation_id for group in groups}) == 3
    # Each one's sheet is its group's latest held meeting, with the people marked on it.
    for account, group in zip(plan["accounts"]["facilitator"], groups, strict=True):
        latest = Meeting.objects.filter(group=group).held().order_by("-starts_at").first()
        assert account["attendance_sheet"] == reverse("attendance_sheet", args=[latest.pk])
        marked = Attendance.objects.filter(meeting=latest, participant__isnull=False)
        assert account["participants"] == sorted(marked.values_list("participant_id", flat=True))


def test_a_lead_leads_the_grants_organisation_only(programme):
    plan = build_plan(users=2, groups=30)

    grant = Grant.objects.select_related("application").get(
        application__organisation__in=programme.organisations.all()
    )
    for account in plan["accounts"]["project_lead"]:
        (role,) = _roles(account["email"])
        assert (role.role, role.organisation_id) == (
            Role.PROJECT_LEAD,
            grant.application.organisation_id,
        )
        assert account["grant_report"] == reverse("grant_report", args=[grant.pk])
        group_id = int(account["group_detail"].rstrip("/").rsplit("/", 1)[-1])
        assert Group.objects.get(pk=group_id) in grant.application.groups.all()
    for account in plan["accounts"]["programme_coordinator"]:
        (role,) = _roles(account["email"])
        assert (role.role, role.programme_id) == (Role.PROGRAMME_COORDINATOR, programme.pk)


def test_a_second_run_keeps_only_its_own_roles(programme):
    first = build_plan(users=3, groups=30)
    # An earlier run's extra role (another organisation) is gone after the next run.
    lead = first["accounts"]["project_lead"][0]["email"]
    other = programme.organisations.order_by("-pk").first()
    Membership.objects.create(user=_roles(lead)[0].user, role=Role.PROJECT_LEAD, organisation=other)

    second = build_plan(users=3, groups=30)

    assert [a["email"] for a in second["accounts"]["project_lead"]] == [
        a["email"] for a in first["accounts"]["project_lead"]
    ]
    assert len(_roles(lead)) == 1
    for account in second["accounts"]["facilitator"]:
        assert len(_roles(account["email"])) == 1
