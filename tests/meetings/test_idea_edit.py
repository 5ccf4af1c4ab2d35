"""GET/POST /ideas/<pk>/edit/ — change an idea: its status, the meeting, looking back."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Idea
from participants.models import Enrolment
from tests.factories import IdeaFactory, UserFactory, participant_in
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(idea):
    return reverse("idea_edit", args=[idea.pk])


def _data(idea, **overrides):
    data = {
        "title": idea.title,
        "description": idea.description,
        "activity_kind": idea.activity_kind,
        "source": idea.source,
        "proposer": str(idea.proposed_by_id) if idea.proposed_by_id else "staff",
        "votes": str(idea.votes),
        "status": idea.status,
        "meeting": str(idea.meeting_id or ""),
        "look_back": idea.look_back,
    }
    data.update(overrides)
    return data


def test_form_starts_from_the_idea(world):
    idea = world.idea_a1
    idea.organisers.add(world.participant_a1)
    response = world.client_for("facilitator_a1").get(_url(idea))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Cook together for Eid"
    assert form.initial["proposer"] == str(world.participant_a1.pk)
    assert form.initial["organisers"] == [world.participant_a1.pk]
    assert "Cook together for Eid" in response.text


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_mark_done_at_a_meeting_and_look_back(world, persona):
    idea = world.idea_a1
    data = _data(
        idea,
        status="reviewed",
        meeting=str(world.meeting_a1.pk),
        look_back="Everyone cooked; do it again.",
        organisers=[str(world.participant_a1.pk)],
    )
    response = world.client_for(persona).post(_url(idea), data)
    assert response.status_code == 302
    assert response.url == reverse("idea_board", args=[idea.group_id]) + f"#idea-{idea.pk}"
    idea.refresh_from_db()
    assert (idea.status, idea.meeting, idea.look_back) == (
        "reviewed",
        world.meeting_a1,
        "Everyone cooked; do it again.",
    )
    assert list(idea.organisers.all()) == [world.participant_a1]
    assert idea.proposed_by == world.participant_a1  # unchanged


def test_another_staff_proposer_is_kept(world):
    colleague = UserFactory(email="colleague@example.org", full_name="Colleague Name")
    idea = IdeaFactory(group=world.group_a1, title="Museum", proposed_by_staff=colleague)
    client = world.client_for("facilitator_a1")
    response = client.get(_url(idea))
    assert response.context["form"].initial["proposer"] == "kept"
    assert "Staff: Colleague Name" in response.text
    client.post(_url(idea), _data(idea, proposer="kept", status="planned"))
    idea.refresh_from_db()
    assert (idea.status, idea.proposed_by_staff) == ("planned", colleague)


def test_switch_from_participant_to_me(world):
    idea = world.idea_a1
    world.client_for("facilitator_a1").post(_url(idea), _data(idea, proposer="staff"))
    idea.refresh_from_db()
    assert (idea.proposed_by, idea.proposed_by_staff) == (None, world.users["facilitator_a1"])


def test_a_proposer_who_left_stays_selectable(world):
    """Someone who has left the group can still be named on an idea from before."""
    gone = participant_in(world.group_a1, full_name="Gone Person")
    gone.enrolments.update(left_on=dt.date(2025, 6, 1), leave_reason="moved")
    idea = IdeaFactory(group=world.group_a1, title="Old idea", proposed_by=gone)
    response = world.client_for("facilitator_a1").post(_url(idea), _data(idea, status="planned"))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.proposed_by) == ("planned", gone)
    # …but is not offered for a new idea.
    new = world.client_for("facilitator_a1").get(reverse("idea_create", args=[world.group_a1.pk]))
    assert "Gone Person" not in new.text
    assert Enrolment.objects.current().filter(participant=gone).count() == 0


def test_empty_post_rerenders_with_errors(world):
    response = world.client_for("facilitator_a1").post(_url(world.idea_a1), {})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Idea.objects.get(pk=world.idea_a1.pk).title == "Cook together for Eid"


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, value):
    idea = world.idea_a1
    data = _data(idea, title=value, look_back=value)
    response = world.client_for("facilitator_a1").post(_url(idea), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)


def test_idea_of_another_group_is_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.idea_a1)).status_code == 404
    response = client.post(_url(world.idea_a1), _data(world.idea_a1, title="Hacked"))
    assert response.status_code == 404
    assert Idea.objects.get(pk=world.idea_a1.pk).title == "Cook together for Eid"


def test_missing_idea_is_404(world):
    assert world.client_for("lead_a").get(reverse("idea_edit", args=[999_999])).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_read_only_and_other_roles_get_403(world, persona):
    response = world.client_for(persona).post(
        _url(world.idea_a1), _data(world.idea_a1, title="Hacked")
    )
    assert response.status_code == 403
    assert Idea.objects.get(pk=world.idea_a1.pk).title == "Cook together for Eid"


def test_volunteer_who_facilitates_elsewhere_gets_403(world):
    from tests.factories import Role, grant_role

    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    assert world.client_for("volunteer_a1").get(_url(world.idea_a1)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.idea_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_delete_is_not_allowed(world):
    assert world.client_for("facilitator_a1").delete(_url(world.idea_a1)).status_code == 405
