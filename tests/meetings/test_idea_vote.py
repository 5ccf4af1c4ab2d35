"""POST /ideas/<pk>/vote/ — one hand more or fewer on an idea (htmx: the card comes back)."""

import pytest
from django.urls import reverse

from meetings.models import Idea
from tests.factories import IdeaFactory


def _url(idea):
    return reverse("idea_vote", args=[idea.pk])


def _votes(idea):
    return Idea.objects.get(pk=idea.pk).votes


@pytest.mark.parametrize("persona", ["volunteer_a1", "facilitator_a1", "lead_a"])
def test_a_hand_more_by_default_and_back_to_the_board(world, persona):
    idea = world.idea_a1
    response = world.client_for(persona).post(_url(idea))
    assert response.status_code == 302
    assert response.url == reverse("idea_board", args=[idea.group_id]) + f"#idea-{idea.pk}"
    assert _votes(idea) == 1


@pytest.mark.parametrize(("delta", "expected"), [("1", 4), ("+1", 4), ("-1", 2), (" -1 ", 2)])
def test_plus_and_minus(world, delta, expected):
    idea = IdeaFactory(group=world.group_a1, votes=3)
    world.client_for("facilitator_a1").post(_url(idea), {"delta": delta})
    assert _votes(idea) == expected


def test_never_below_zero(world):
    client = world.client_for("facilitator_a1")
    response = client.post(_url(world.idea_a1), {"delta": "-1"})
    assert response.status_code == 302
    assert _votes(world.idea_a1) == 0


def test_never_above_the_maximum(world):
    idea = IdeaFactory(group=world.group_a1, votes=999)
    world.client_for("facilitator_a1").post(_url(idea), {"delta": "1"})
    assert _votes(idea) == 999


def test_htmx_gets_the_card(world):
    idea = world.idea_a1
    response = world.client_for("volunteer_a1").post(
        _url(idea), {"delta": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(f'<article id="idea-{idea.pk}"')
    assert "1 hand" in text
    assert "a participant: Ayse Demir" in text
    assert "<html" not in text
    assert reverse("idea_edit", args=[idea.pk]) not in text  # a volunteer does not edit


def test_htmx_card_has_the_edit_link_for_the_facilitator(world):
    idea = world.idea_a1
    response = world.client_for("facilitator_a1").post(
        _url(idea), {"delta": "1"}, headers={"HX-Request": "true"}
    )
    assert reverse("idea_edit", args=[idea.pk]) in response.text


@pytest.mark.parametrize("delta", ["5", "2", "-2", "abc", "<script>", "nul\x00", "x" * 10_000])
def test_bad_delta_is_400_and_counts_nothing(world, delta):
    response = world.client_for("facilitator_a1").post(_url(world.idea_a1), {"delta": delta})
    assert response.status_code == 400
    assert _votes(world.idea_a1) == 0


def test_idea_of_another_group_is_404(world):
    assert world.client_for("facilitator_b1").post(_url(world.idea_a1)).status_code == 404
    assert _votes(world.idea_a1) == 0


def test_missing_idea_is_404(world):
    response = world.client_for("lead_a").post(reverse("idea_vote", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "funder", "outsider"])
def test_no_working_role_gets_403(world, persona):
    assert world.client_for(persona).post(_url(world.idea_a1)).status_code == 403
    assert _votes(world.idea_a1) == 0


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(_url(world.idea_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_get_is_not_allowed(world):
    assert world.client_for("facilitator_a1").get(_url(world.idea_a1)).status_code == 405
