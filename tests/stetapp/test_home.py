"""The home page: one section per role, a fixed number of queries (style.md §10)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupStatus
from meetings.models import Attendance
from tests.factories import (
    GroupFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
    city,
    participant_in,
)
from tests.helpers import VERSIONED

# Queries every signed-in page makes before the view runs:
#   1. the session row            2. the user row
#   3. the user's roles (stetapp.access.user_roles, once per request)
BASE = 3

# persona → (queries of the view itself, what each query is)
EXPECTED = {
    # (none) — an outsider has no sections
    "outsider": 0,
    # 4. the groups the volunteer works in (with organisation, city, venue)
    # (the user's groups as ids, what the sections below filter by first: from the
    # memberships read in 3, groups.access.group_scope; docs/decisions.md, decision 57)
    # 5. next meetings of those groups (with group and venue)
    # 6. past meetings without attendance (with group)
    "volunteer_a1": 3,
    # 4. the groups the facilitator works in  (their ids: from 3, no query)
    # 5. next meetings  6. attendance to record
    # 7. people to call (meetings.selectors_attendance.people_to_call_count: who to
    #    call; when there is someone, one more counts those the user may see)
    "facilitator_a1": 4,
    "facilitator_b1": 4,
    # 4. the user's groups as ids (once)  5. next meetings  6. attendance to record
    # 7. people to call  8. groups by city × status (one aggregate; it also counts the
    #    groups for the pages)  9. one page of the organisation's groups
    # 10. draft applications with a deadline in the next 60 days
    # 11. grants with a report due in the next 60 days
    # 12-14. readiness of the groups preparing or recruiting
    #     (funding.selectors.readiness_of: those groups with their closed-room flag and
    #     whether they are funded, facilitators' languages, ticked items)
    "lead_a": 11,
    # 4. groups by city × status  5. groups by community × composition
    # (6. the lists of the organisations that keep their own: none here; see
    # tests/groups/test_selectors.py for the query with one)
    "coordinator": 3,
    # 4. the funds the funder represents
    "funder": 1,
}


def _add_groups(world, n):
    """n more groups per organisation; A's have a past meeting nobody recorded, one in a
    few days and someone absent twice; A1 gets as many meetings and absences."""
    extra_org = OrganisationFactory(name="Organisation C", city=city("GM0344"))
    world.programme.organisations.add(extra_org)
    today = timezone.localdate()
    for i in range(n):
        group = GroupFactory(
            organisation=world.org_a,
            name=f"A extra {i}",
            community=f"C{i % 4}",
            status=("preparing", "recruiting", "running")[i % 3],
        )
        GroupFactory(organisation=extra_org, name=f"C extra {i}", city=city("GM0344"))
        for target in (group, world.group_a1):
            MeetingFactory(group=target, day=today - dt.timedelta(days=20 + i))
            MeetingFactory(group=target, day=today + dt.timedelta(days=3))
            absent = participant_in(target, full_name=f"Absent {target.pk}-{i}")
            for days in (40 + 2 * i, 41 + 2 * i):
                meeting = MeetingFactory(group=target, day=today - dt.timedelta(days=days))
                Attendance.objects.create(meeting=meeting, participant=absent, status="absent")


@pytest.mark.parametrize("persona", sorted(EXPECTED))
@pytest.mark.parametrize("extra_groups", [0, 25])
def test_home_query_count_is_fixed(world, persona, extra_groups, django_assert_num_queries):
    # A group in preparation, so that the lead's readiness section always has a row.
    world.group_a2.status = "preparing"
    world.group_a2.save(update_fields=["status"])
    if extra_groups:
        _add_groups(world, extra_groups)
    client = world.client_for(persona)
    # With people to call (the extra groups add some to A1), one more: those of them the
    # user may see, counted (people_to_call_count). Only the number is shown: no
    # participant is loaded, so the access log writes nothing (privacy/access_log.py).
    counted = 1 if extra_groups and persona in {"facilitator_a1", "lead_a"} else 0
    with django_assert_num_queries(BASE + EXPECTED[persona] + counted):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_lead_home_reads_no_readiness_when_no_group_gets_ready(world, django_assert_num_queries):
    """The world's groups of organisation A all run: the status cross table (8. above)
    already counted none preparing or recruiting, so the readiness section (12-14.) makes
    no query (funding.sections.lead_home_section)."""
    client = world.client_for("lead_a")
    client.get(reverse("home"))  # the first request after signing in writes the session
    with django_assert_num_queries(BASE + EXPECTED["lead_a"] - 3):
        response = client.get(reverse("home"))
    assert response.context["lead_readiness"] == []
    world.group_a2.status = "preparing"
    world.group_a2.save(update_fields=["status"])
    response = client.get(reverse("home"))
    assert [row["group"] for row in response.context["lead_readiness"]] == [world.group_a2]


def test_facilitator_sees_own_groups_only(world):
    body = world.client_for("facilitator_a1").get(reverse("home")).content.decode()
    assert "Group A1" in body
    assert "Group A2" not in body
    assert "Group B1" not in body


def test_lead_sees_groups_by_city_and_status(world):
    response = world.client_for("lead_a").get(reverse("home"))
    rows = {row["label"]: row for row in response.context["lead_by_city"]}
    assert list(rows) == ["Rotterdam"]
    assert rows["Rotterdam"]["total"] == 2
    body = response.content.decode()
    assert "Group A1" in body and "Group A2" in body
    assert "Group B1" not in body


def test_coordinator_sees_counts_by_city_status_community_and_composition(world):
    response = world.client_for("coordinator").get(reverse("home"))
    by_city = {row["label"]: row["total"] for row in response.context["programme_by_city"]}
    assert by_city == {"'s-Gravenhage": 1, "Rotterdam": 2}
    by_community = {
        row["label"]: row["counts"] for row in response.context["programme_by_community"]
    }
    # columns: women, men, mixed
    assert by_community == {"Moroccan": [0, 1, 0], "Surinamese": [0, 0, 1], "Turkish": [1, 0, 0]}
    assert response.context["programme_community_totals"] == {"counts": [1, 1, 1], "total": 3}


def test_coordinator_home_has_no_personal_data(world):
    body = world.client_for("coordinator").get(reverse("home")).content.decode()
    for user in world.users.values():
        if user != world.users["coordinator"]:
            assert user.email not in body
            assert user.full_name not in body


def test_funder_sees_their_fund(world):
    body = world.client_for("funder").get(reverse("home")).content.decode()
    assert "Demo Fund" in body
    assert "Group A1" not in body


def test_outsider_is_told_to_ask_for_a_role(world):
    response = world.client_for("outsider").get(reverse("home"))
    assert response.context["roles"] == frozenset()


# --- meetings on the home page ---------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False)
def test_facilitator_sees_next_meetings_and_takes_attendance_today(world):
    now = timezone.now()
    today = MeetingFactory(
        group=world.group_a1,
        starts_at=now + dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
    )
    later = MeetingFactory(group=world.group_a1, day=timezone.localdate() + dt.timedelta(days=7))
    MeetingFactory(group=world.group_b1, day=timezone.localdate() + dt.timedelta(days=2))
    response = world.client_for("facilitator_a1").get(reverse("home"))
    assert response.context["next_meetings"] == [today, later]
    sheet = reverse("attendance_sheet", args=[today.pk])
    assert f'href="{sheet}"' in response.text
    assert reverse("attendance_sheet", args=[later.pk]) not in response.text
    assert "Take attendance" in response.text


def test_attendance_still_to_record(world):
    # world.meeting_a1 (3 March 2026) is past and nobody marked it.
    recorded = MeetingFactory(group=world.group_a1, day=timezone.localdate() - dt.timedelta(1))
    Attendance.objects.create(meeting=recorded, participant=world.participant_a1, status="present")
    response = world.client_for("volunteer_a1").get(reverse("home"))
    assert response.context["meetings_to_record"] == [world.meeting_a1]
    assert reverse("attendance_sheet", args=[world.meeting_a1.pk]) in response.text
    assert "people_to_call" not in response.context  # volunteers do not make the calls


def test_people_to_call_count_links_to_the_list(world):
    today = timezone.localdate()
    for days in (8, 1):
        meeting = MeetingFactory(group=world.group_a1, day=today - dt.timedelta(days=days))
        Attendance.objects.create(
            meeting=meeting, participant=world.participant_a1, status="absent"
        )
    for persona in ("facilitator_a1", "lead_a"):
        response = world.client_for(persona).get(reverse("home"))
        assert response.context["people_to_call"] == 1
        assert reverse("follow_up_list") in response.text
    assert world.client_for("facilitator_b1").get(reverse("home")).context["people_to_call"] == 0


def test_coordinator_and_funder_get_no_meeting_sections(world):
    for persona in ("coordinator", "funder"):
        response = world.client_for(persona).get(reverse("home"))
        assert "next_meetings" not in response.context
        assert "people_to_call" not in response.context


@time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC))
def test_lead_sees_deadlines_and_readiness(world):
    from funding.models import Grant
    from tests.factories import ApplicationFactory

    ApplicationFactory(
        organisation=world.org_a, title="Soon due", deadline=dt.date(2026, 3, 1), fund=world.fund
    )
    ApplicationFactory(
        organisation=world.org_a, title="Far away", deadline=dt.date(2026, 9, 1), fund=world.fund
    )
    ApplicationFactory(
        organisation=world.org_b, title="Not ours", deadline=dt.date(2026, 3, 1), fund=world.fund
    )
    Grant.objects.filter(pk=world.grant_a.pk).update(report_due=dt.date(2026, 3, 15))
    world.group_a2.status = "recruiting"
    world.group_a2.save(update_fields=["status"])
    response = world.client_for("lead_a").get(reverse("home"))
    body = response.content.decode()
    assert "Soon due" in body and "Far away" not in body and "Not ours" not in body
    assert "Report due 15 March 2026" in body
    assert [row["group"] for row in response.context["lead_readiness"]] == [world.group_a2]
    assert reverse("group_readiness", args=[world.group_a2.pk]) in body
    assert "0 of 6 ready" in body


@pytest.mark.parametrize("who", ["lead of both", "administrator and lead"])
@time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC))
def test_deadlines_follow_every_organisation_the_user_manages(world, who):
    # The lead's deadlines come from a query compiled per number of organisations
    # (funding/sections.py): the rows are those of ApplicationQuerySet.managed_by.
    from funding.models import FundingApplication, Grant
    from groups.models import Role
    from tests.factories import ApplicationFactory, grant_role

    for organisation, title in ((world.org_a, "Ours"), (world.org_b, "Theirs")):
        ApplicationFactory(
            organisation=organisation, title=title, deadline=dt.date(2026, 3, 1), fund=world.fund
        )
    Grant.objects.filter(pk=world.grant_a.pk).update(report_due=dt.date(2026, 3, 15))
    user = UserFactory(email="twee@example.org", is_superuser=who != "lead of both")
    grant_role(user, Role.PROJECT_LEAD, world.org_a)
    if who == "lead of both":
        grant_role(user, Role.PROJECT_LEAD, world.org_b)
    client = world.client_for("anonymous")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    shown = [a.title for a in response.context["lead_deadlines"]]
    assert shown == sorted(
        FundingApplication.objects.managed_by(user)
        .filter(deadline=dt.date(2026, 3, 1))
        .values_list("title", flat=True)
    )
    assert set(shown) == {"Ours", "Theirs"}
    due = response.context["lead_reports_due"]
    assert [grant.pk for grant in due] == [world.grant_a.pk]
    assert due[0].application.fund.name == world.fund.name  # read with the grant
    assert "Report due 15 March 2026" in response.text


def test_funder_links_to_their_grants(world):
    body = world.client_for("funder").get(reverse("home")).content.decode()
    assert reverse("funder_grants") in body


# --- setting up and the coordinator's money pages ---------------------------------------


def test_coordinator_home_links_to_funding_per_organisation_and_the_grants(world):
    body = world.client_for("coordinator").get(reverse("home")).text
    assert f'href="{reverse("programme_funding", args=[world.programme.pk])}"' in body
    assert f'href="{reverse("programme_grants")}"' in body


def test_site_administrator_home_says_what_they_can_do(world):
    admin = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    client = world.client_for("anonymous")
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["site_programmes"] == [world.programme]
    for href in (
        reverse("programme_create"),
        reverse("fund_create"),
        reverse("programme_people", args=[world.programme.pk]),
        reverse("organisation_create", args=[world.programme.pk]),
        reverse("admin:index"),
    ):
        assert f'href="{href}"' in response.text, href
    assert "You have no role" not in response.text


@pytest.mark.parametrize("persona", ["outsider", "lead_a", "coordinator", "funder"])
def test_nobody_else_gets_the_set_up_section(world, persona):
    response = world.client_for(persona).get(reverse("home"))
    assert "site_programmes" not in response.context
    assert reverse("programme_create") not in response.text


# --- the coordinator's overview, kept (groups.selectors.programme_overview) ------------

KEPT = pytest.mark.usefixtures("dashboard_cache")


def _overview(response) -> dict:
    keys = ("programme_by_city", "programme_by_community", "programme_community_totals")
    return {key: response.context[key] for key in keys}


@KEPT
def test_the_coordinators_overview_is_kept_per_programme(world, django_assert_num_queries):
    """Counted over every group of the programme, so kept like the dashboard: a second
    look reads only the programmes' names (docs/decisions.md, decision 78)."""
    client = world.client_for("coordinator")
    first = client.get(reverse("home"))
    # The programmes coordinated (their links); on PostgreSQL the version of the groups'
    # tables (decision 81).
    with django_assert_num_queries(BASE + 1 + int(VERSIONED)):
        second = client.get(reverse("home"))
    assert _overview(second) == _overview(first)
    world.group_a1.status = "ended"
    world.group_a1.save(update_fields=["status"])
    if not VERSIONED:
        # No version: a change shows when the entry expires, as on the dashboard.
        assert _overview(client.get(reverse("home"))) == _overview(first)
        from django.core.cache import cache

        cache.clear()
    # On PostgreSQL at the next look.
    rows = client.get(reverse("home")).context["programme_by_city"]
    rotterdam = next(row for row in rows if row["label"] == "Rotterdam")
    assert rotterdam["counts"][[s.value for s in GroupStatus].index("ended")] == 1


@KEPT
def test_the_kept_overview_is_labelled_in_the_readers_language(world):
    from django.utils.translation import override

    from groups.selectors import programme_overview

    coordinator = world.users["coordinator"]
    with override("nl"):
        dutch = programme_overview(user=coordinator)["programme_by_community"]
    with override("en"):
        english = programme_overview(user=coordinator)["programme_by_community"]
    assert {row["label"] for row in english} == {"Moroccan", "Surinamese", "Turkish"}
    assert {row["label"] for row in dutch} == {"Marokkaans", "Surinaams", "Turks"}


@KEPT
def test_the_kept_overview_holds_no_typed_text(world):
    """Only codes, names and counts go into the cache: what a project lead typed as a
    community (here an address by mistake) never does."""
    import pickle

    from django.core.cache import cache

    from groups.models import Group
    from groups.selectors import overview_key

    Group.objects.filter(pk=world.group_a2.pk).update(community="Canary Street 12")
    world.client_for("coordinator").get(reverse("home"))
    kept = cache.get(overview_key([world.programme.pk]))
    assert kept is not None
    assert b"Canary" not in pickle.dumps(kept)


@KEPT
def test_the_scheduler_counts_the_overview_before_it_expires(world, django_assert_num_queries):
    from reporting import jobs

    client = world.client_for("coordinator")
    client.get(reverse("home"))
    world.group_a1.status = "ended"
    world.group_a1.save(update_fields=["status"])
    jobs.refresh_all_dashboards()
    with django_assert_num_queries(BASE + 1 + int(VERSIONED)):
        response = client.get(reverse("home"))
    rotterdam = next(r for r in response.context["programme_by_city"] if r["label"] == "Rotterdam")
    assert rotterdam["counts"][[s.value for s in GroupStatus].index("ended")] == 1
