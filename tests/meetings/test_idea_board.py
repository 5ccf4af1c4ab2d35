"""GET /groups/<pk>/ideas/ — the co-creation board of a group."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import IdeaFactory, MeetingFactory, UserFactory, participant_in
from tests.helpers import HOSTILE, assert_escaped


def _url(group):
    return reverse("idea_board", args=[group.pk])


@pytest.fixture
def board(world):
    """One idea per column, with a proposer of each kind, a meeting and organisers."""
    group = world.group_a1
    staff = UserFactory(email="staff.idea@example.org", full_name="Sanne de Vries")
    fatma = participant_in(group, full_name="Fatma Kaya")
    meeting = MeetingFactory(group=group, day=dt.date(2026, 2, 17), status="held")
    planned = IdeaFactory(
        group=group, title="Walk in the park", status="planned", proposed_by_staff=staff,
        activity_kind="movement", source="intake", votes=4,
    )  # fmt: skip
    done = IdeaFactory(
        group=group, title="Henna evening", status="done", proposed_by=fatma, meeting=meeting
    )
    done.organisers.add(fatma, world.participant_a1)
    reviewed = IdeaFactory(
        group=group, title="Doctor's talk", status="reviewed", look_back="Many questions."
    )
    return {"planned": planned, "done": done, "reviewed": reviewed, "meeting": meeting}


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "lead_a"])
def test_board_shows_every_column(world, board, persona):
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [c["status"] for c in columns] == ["idea", "planned", "done", "reviewed"]
    assert [[i.title for i in c["ideas"]] for c in columns] == [
        ["Cook together for Eid"],
        ["Walk in the park"],
        ["Henna evening"],
        ["Doctor's talk"],
    ]
    text = response.text
    for heading in ["Idea", "Planned", "Done", "Looked back on"]:
        assert f">{heading} <span" in text


def test_cards_say_who_proposed_where_and_when(world, board):
    text = world.client_for("facilitator_a1").get(_url(world.group_a1)).text
    assert "a participant: Ayse Demir" in text
    assert "staff: Sanne de Vries" in text
    assert "a participant: Fatma Kaya" in text
    assert "not recorded" in text  # the reviewed idea has no proposer
    assert "Movement and exercise" in text
    assert "intake conversation" in text
    assert reverse("meeting_detail", args=[board["meeting"].pk]) in text
    assert "Organised with" in text and "Ayse Demir, Fatma Kaya" in text
    assert "4 hands" in text and "0 hands" in text
    assert "Many questions." in text
    assert reverse("idea_vote", args=[board["planned"].pk]) in text


def test_edit_links_only_for_facilitator_and_lead(world, board):
    edit = reverse("idea_edit", args=[board["planned"].pk])
    create = reverse("idea_create", args=[world.group_a1.pk])
    for persona in ["facilitator_a1", "lead_a"]:
        text = world.client_for(persona).get(_url(world.group_a1)).text
        assert edit in text and create in text
    response = world.client_for("volunteer_a1").get(_url(world.group_a1))
    assert response.context["can_edit"] is False
    assert edit not in response.text and create not in response.text
    # …but volunteers may count hands.
    assert reverse("idea_vote", args=[board["planned"].pk]) in response.text


def test_empty_board(world):
    text = world.client_for("lead_a").get(_url(world.group_a2)).text
    assert "No ideas yet." in text
    assert text.count("Nothing here yet.") == 4


def test_hostile_titles_are_escaped(world):
    for value in HOSTILE:
        value = value.replace("\x00", "")  # PostgreSQL stores no NUL; forms refuse it
        IdeaFactory(group=world.group_a1, title=value[:200], description=value)
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    assert_escaped(response)


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404


def test_missing_group_is_404(world):
    response = world.client_for("lead_a").get(reverse("idea_board", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "funder", "outsider"])
def test_coordinators_and_others_get_403(world, persona):
    """The board names participants: not for programme coordinators."""
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_coordinator_who_volunteers_elsewhere_still_gets_403(world):
    """Holding a working role in another group does not open this group's board."""
    from tests.factories import Role, grant_role

    coordinator = world.users["coordinator"]
    grant_role(coordinator, Role.VOLUNTEER, world.group_b1)
    assert world.client_for("coordinator").get(_url(world.group_a1)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("facilitator_a1").post(_url(world.group_a1)).status_code == 405


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[3, 30], ids=["3 ideas", "30 ideas"])
def many_ideas(request, world):
    group = world.group_a1
    staff = world.users["facilitator_a1"]
    people = [participant_in(group, full_name=f"Person {n}") for n in range(3)]
    meeting = MeetingFactory(group=group, day=dt.date(2026, 1, 6), status="held")
    for n in range(request.param - 1):  # plus world.idea_a1
        idea = IdeaFactory(
            group=group,
            title=f"Idea {n}",
            status=["idea", "planned", "done", "reviewed"][n % 4],
            proposed_by=people[n % 3] if n % 2 else None,
            proposed_by_staff=None if n % 2 else staff,
            meeting=meeting if n % 4 >= 2 else None,
        )
        idea.organisers.add(*people[: n % 3])
    return request.param


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1"])
def test_query_count(world, many_ideas, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(7):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue (the
        #    user's roles in it come from 3.: works in it? may edit?)
        # 5. the ideas, joined with proposer (participant or staff) and meeting
        # 6. the organisers of those ideas (one prefetch)
        response = client.get(_url(world.group_a1))
    assert response.context["idea_count"] == many_ideas
