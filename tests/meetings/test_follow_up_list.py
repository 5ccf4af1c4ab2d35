"""GET /follow-ups/ — people to call: absent twice in a row, or left without notice."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.access import remember_scope
from meetings.models import Attendance, FollowUpCall
from meetings.selectors_attendance import people_to_call
from tests.factories import (
    EnrolmentFactory,
    GroupFactory,
    MeetingFactory,
    ParticipantFactory,
    Role,
    grant_role,
    participant_in,
)

URL = reverse("follow_up_list")


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def two_meetings(group, marks_first: dict, marks_second: dict):
    """Two past meetings of `group`, with the given marks ({participant: status})."""
    meetings = [
        MeetingFactory(group=group, day=days_ago(15)),
        MeetingFactory(group=group, day=days_ago(1)),
    ]
    for meeting, marks in zip(meetings, [marks_first, marks_second], strict=True):
        for participant, status in marks.items():
            Attendance.objects.create(meeting=meeting, participant=participant, status=status)
    return meetings


def left_without_notice(group, name, *, days=10, reason="other", notes=""):
    person = ParticipantFactory(group=group, full_name=name, status="left")
    EnrolmentFactory(
        participant=person,
        group=group,
        left_on=days_ago(days),
        leave_reason=reason,
        leave_notes=notes,
    )
    return person


def _names(response):
    return [item.participant.full_name for item in response.context["people"]]


def test_absent_twice_in_a_row_is_listed(world):
    a1 = world.participant_a1
    present = participant_in(world.group_a1, full_name="Always There")
    once = participant_in(world.group_a1, full_name="Missed Once")
    excused = participant_in(world.group_a1, full_name="Excused Twice")
    two_meetings(
        world.group_a1,
        {a1: "absent", present: "present", once: "absent", excused: "excused"},
        {a1: "absent", present: "present", once: "present", excused: "excused"},
    )
    response = world.client_for("facilitator_a1").get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Ayse Demir"]
    item = response.context["people"][0]
    assert item.missed_twice and not item.left_without_notice
    assert "Absent twice in a row" in response.text
    assert 'href="tel:0611112222"' in response.text
    assert reverse("follow_up_call_create", args=[a1.pk]) in response.text
    assert "Not called yet" in response.text


def test_only_the_two_latest_meetings_count(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    now = timezone.now()
    latest = MeetingFactory(
        group=world.group_a1,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(minutes=90),
    )
    Attendance.objects.create(meeting=latest, participant=a1, status="present")
    assert _names(world.client_for("facilitator_a1").get(URL)) == []


def test_meetings_without_attendance_are_skipped(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    MeetingFactory(group=world.group_a1, day=days_ago(3))  # nobody marked it
    assert _names(world.client_for("facilitator_a1").get(URL)) == ["Ayse Demir"]


def test_someone_who_left_since_is_not_listed_as_absent(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    a1.enrolments.update(left_on=days_ago(0), leave_reason="moved")
    assert _names(world.client_for("facilitator_a1").get(URL)) == []


def test_left_without_notice_is_listed(world):
    left_without_notice(world.group_a1, "Quietly Gone")
    left_without_notice(world.group_a1, "Moved Away", reason="moved")
    left_without_notice(world.group_a1, "Said Why", notes="Takes care of her husband now")
    left_without_notice(world.group_a1, "Long Ago", days=45)
    response = world.client_for("facilitator_a1").get(URL)
    assert _names(response) == ["Quietly Gone"]
    assert response.context["people"][0].left_without_notice
    assert "without notice" in response.text


def test_last_call_is_shown(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    FollowUpCall.objects.create(
        participant=a1,
        called_by=world.users["lead_a"],
        outcome="no_answer",
        called_at=timezone.now() - dt.timedelta(days=3),
    )
    FollowUpCall.objects.create(
        participant=a1, called_by=world.users["facilitator_a1"], outcome="coming_back"
    )
    response = world.client_for("lead_a").get(URL)
    item = response.context["people"][0]
    assert item.last_call_outcome == "coming_back"
    name = world.users["facilitator_a1"].full_name
    assert item.last_call_by == name
    assert f"Last call: will come again ({name}" in response.text


def test_last_caller_without_a_name_is_shown_by_e_mail(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    lead = world.users["lead_a"]
    lead.full_name = ""
    lead.save(update_fields=["full_name"])
    FollowUpCall.objects.create(participant=a1, called_by=lead, outcome="reached")
    item = world.client_for("facilitator_a1").get(URL).context["people"][0]
    assert item.last_call_by == "lead.a@example.org"


def test_facilitator_of_another_group_sees_none_of_a(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    left_without_notice(world.group_a1, "Quietly Gone")
    response = world.client_for("facilitator_b1").get(URL)
    assert response.status_code == 200
    assert _names(response) == []
    assert "Ayse Demir" not in response.text
    assert "Nobody to call right now." in response.text


def test_lead_sees_all_groups_of_the_organisation(world):
    a1 = world.participant_a1
    two_meetings(world.group_a1, {a1: "absent"}, {a1: "absent"})
    left_without_notice(world.group_a2, "Gone From A2")
    assert _names(world.client_for("lead_a").get(URL)) == ["Ayse Demir", "Gone From A2"]


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "outsider", "funder"])
def test_roles_that_do_not_call_get_403(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("facilitator_a1").post(URL).status_code == 405


# --- a fixed number of queries ---------------------------------------------------------


def test_nobody_to_call_is_one_query(world, django_assert_num_queries):
    # 1. the user's memberships: their groups (groups.access.group_scope, outside a
    #    request; in one the access rule has read them)  2. who to call
    with django_assert_num_queries(2):
        assert people_to_call(user=world.users["facilitator_b1"]) == []


@pytest.mark.parametrize("size", [3, 30])
def test_selector_query_count_is_fixed(world, size, django_assert_num_queries):
    """people_to_call: three queries for 3 or 30 people in 1 or 10 groups (after the
    scope)."""
    lead = world.users["lead_a"]
    groups = [world.group_a1] + [
        GroupFactory(organisation=world.org_a, name=f"Extra {i}") for i in range(size // 3 - 1)
    ]
    for n, group in enumerate(groups):
        people = [participant_in(group, full_name=f"Absent {n}-{i}") for i in range(2)]
        two_meetings(group, dict.fromkeys(people, "absent"), dict.fromkeys(people, "absent"))
        left_without_notice(group, f"Gone {n}")
        FollowUpCall.objects.create(participant=people[0], called_by=lead, outcome="no_answer")
    # As in a request (stetapp.middleware.ScopeMemoMiddleware): the scope is read once.
    remember_scope(lead)
    with django_assert_num_queries(5):
        # 1-2. the user's groups as ids (groups.access.group_scope: the memberships, then
        #    the groups of the organisations the lead leads), kept for 4.
        # 3. who to call: absent at the group's two latest meetings with attendance and
        #    still enrolled, UNION ALL left quietly (with the day)
        # 4. those of them the user may see, with their group  5. their last calls
        people = people_to_call(user=lead)
    assert len(people) == 3 * len(groups)


@pytest.mark.parametrize("size", [3, 30])
def test_page_query_count_is_fixed(world, size, warm, django_assert_num_queries):
    facilitator = world.users["facilitator_a1"]
    groups = [world.group_a1]
    for i in range(size // 3 - 1):
        group = GroupFactory(organisation=world.org_a, name=f"Extra {i}")
        grant_role(facilitator, Role.FACILITATOR, group)
        groups.append(group)
    for n, group in enumerate(groups):
        people = [participant_in(group, full_name=f"Absent {n}-{i}") for i in range(2)]
        two_meetings(group, dict.fromkeys(people, "absent"), dict.fromkeys(people, "absent"))
        left_without_notice(group, f"Gone {n}")
    client = world.client_for("facilitator_a1")
    warm(client, URL)
    with django_assert_num_queries(7):
        # 1. the session  2. the user  3. the user's roles (access rule; the groups the
        #    facilitator works in come from them: groups.access.group_scope)
        # 4-6. people_to_call: who to call, those the user may see, their last calls
        # 7. the access log: one INSERT of the people listed (privacy/access_log.py)
        response = client.get(URL)
    assert len(response.context["people"]) == 3 * len(groups)
