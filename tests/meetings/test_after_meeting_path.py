"""The facilitator's after-meeting path is short (issue 12, item 5): the home page links
the most recent meeting still to record, the sheet leads on to the record, the meeting
page to an idea with that meeting preselected, and someone working in one group
registers people for it without choosing. The tap count is in
tests/e2e/test_after_meeting_journey.py."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Attendance, MeetingStatus
from tests.factories import AMSTERDAM, MeetingFactory

pytestmark = pytest.mark.django_db

# Thursday 3 December 2026, 17:30 in Amsterdam.
NOW = dt.datetime(2026, 12, 3, 17, 30, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def meetings(world):
    """Group A1: last Thursday (attendance marked, no record), this morning (nothing
    yet), next Thursday; plus the world's meeting of 3 March (nothing yet)."""
    week_ago = MeetingFactory(group=world.group_a1, day=dt.date(2026, 11, 26))
    Attendance.objects.create(meeting=week_ago, participant=world.participant_a1, status="present")
    return {
        "march": world.meeting_a1,
        "week_ago": week_ago,
        "this_morning": MeetingFactory(group=world.group_a1, day=dt.date(2026, 12, 3)),
        "next_week": MeetingFactory(group=world.group_a1, day=dt.date(2026, 12, 10)),
    }


# --- home -------------------------------------------------------------------------------


def test_home_links_the_most_recent_meeting_still_to_record(world, meetings, login):
    response = login(world.users["facilitator_a1"]).get(reverse("home"))
    assert response.context["last_to_record"] == meetings["this_morning"]
    assert response.context["meetings_to_record"] == [
        meetings["this_morning"],
        meetings["week_ago"],
        meetings["march"],
    ]
    body = response.content.decode()
    sheet = reverse("attendance_sheet", args=[meetings["this_morning"].pk])
    assert f'id="last-meeting-link" class="btn btn-primary btn-lg" href="{sheet}"' in body
    # Attendance marked but no record yet: the link is to the record.
    assert reverse("meeting_record", args=[meetings["week_ago"].pk]) in body


def test_a_marked_meeting_links_the_record_once_attendance_is_done(world, meetings, login):
    for name in ("this_morning", "march"):
        meeting = meetings[name]
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    response = login(world.users["facilitator_a1"]).get(reverse("home"))
    assert response.context["last_to_record"] == meetings["week_ago"]
    record = reverse("meeting_record", args=[meetings["week_ago"].pk])
    assert f'id="last-meeting-link" class="btn btn-primary btn-lg" href="{record}"' in (
        response.content.decode()
    )


def test_a_volunteer_is_pointed_only_to_attendance(world, meetings, login):
    response = login(world.users["volunteer_a1"]).get(reverse("home"))
    assert response.context["meetings_to_record"] == [meetings["this_morning"], meetings["march"]]
    assert reverse("meeting_record", args=[meetings["week_ago"].pk]) not in (
        response.content.decode()
    )


def test_nothing_to_record_shows_no_last_meeting(world, login):
    world.meeting_a1.status = MeetingStatus.HELD
    world.meeting_a1.save(update_fields=["status"])
    response = login(world.users["facilitator_a1"]).get(reverse("home"))
    assert response.context["last_to_record"] is None
    assert 'id="last-meeting-link"' not in response.content.decode()


# --- the sheet and the meeting page lead on ----------------------------------------------


def test_the_sheet_leads_on_to_the_record_for_those_who_write_it(world, meetings, login):
    url = reverse("attendance_sheet", args=[meetings["this_morning"].pk])
    record = reverse("meeting_record", args=[meetings["this_morning"].pk])
    assert record in login(world.users["facilitator_a1"]).get(url).content.decode()
    assert record not in login(world.users["volunteer_a1"]).get(url).content.decode()


def test_the_meeting_page_links_an_idea_from_this_meeting(world, meetings, login):
    meeting = meetings["week_ago"]
    body = login(world.users["facilitator_a1"]).get(reverse("meeting_detail", args=[meeting.pk]))
    link = f"{reverse('idea_create', args=[world.group_a1.pk])}?meeting={meeting.pk}"
    assert link in body.content.decode()


# --- the idea form -----------------------------------------------------------------------


def _idea_form(world, login, query=""):
    url = reverse("idea_create", args=[world.group_a1.pk]) + query
    return login(world.users["facilitator_a1"]).get(url).context["form"]


def test_the_idea_form_lists_past_meetings_newest_first(world, meetings, login):
    form = _idea_form(world, login)
    listed = [value for value, _label in form.fields["meeting"].choices][1:]
    assert listed == [meetings[n].pk for n in ("this_morning", "week_ago", "march")]


def test_the_idea_form_preselects_the_most_recent_meeting(world, meetings, login):
    assert _idea_form(world, login)["meeting"].value() == meetings["this_morning"].pk


def test_the_idea_form_preselects_the_meeting_it_came_from(world, meetings, login):
    week_ago = meetings["week_ago"]
    assert _idea_form(world, login, f"?meeting={week_ago.pk}")["meeting"].value() == week_ago.pk
    # A meeting still to come, or of another group, is not chosen.
    for other in (meetings["next_week"].pk, "nonsense"):
        form = _idea_form(world, login, f"?meeting={other}")
        assert form["meeting"].value() == meetings["this_morning"].pk


def test_an_idea_is_saved_with_the_preselected_meeting(world, meetings, login):
    client = login(world.users["facilitator_a1"])
    response = client.post(
        reverse("idea_create", args=[world.group_a1.pk]),
        {
            "title": "Cook together",
            "source": "meeting",
            "proposer": "staff",
            "votes": "7",
            "status": "idea",
            "meeting": meetings["week_ago"].pk,
        },
    )
    assert response.status_code == 302
    idea = world.group_a1.ideas.get(title="Cook together")
    assert (idea.meeting, idea.votes) == (meetings["week_ago"], 7)


def test_an_idea_cannot_name_a_meeting_still_to_come(world, meetings, login):
    response = login(world.users["facilitator_a1"]).post(
        reverse("idea_create", args=[world.group_a1.pk]),
        {
            "title": "Cook",
            "source": "meeting",
            "proposer": "staff",
            "status": "idea",
            "meeting": meetings["next_week"].pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["meeting"]


# --- registering someone ------------------------------------------------------------------


def test_a_facilitator_with_one_group_gets_it_preselected(world, login):
    form = login(world.users["facilitator_a1"]).get(reverse("participant_create")).context["form"]
    assert form["group"].value() == world.group_a1.pk


def test_someone_with_several_groups_chooses(world, login):
    form = login(world.users["lead_a"]).get(reverse("participant_create")).context["form"]
    assert form["group"].value() is None
