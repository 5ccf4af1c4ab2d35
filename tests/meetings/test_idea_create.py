"""GET/POST /groups/<pk>/ideas/new/ — add an idea to the co-creation board."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Idea
from tests.factories import MeetingFactory, participant_in
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(group):
    return reverse("idea_create", args=[group.pk])


def _data(**overrides):
    data = {
        "title": "Cook together",
        "description": "Everyone brings a dish.",
        "activity_kind": "cooking",
        "source": "meeting",
        "proposer": "staff",
        "votes": "3",
        "status": "idea",
        "meeting": "",
        "look_back": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_form_offers_the_group_people_and_meetings(world, persona):
    other_group_person = participant_in(world.group_a2, full_name="Zeynep Other")
    other_meeting = MeetingFactory(group=world.group_a2, day=dt.date(2026, 4, 7))
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    form = response.context["form"]
    proposer_values = [value for value, _label in form.fields["proposer"].choices]
    assert proposer_values[0] == "staff"
    assert dict(form.fields["proposer"].choices[1][1]) == {
        str(world.participant_a1.pk): "Ayse Demir"
    }
    assert list(form.fields["organisers"].queryset) == [world.participant_a1]
    assert list(form.fields["meeting"].queryset) == [world.meeting_a1]
    assert "Zeynep Other" not in response.text
    assert other_group_person not in form.fields["organisers"].queryset
    assert other_meeting not in form.fields["meeting"].queryset
    assert 'data-show-when="done reviewed"' in response.text


def test_create_proposed_by_staff(world):
    user = world.users["facilitator_a1"]
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), _data())
    idea = Idea.objects.get(title="Cook together")
    assert response.status_code == 302
    assert response.url == reverse("idea_board", args=[world.group_a1.pk]) + f"#idea-{idea.pk}"
    assert (idea.group, idea.proposed_by, idea.proposed_by_staff) == (world.group_a1, None, user)
    assert (idea.votes, idea.activity_kind, idea.status) == (3, "cooking", "idea")


def test_create_proposed_by_a_participant_done_at_a_meeting(world):
    fatma = participant_in(world.group_a1, full_name="Fatma Kaya")
    data = _data(
        proposer=str(fatma.pk),
        status="done",
        meeting=str(world.meeting_a1.pk),
        organisers=[str(fatma.pk), str(world.participant_a1.pk)],
        look_back="Lovely afternoon.",
    )
    response = world.client_for("lead_a").post(_url(world.group_a1), data)
    assert response.status_code == 302
    idea = Idea.objects.get(title="Cook together")
    assert (idea.proposed_by, idea.proposed_by_staff) == (fatma, None)
    assert idea.meeting == world.meeting_a1
    assert set(idea.organisers.all()) == {fatma, world.participant_a1}
    assert idea.look_back == "Lovely afternoon."


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("proposer", "participant-of-another-group"),
        ("meeting", "meeting-of-another-group"),
        ("organisers", "participant-of-another-group"),
        ("status", "finished"),
        ("activity_kind", "karaoke"),
        ("votes", "-1"),
        ("votes", "100000"),
        ("proposer", "999999"),
        ("meeting", "abc"),
    ],
)
def test_bad_input_rerenders_with_an_error(world, field, value):
    if value == "participant-of-another-group":
        value = str(participant_in(world.group_a2).pk)
    if value == "meeting-of-another-group":
        value = str(MeetingFactory(group=world.group_a2).pk)
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.group_a1), _data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Idea.objects.filter(title="Cook together").exists()


def test_empty_post_shows_required_fields(world):
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), {})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "proposer", "status", "source"} <= set(errors)


def test_blank_title_is_an_error(world):
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), _data(title="   "))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, value):
    data = _data(title=value, description=value, look_back=value)
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)
    else:
        board = world.client_for("facilitator_a1").get(response.url)
        assert_escaped(board)


def test_facilitator_of_another_group_gets_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.group_a1)).status_code == 404
    assert client.post(_url(world.group_a1), _data()).status_code == 404
    assert not Idea.objects.filter(title="Cook together").exists()


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_read_only_and_other_roles_get_403(world, persona):
    assert world.client_for(persona).post(_url(world.group_a1), _data()).status_code == 403
    assert not Idea.objects.filter(title="Cook together").exists()


def test_volunteer_who_facilitates_elsewhere_still_gets_403(world):
    from tests.factories import Role, grant_role

    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    client = world.client_for("volunteer_a1")
    assert client.post(_url(world.group_a1), _data()).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_put_is_not_allowed(world):
    assert world.client_for("facilitator_a1").put(_url(world.group_a1)).status_code == 405
