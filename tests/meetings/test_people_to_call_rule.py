"""people_to_call's rule at the edges (meetings.selectors_attendance): the two latest
started, not cancelled meetings with attendance of each group, computed once for all the
user's groups (docs/decisions.md, decision 57)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.access import group_ids_for, group_scope, remember_scope
from groups.models import Group
from groups.roles import NEED_ROLES, Need
from meetings.models import Attendance, MeetingStatus
from meetings.selectors_attendance import people_to_call
from stetapp.access import user_memberships
from tests.factories import (
    EnrolmentFactory,
    GroupFactory,
    MeetingFactory,
    Role,
    grant_role,
    participant_in,
)


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def meeting(group, day, marks, **kwargs):
    held = MeetingFactory(group=group, day=day, **kwargs)
    for participant, status in marks.items():
        Attendance.objects.create(meeting=held, participant=participant, status=status)
    return held


def names(user):
    return [p.participant.full_name for p in people_to_call(user=user)]


def test_absent_at_the_two_latest_of_three_is_listed(world):
    back = participant_in(world.group_a1, full_name="Back Again")
    away = participant_in(world.group_a1, full_name="Away Lately")
    meeting(world.group_a1, days_ago(21), {back: "absent", away: "present"})
    meeting(world.group_a1, days_ago(14), {back: "absent", away: "absent"})
    meeting(world.group_a1, days_ago(7), {back: "present", away: "absent"})
    assert names(world.users["facilitator_a1"]) == ["Away Lately"]


def test_cancelled_and_not_yet_started_meetings_do_not_count(world):
    person = participant_in(world.group_a1, full_name="Twice Absent")
    meeting(world.group_a1, days_ago(21), {person: "absent"})
    meeting(world.group_a1, days_ago(14), {person: "absent"})
    # Marks on a cancelled meeting and on one still to come are not absences.
    meeting(world.group_a1, days_ago(7), {person: "present"}, status=MeetingStatus.CANCELLED)
    meeting(world.group_a1, days_ago(-3), {person: "present"})
    assert names(world.users["facilitator_a1"]) == ["Twice Absent"]


def test_each_group_counts_its_own_latest_meetings(world):
    """The lead's two groups: A2's latest meetings are older than A1's, and still
    count for A2."""
    in_a1 = participant_in(world.group_a1, full_name="In A1")
    in_a2 = participant_in(world.group_a2, full_name="In A2")
    meeting(world.group_a2, days_ago(60), {in_a2: "absent"})
    meeting(world.group_a2, days_ago(50), {in_a2: "absent"})
    meeting(world.group_a1, days_ago(14), {in_a1: "absent"})
    meeting(world.group_a1, days_ago(7), {in_a1: "present"})
    assert names(world.users["lead_a"]) == ["In A2"]


def test_someone_who_joined_after_the_second_latest_is_not_listed(world):
    """Marked absent only at the latest meeting (they were not there yet before): one
    absence, not two."""
    old = participant_in(world.group_a1, full_name="Old Hand")
    new = participant_in(world.group_a1, full_name="New Face")
    new.enrolments.update(joined_on=days_ago(10))
    meeting(world.group_a1, days_ago(14), {old: "absent"})
    meeting(world.group_a1, days_ago(7), {old: "absent", new: "absent"})
    assert names(world.users["facilitator_a1"]) == ["Old Hand"]


def test_two_meetings_at_the_same_time_are_both_the_latest(world):
    person = participant_in(world.group_a1, full_name="Tied Twice")
    meeting(world.group_a1, days_ago(21), {person: "present"})
    meeting(world.group_a1, days_ago(7), {person: "absent"})
    meeting(world.group_a1, days_ago(7), {person: "absent"})
    assert names(world.users["facilitator_a1"]) == ["Tied Twice"]


def test_absences_in_a_group_the_user_does_not_keep_do_not_count(world):
    """Enrolled in A1 and B1, absent twice in B1: B1's facilitator calls, A1's does not."""
    person = participant_in(world.group_b1, full_name="Two Groups")
    EnrolmentFactory(participant=person, group=world.group_a1)
    meeting(world.group_b1, days_ago(14), {person: "absent"})
    meeting(world.group_b1, days_ago(7), {person: "absent"})
    assert names(world.users["facilitator_b1"]) == ["Two Groups"]
    assert names(world.users["facilitator_a1"]) == []


def test_only_those_the_user_may_see_are_listed_and_counted(world):
    """Someone recruited for another organisation's group who joined A1: the facilitator
    of A1 sees them (enrolled in a group they work in), the lead of A does not (recruited
    for a group they do not lead; participants.models.visible_ids). The number on the
    home page is the length of the list."""
    from meetings.selectors_attendance import people_to_call_count

    guest = participant_in(world.group_b1, full_name="From Elsewhere")
    EnrolmentFactory(participant=guest, group=world.group_a1)
    own = participant_in(world.group_a1, full_name="Own Member")
    meeting(world.group_a1, days_ago(14), {guest: "absent", own: "absent"})
    meeting(world.group_a1, days_ago(7), {guest: "absent", own: "absent"})
    assert names(world.users["facilitator_a1"]) == ["Own Member", "From Elsewhere"]
    assert people_to_call_count(user=world.users["facilitator_a1"]) == 2
    assert names(world.users["lead_a"]) == ["Own Member"]
    assert people_to_call_count(user=world.users["lead_a"]) == 1


def test_a_facilitator_of_two_groups_gets_both(world):
    facilitator = world.users["facilitator_a1"]
    grant_role(facilitator, Role.FACILITATOR, world.group_a2)
    in_a1 = participant_in(world.group_a1, full_name="From A1")
    in_a2 = participant_in(world.group_a2, full_name="From A2")
    for group, person in ((world.group_a1, in_a1), (world.group_a2, in_a2)):
        meeting(group, days_ago(14), {person: "absent"})
        meeting(group, days_ago(7), {person: "absent"})
    assert sorted(names(facilitator)) == ["From A1", "From A2"]


# --- the scope, once per request --------------------------------------------------------


def test_scope_is_the_groups_each_persona_reaches(world):
    """group_ids_for gives the same groups as the queryset rule (reached_by), for every
    persona and every need."""
    GroupFactory(organisation=world.org_a, name="Third of A")
    for name, user in world.users.items():
        for need in Need:
            expected = sorted(
                Group.objects.reached_by(user, NEED_ROLES[need]).values_list("pk", flat=True)
            )
            assert group_ids_for(user, need=need) == expected, (name, need)


def test_scope_outside_a_request_is_read_afresh(world, django_assert_num_queries):
    lead = world.users["lead_a"]
    # 1. the lead's memberships, read now  2. the groups of the organisations they lead
    with django_assert_num_queries(2):
        group_scope(lead)
    # Outside a request nothing is kept: a group added since is seen at once.
    added = GroupFactory(organisation=world.org_a, name="Added")
    with django_assert_num_queries(2):
        assert added.pk in group_ids_for(lead, need=Need.MANAGE)
    # Nor a membership ended since, even on a user object whose roles were read.
    facilitator = world.users["facilitator_a1"]
    user_memberships(facilitator)
    assert world.group_a1.pk in group_scope(facilitator)
    facilitator.memberships.filter(group=world.group_a1).delete()
    assert world.group_a1.pk not in group_scope(facilitator)


def test_a_lead_who_also_coordinates_reaches_both_in_one_query(world, django_assert_num_queries):
    lead = world.users["lead_a"]
    grant_role(lead, Role.PROGRAMME_COORDINATOR, world.programme)
    remember_scope(lead)
    user_memberships(lead)
    with django_assert_num_queries(1):  # a UNION of the two ways in
        scope = group_scope(lead)
    assert sorted(scope) == sorted(
        Group.objects.reached_by(lead, NEED_ROLES[Need.READ]).values_list("pk", flat=True)
    )
    assert scope[world.group_a1.pk] == {Role.PROJECT_LEAD, Role.PROGRAMME_COORDINATOR}
    assert scope[world.group_b1.pk] == {Role.PROGRAMME_COORDINATOR}


def test_other_roles_reach_no_group_through_the_scope(world):
    """A funder's membership names a fund, a privacy officer's an organisation: neither
    reaches a group."""
    funder = world.users["funder"]
    officer = world.users["outsider"]
    grant_role(officer, Role.PRIVACY_OFFICER, world.org_a)
    for user in (funder, officer):
        remember_scope(user)
        assert group_scope(user) == {}


def test_in_a_request_the_staffs_scope_costs_no_query(world, django_assert_num_queries):
    """In a request the access rule has read the user's memberships already: the groups a
    facilitator or volunteer works in come from them; a lead's need one query."""
    for persona, queries in (("facilitator_a1", 0), ("volunteer_a1", 0), ("lead_a", 1)):
        user = world.users[persona]
        remember_scope(user)
        user_memberships(user)  # what the access rule reads before any view runs
        with django_assert_num_queries(queries):
            scope = group_scope(user)
        with django_assert_num_queries(0):
            assert group_scope(user) is scope  # kept for the rest of the request
        expected = Group.objects.reached_by(user, NEED_ROLES[Need.READ]).values_list(
            "pk", flat=True
        )
        assert sorted(scope) == sorted(expected)


def test_scope_is_resolved_once_per_request(world, warm):
    """The home page of a lead who also facilitates asks for the scope in several
    sections; the groups are read once."""
    lead = world.users["lead_a"]
    grant_role(lead, Role.FACILITATOR, world.group_a1)
    client = world.client_for("lead_a")
    warm(client, reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    # The scope's one query: the groups of the organisations the lead leads, each with
    # the role it is reached by ("via"); the group they facilitate needs none.
    scopes = [q["sql"] for q in captured.captured_queries if 'AS "via"' in q["sql"]]
    assert len(scopes) == 1
