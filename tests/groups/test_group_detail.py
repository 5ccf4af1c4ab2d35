"""GET /groups/<pk>/ — one group; staff names for the lead and the group's own staff."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import Role, UserFactory, grant_role

User = get_user_model()


@pytest.fixture
def named_staff(world):
    User.objects.filter(pk=world.users["facilitator_a1"].pk).update(full_name="Fatma Yilmaz")
    User.objects.filter(pk=world.users["volunteer_a1"].pk).update(full_name="Vera Jansen")


def _url(group):
    return reverse("group_detail", args=[group.pk])


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "volunteer_a1"])
def test_staff_names_shown_to_lead_and_group_staff(world, named_staff, persona):
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    assert "Fatma Yilmaz · Facilitator" in response.text
    assert "Vera Jansen · Volunteer" in response.text
    assert [m.user.full_name for m in response.context["staff"]] == ["Fatma Yilmaz", "Vera Jansen"]


def test_coordinator_sees_only_a_count(world, named_staff):
    response = world.client_for("coordinator").get(_url(world.group_a1))
    assert response.status_code == 200
    assert response.context["staff"] is None
    assert response.context["staff_count"] == 2
    assert "2 people work in this group." in response.text
    assert "Fatma Yilmaz" not in response.text
    assert "Vera Jansen" not in response.text


def test_coordinator_count_is_singular_for_one_person(world):
    response = world.client_for("coordinator").get(_url(world.group_b1))
    assert "1 person works in this group." in response.text


def test_group_without_staff(world):
    response = world.client_for("lead_a").get(_url(world.group_a2))
    assert response.context["staff"] == []
    assert "Nobody has been assigned yet." in response.text


def test_page_shows_the_group(world):
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    text = response.text
    assert "Group A1" in text
    assert "Organisation A · Rotterdam" in text
    assert "Turkish, Dutch" in text  # languages ["tr", "nl"]
    assert "Venue A" in text
    assert "15 people" in text  # target size


def test_edit_link_only_for_the_lead(world):
    edit = reverse("group_edit", args=[world.group_a1.pk])
    assert edit in world.client_for("lead_a").get(_url(world.group_a1)).text
    for persona in ["coordinator", "facilitator_a1", "volunteer_a1"]:
        response = world.client_for(persona).get(_url(world.group_a1))
        assert response.context["can_edit"] is False
        assert edit not in response.text


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404


def test_lead_of_another_organisation_gets_404(world, lead_b):
    client = world.client_for("lead_a")
    assert client.get(_url(world.group_b1)).status_code == 404
    client.force_login(lead_b)
    assert client.get(_url(world.group_a1)).status_code == 404


def test_coordinator_gets_404_outside_the_programme(world, org_c):
    group_c1 = org_c.stet_groups.get()
    assert world.client_for("coordinator").get(_url(group_c1)).status_code == 404


def test_missing_group_is_404(world):
    response = world.client_for("lead_a").get(reverse("group_detail", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "funder"])
def test_no_group_role_gets_403(world, persona):
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.group_a1)).status_code == 405


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[0, 10], ids=["2 staff", "12 staff"])
def staff(request, world):
    for n in range(request.param):
        grant_role(UserFactory(email=f"helper{n}@example.org"), Role.VOLUNTEER, world.group_a1)
    return 2 + request.param


def _getting_ready(group):
    """The group recruiting: its page then counts its readiness (the most queries)."""
    group.status = "recruiting"
    group.save(update_fields=["status"])


def test_query_count_for_lead(world, staff, warm, django_assert_num_queries):
    _getting_ready(world.group_a1)
    client = world.client_for("lead_a")
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(12):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue (the
        #    user's roles in it come from 3.: lead, may edit, sees names and make-up)
        # 5. the group's staff, joined with their users
        # 6. the held meetings, each with its marks and done ideas counted and whether
        #    participants helped organise it: the attendance chart and the co-creation
        #    share (meetings.selectors.held_meetings_counted)
        # 7. the current participants' make-up (group_composition)
        # 8.-10. "N of 6 ready" (funding.selectors.readiness_for_groups): funded and
        #     closed room, facilitators' languages, ticked items
        # 11. impact and continuation: the plan joined to its open steps
        response = client.get(_url(world.group_a1))
    assert len(response.context["staff"]) == staff


@pytest.mark.parametrize("persona", ["coordinator", "facilitator_a1"])
def test_query_count_for_coordinator_and_facilitator(
    world, staff, persona, warm, django_assert_num_queries
):
    _getting_ready(world.group_a1)
    client = world.client_for(persona)
    warm(client, _url(world.group_a1))
    with django_assert_num_queries({"coordinator": 10, "facilitator_a1": 12}[persona]):
        # (the facilitator sees participants: + the access log's INSERT, the last query)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue
        # 5. the coordinator only: is the group's organisation in their programme? (the
        #    facilitator's roles in the group come from 3.; from here one less)
        # 6. the group's staff, joined with their users
        # 7. the held meetings with their marks and done ideas counted: the attendance
        #    chart and the co-creation share (meetings.selectors.held_meetings_counted)
        # 8. the facilitator: the participants' make-up (group_composition);
        #    the coordinator: only the number of current participants
        # 9.-11. the facilitator only: "N of 6 ready" (funding readiness_for_groups:
        #     funded and closed room, facilitators' languages, ticked items)
        # 12. (coordinator: 9.) impact and continuation: the plan joined to its open
        #     steps
        # 10. the coordinator only: the organisation's list of communities (the coded
        #     community it sees; groups/communities.py)
        response = client.get(_url(world.group_a1))
    assert response.context["staff_count"] == staff


# --- attendance over time (meetings) ---------------------------------------------------


def _held_meetings(group, presents, absents=1):
    """Past meetings of `group`, oldest first, with `present` people present each."""
    import datetime as dt

    from django.utils import timezone

    from meetings.models import Attendance
    from tests.factories import MeetingFactory

    today = timezone.localdate()
    meetings = []
    for index, present in enumerate(presents):
        meeting = MeetingFactory(
            group=group, day=today - dt.timedelta(days=14 * (len(presents) - index))
        )
        for n in range(present):
            Attendance.objects.create(meeting=meeting, guest_name=f"P{n}", status="present")
        for n in range(absents):
            Attendance.objects.create(meeting=meeting, guest_name=f"A{n}", status="absent")
        meetings.append(meeting)
    return meetings


def test_attendance_chart_for_the_group_staff(world):
    _held_meetings(world.group_a1, [3, 9])
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    chart = response.context["attendance_chart"]
    assert [row.display for row in chart.rows] == ["3", "9"]
    assert chart.rows[0].label.endswith("· 75 %")  # 3 of 4 marked
    assert chart.rows[1].label.endswith("· 90 %")
    assert response.context["attendance_rate"] == 86  # 12 of 14
    assert "Attendance over time" in response.text
    assert 'aria-labelledby="attendance-over-time-title"' in response.text


def test_attendance_chart_suppresses_small_counts_for_the_coordinator(world):
    _held_meetings(world.group_a1, [3, 9])
    response = world.client_for("coordinator").get(_url(world.group_a1))
    chart = response.context["attendance_chart"]
    assert [row.display for row in chart.rows] == ["<5", "9"]
    assert chart.rows[0].bar_width == "0"
    assert "%" not in chart.rows[0].label  # no rates: they could give small numbers away
    assert response.context["attendance_rate"] is None
    assert "&lt;5" in response.text


def test_attendance_chart_shows_the_last_12_held_meetings(world):
    from meetings.models import MeetingStatus

    meetings = _held_meetings(world.group_a1, list(range(1, 15)))
    meetings[-1].status = MeetingStatus.CANCELLED
    meetings[-1].change_reason = "Storm"
    meetings[-1].save()
    chart = world.client_for("lead_a").get(_url(world.group_a1)).context["attendance_chart"]
    # 13 held (the last was cancelled), the 12 latest of them; the planned meeting in
    # March 2026 (world.meeting_a1) has no attendance and is not held.
    assert [row.display for row in chart.rows] == [str(n) for n in range(2, 14)]


def test_no_attendance_yet(world):
    response = world.client_for("lead_a").get(_url(world.group_a1))
    assert response.context["attendance_chart"] is None
    assert "No attendance recorded yet." in response.text


def test_follow_up_link_for_those_who_call(world):
    link = reverse("follow_up_list")
    for persona in ("lead_a", "facilitator_a1"):
        assert link in world.client_for(persona).get(_url(world.group_a1)).text
    for persona in ("volunteer_a1", "coordinator"):
        assert link not in world.client_for(persona).get(_url(world.group_a1)).text


@pytest.mark.parametrize("held", [2, 20])
def test_attendance_over_time_is_one_query(world, held, django_assert_num_queries):
    from meetings.selectors import held_meetings_counted
    from meetings.selectors_attendance import attendance_over_time

    presents = [n % 5 for n in range(held)]
    _held_meetings(world.group_a1, presents)
    with django_assert_num_queries(1):
        # 1. the held meetings with their present and marked counts (one aggregate)
        meetings = held_meetings_counted(group=world.group_a1)
    points = attendance_over_time(held=meetings)
    # The last 12, oldest first, each with its own counts (one absent at every meeting).
    assert [p.present for p in points] == presents[-12:]
    assert [p.marked for p in points] == [n + 1 for n in presents[-12:]]


# --- readiness line (funding) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("lead_a", True), ("facilitator_a1", True), ("volunteer_a1", False), ("coordinator", False)],
)
def test_readiness_line_for_lead_and_facilitators(world, persona, shown):
    _getting_ready(world.group_a1)
    response = world.client_for(persona).get(_url(world.group_a1))
    body = response.content.decode()
    assert ("2 of 6 ready" in body) is shown
    assert (reverse("group_readiness", args=[world.group_a1.pk]) in body) is shown
    assert "style=" not in body


@pytest.mark.parametrize("status", ["running", "continuing", "ended"])
def test_readiness_is_counted_only_while_getting_ready(
    world, status, warm, django_assert_num_queries
):
    """Once the group runs, its page links to the readiness page without counting it
    (funding.selectors.READINESS_STATUSES): the three readiness queries are not made."""
    world.group_a1.status = status
    world.group_a1.save(update_fields=["status"])  # world's A1 runs; here also the rest
    client = world.client_for("lead_a")
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(9):  # test_query_count_for_lead's 12, less 8.-10.
        response = client.get(_url(world.group_a1))
    body = response.content.decode()
    assert "of 6 ready" not in body
    assert "<progress" not in body
    assert "Readiness to start" in body
    assert reverse("group_readiness", args=[world.group_a1.pk]) in body
    volunteer = world.client_for("volunteer_a1").get(_url(world.group_a1))
    assert "Readiness to start" not in volunteer.text


# --- impact and continuation (reporting) -----------------------------------------------


@pytest.mark.parametrize(
    ("persona", "links"),
    [("lead_a", True), ("facilitator_a1", True), ("volunteer_a1", False), ("coordinator", False)],
)
def test_impact_and_continuation_section(world, persona, links):
    import datetime as dt

    from reporting.models import ContinuationStep

    world.plan_a1.status = "agreed"
    world.plan_a1.save(update_fields=["status"])
    # The next open step is the earliest open one; a done step does not count.
    ContinuationStep.objects.create(
        plan=world.plan_a1,
        description="Find a room",
        owner="Fatma",
        due_on=dt.date(2026, 1, 10),
        done_on=dt.date(2026, 1, 5),
    )
    response = world.client_for(persona).get(_url(world.group_a1))
    body = response.content.decode()
    assert "Impact and continuation" in body
    assert "Embed the group in the organisation" in body
    assert "Agreed" in body
    assert "Ask the board · due 1 Dec 2026" in body
    assert "Find a room" not in body
    assert ("Project lead" in body) is links  # the step's owner: staff only
    for name in ("story_list", "observation_list", "measurement_group", "continuation_plan"):
        assert (reverse(name, args=[world.group_a1.pk]) in body) is links


def test_impact_section_without_a_plan(world):
    world.plan_a1.delete()
    response = world.client_for("coordinator").get(_url(world.group_a1))
    assert "No continuation plan yet." in response.content.decode()


def test_attendance_chart_title_counts_one_meeting_or_more(world):
    _held_meetings(world.group_a1, [3])
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.context["attendance_chart"].title == "People present at the last meeting"
    _held_meetings(world.group_a2, [3, 4])
    response = world.client_for("lead_a").get(_url(world.group_a2))
    assert response.context["attendance_chart"].title == "People present at the last 2 meetings"
