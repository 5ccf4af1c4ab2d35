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
from participants.models import Consent
from reporting.models import (
    Administration,
    ContinuationPlan,
    ContinuationStep,
    MeasurementPlan,
    Observation,
    SelectionRound,
    Story,
)
from reporting.selectors import measurement_results
from reporting.services_evidence import story_shareable_with_funders

# The synthetic builders write consents, intakes, enrolments and marks of fictional people
# with COPY on PostgreSQL (synthetic/base.py `insert`, docs/decisions.md "seed_scale"):
# no history rows, on purpose. The history walk (tests/history_walk.py) leaves these out.
pytestmark = pytest.mark.history_unrecorded("synthetic rows written with COPY")

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
        "stories": Story.objects.count(),
        "selection rounds": SelectionRound.objects.count(),
        "observations": Observation.objects.count(),
        "measurement plans": MeasurementPlan.objects.count(),
        "questionnaires": Administration.objects.count(),
        "continuation plans": ContinuationPlan.objects.count(),
        "continuation steps": ContinuationStep.objects.count(),
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
        "10 accounts" in output
    )
    assert _counts() == {
        "programmes": 1,
        "organisations": 4,
        "programme organisations": 4,
        "venues": 5,
        "groups": 10,
        "funds": 3,
        "users": 10,
        "memberships": 9,
        "stories": 7,
        "selection rounds": 2,
        "observations": 10,
        "measurement plans": 2,
        "questionnaires": 32,
        "continuation plans": 3,
        "continuation steps": 9,
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
            "privacy@example.org",
        }
    }
    assert roles == {
        "coordinator@example.org": Role.PROGRAMME_COORDINATOR,
        "lead@example.org": Role.PROJECT_LEAD,
        "facilitator@example.org": Role.FACILITATOR,
        "volunteer@example.org": Role.VOLUNTEER,
        "funder@example.org": Role.FUNDER,
        "privacy@example.org": Role.PRIVACY_OFFICER,
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


def test_demo_evidence_of_impact(db):
    """Stories (some anonymous, some for funders with the storyteller's consent), a round
    with and one without feedback, questionnaires enough for a group result, and three
    continuation plans on different routes."""
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        _seed("--force")
    stories = list(Story.objects.select_related("storyteller"))
    assert sum(1 for s in stories if s.storyteller_id is None) == 2
    assert len({s.domain for s in stories}) == 6
    for_funders = [s for s in stories if s.consent_scope == "funder"]
    assert len(for_funders) == 4
    assert all(story_shareable_with_funders(s).allowed for s in for_funders)
    named = [s.storyteller for s in for_funders if s.storyteller_id]
    assert len(named) == 3
    assert all(
        Consent.objects.active().filter(participant=p, purpose="quote_funder").exists()
        for p in named
    )
    rounds = list(SelectionRound.objects.order_by("held_on"))
    assert [(r.level, r.feedback_given_on is not None) for r in rounds] == [
        ("group", True),
        ("organisation", False),
    ]
    assert all(r.selected in r.candidates.all() and r.reasons for r in rounds)
    assert set(Observation.objects.values_list("kind", flat=True)) == {
        "observation",
        "conversation",
    }
    feijenoord = Group.objects.get(name="Turkse vrouwen Feijenoord")
    assert feijenoord.measurement_plan.instruments == ["djg6", "who5"]
    results = {r.instrument: r for r in measurement_results(groups=[feijenoord])}
    assert results["djg6"].pairs == 8
    assert results["who5"].pairs == 8
    assert results["djg6"].shown and results["who5"].shown
    assert all(a.scores.answered >= 5 for a in Administration.objects.all())
    plans = list(ContinuationPlan.objects.prefetch_related("steps"))
    assert len({p.route for p in plans}) == 3
    assert len({p.status for p in plans}) == 3
    assert all(len(p.steps.all()) == 3 for p in plans)
