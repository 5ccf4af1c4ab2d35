"""Selection rounds: the list, recording a round, its detail page and marking feedback
as given."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from groups.models import Role
from reporting.models import SelectionRound, Story
from reporting.services_evidence import selection_round_create
from tests.factories import GroupFactory, OrganisationFactory, grant_role

LIST_URL = reverse("selection_list")
CREATE_URL = reverse("selection_create")


def make_story(group, title, **fields):
    defaults = {
        "domain": "support",
        "text": "Text.",
        "significance": "Why.",
        "collected_on": dt.date(2026, 3, 1),
    }
    defaults.update(fields)
    return Story.objects.create(group=group, title=title, **defaults)


def make_round(organisation, group, selected, candidates=(), **fields):
    defaults = {
        "level": "group" if group else "organisation",
        "held_on": dt.date(2026, 6, 1),
        "panel": "Panel",
        "reasons": "Reasons.",
    }
    defaults.update(fields)
    selection = SelectionRound.objects.create(
        organisation=organisation, group=group, selected=selected, **defaults
    )
    selection.candidates.add(selected, *candidates)
    return selection


def round_data(world, candidates, selected, **overrides):
    data = {
        "organisation": world.org_a.pk,
        "group": world.group_a1.pk,
        "level": "group",
        "held_on": "2026-06-10",
        "panel": "Two facilitators and three participants",
        "candidates": [s.pk for s in candidates],
        "selected": selected.pk,
        "reasons": "It shows how someone found her place again.",
        "feedback_given_on": "",
    }
    data.update(overrides)
    return data


def errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def warm(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200


# --- selection_list -----------------------------------------------------------------------


def test_list_shows_visible_rounds_newest_first(world):
    story_b1 = make_story(world.group_b1, "Story of B1")
    round_b1 = make_round(world.org_b, world.group_b1, story_b1)
    older = make_round(
        world.org_a,
        world.group_a1,
        world.story_a1,
        held_on=dt.date(2026, 1, 1),
        feedback_given_on=dt.date(2026, 1, 15),
    )
    response = world.client_for("facilitator_a1").get(LIST_URL)
    assert response.status_code == 200
    assert [r.pk for r in response.context["rounds"]] == [world.selection_a.pk, older.pk]
    content = response.content.decode()
    assert "A place to belong" in content
    assert "Group A1" in content
    assert "feedback still to give" in content
    assert response.context["feedback_to_give"] == 1
    b1_rounds = world.client_for("facilitator_b1").get(LIST_URL).context["rounds"]
    assert [r.pk for r in b1_rounds] == [round_b1.pk]


def test_list_shows_organisation_rounds_to_the_project_lead_only(world):
    story_a2 = make_story(world.group_a2, "Story of A2")
    whole = make_round(world.org_a, None, story_a2, candidates=[world.story_a1])
    lead_rounds = world.client_for("lead_a").get(LIST_URL).context["rounds"]
    assert {r.pk for r in lead_rounds} == {whole.pk, world.selection_a.pk}
    facilitator_rounds = world.client_for("facilitator_a1").get(LIST_URL).context["rounds"]
    assert [r.pk for r in facilitator_rounds] == [world.selection_a.pk]


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_list_is_closed_to_others(world, persona):
    assert world.client_for(persona).get(LIST_URL).status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_list_query_count_is_fixed(world, size, django_assert_num_queries):
    for i in range(size):
        story = make_story(world.group_a1, f"Story {i}")
        make_round(world.org_a, world.group_a1, story, candidates=[world.story_a1])
    client = world.client_for("lead_a")
    warm(client, LIST_URL)
    with django_assert_num_queries(6):
        # + the access log: one INSERT (privacy/access_log.py)
        # 1. the session  2. the user  3. the user's roles (access rule)
        # 4. the lead's scope: the groups of their organisations (groups_worked_in,
        #    docs/decisions.md 83)
        # 5. the rounds with organisation, group, chosen story and number of candidates
        response = client.get(LIST_URL)
    assert len(response.context["rounds"]) == size + 1


# --- selection_create ---------------------------------------------------------------------


def test_form_offers_the_users_organisations_groups_and_stories(world):
    make_story(world.group_b1, "Story of B1")
    form = world.client_for("facilitator_a1").get(CREATE_URL).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_a]
    assert list(form.fields["group"].queryset) == [world.group_a1]
    assert list(form.fields["candidates"].queryset) == [world.story_a1]


def test_form_preselects_the_group_it_was_opened_from(world):
    response = world.client_for("lead_a").get(CREATE_URL, {"group": world.group_a1.pk})
    form = response.context["form"]
    assert form.initial["group"] == world.group_a1.pk
    assert form.initial["organisation"] == world.org_a.pk
    # Not a group of the user's: nothing preselected.
    form = world.client_for("lead_a").get(CREATE_URL, {"group": world.group_b1.pk}).context["form"]
    assert "group" not in form.initial


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_record_a_round(world):
    second = make_story(world.group_a1, "Cooking for the neighbours")
    response = world.client_for("facilitator_a1").post(
        CREATE_URL,
        round_data(world, [world.story_a1, second], second, feedback_given_on="2026-06-20"),
    )
    selection = SelectionRound.objects.exclude(pk=world.selection_a.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("selection_detail", args=[selection.pk])
    assert selection.organisation == world.org_a
    assert selection.group == world.group_a1
    assert selection.selected == second
    assert set(selection.candidates.all()) == {world.story_a1, second}
    assert selection.reasons == "It shows how someone found her place again."
    assert selection.feedback_given_on == dt.date(2026, 6, 20)
    assert selection.recorded_by == world.users["facilitator_a1"]


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_single_candidate_is_enough(world):
    response = world.client_for("lead_a").post(
        CREATE_URL, round_data(world, [world.story_a1], world.story_a1)
    )
    assert response.status_code == 302


def test_empty_post_shows_errors(world):
    response = world.client_for("facilitator_a1").post(CREATE_URL, {})
    assert response.status_code == 200
    assert errors(response, "candidates") == ["Choose at least one candidate story."]
    assert errors(response, "reasons") == ["Write down why the panel chose this story."]
    assert errors(response, "panel") == ["Say who was on the panel."]
    assert SelectionRound.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_reasons_cannot_be_blank(world):
    response = world.client_for("facilitator_a1").post(
        CREATE_URL, round_data(world, [world.story_a1], world.story_a1, reasons="   \n ")
    )
    assert errors(response, "reasons") == ["Write down why the panel chose this story."]


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_the_chosen_story_must_be_a_candidate(world):
    second = make_story(world.group_a1, "Second")
    response = world.client_for("facilitator_a1").post(
        CREATE_URL, round_data(world, [world.story_a1], second)
    )
    assert errors(response, "selected") == ["The chosen story must be one of the candidates."]


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_candidates_must_be_of_the_named_group(world):
    story_a2 = make_story(world.group_a2, "Story of A2")
    response = world.client_for("lead_a").post(
        CREATE_URL, round_data(world, [world.story_a1, story_a2], world.story_a1)
    )
    assert errors(response, "candidates") == ["Choose only stories of this group."]
    # Without a group, the project lead may compare the organisation's groups.
    response = world.client_for("lead_a").post(
        CREATE_URL,
        round_data(world, [world.story_a1, story_a2], story_a2, group="", level="organisation"),
    )
    assert response.status_code == 302


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_facilitator_names_the_group(world):
    response = world.client_for("facilitator_a1").post(
        CREATE_URL, round_data(world, [world.story_a1], world.story_a1, group="", level="funder")
    )
    assert errors(response, "group") == [
        "Choose the group: a round for the whole organisation is for its project lead."
    ]


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_group_round_needs_a_group(world):
    response = world.client_for("lead_a").post(
        CREATE_URL, round_data(world, [world.story_a1], world.story_a1, group="")
    )
    assert errors(response, "group") == ["A round at group level is about one group: choose it."]


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_stories_of_another_organisation_are_not_offered(world):
    story_b1 = make_story(world.group_b1, "Story of B1")
    response = world.client_for("lead_a").post(
        CREATE_URL, round_data(world, [world.story_a1, story_b1], world.story_a1)
    )
    assert errors(response, "candidates")
    assert SelectionRound.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_dates_are_checked(world):
    response = world.client_for("lead_a").post(
        CREATE_URL,
        round_data(world, [world.story_a1], world.story_a1, held_on="2026-07-02"),
    )
    assert errors(response, "held_on") == ["The date cannot be in the future."]
    response = world.client_for("lead_a").post(
        CREATE_URL,
        round_data(world, [world.story_a1], world.story_a1, feedback_given_on="2026-06-01"),
    )
    assert errors(response, "feedback_given_on") == [
        "Feedback cannot be given before the round was held."
    ]


def test_service_refuses_candidates_of_another_organisation(world):
    """A project lead of both organisations can see both; a round is about one."""
    lead = world.users["lead_a"]
    grant_role(lead, Role.PROJECT_LEAD, world.org_b)
    story_b1 = make_story(world.group_b1, "Story of B1")
    with pytest.raises(ValidationError) as exc:
        selection_round_create(
            by=lead,
            organisation=world.org_a,
            group=None,
            level="organisation",
            held_on=dt.date(2026, 6, 1),
            panel="Panel",
            candidates=[world.story_a1, story_b1],
            selected=world.story_a1,
            reasons="Reasons.",
        )
    assert exc.value.message_dict == {"candidates": ["Choose only stories of this organisation."]}


def test_service_refuses_a_group_of_another_organisation(world):
    other = GroupFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as exc:
        selection_round_create(
            by=world.users["lead_a"],
            organisation=world.org_a,
            group=other,
            level="group",
            held_on=dt.date(2026, 6, 1),
            panel="Panel",
            candidates=[world.story_a1],
            selected=world.story_a1,
            reasons="Reasons.",
        )
    assert "group" in exc.value.message_dict


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder"])
def test_create_is_closed_to_others(world, persona):
    response = world.client_for(persona).post(
        CREATE_URL, round_data(world, [world.story_a1], world.story_a1)
    )
    assert response.status_code == 403
    assert SelectionRound.objects.count() == 1


# --- selection_detail ---------------------------------------------------------------------


def detail_url(selection):
    return reverse("selection_detail", args=[selection.pk])


def test_detail_shows_the_round(world):
    second = make_story(world.group_a1, "Cooking together", domain="wellbeing")
    world.selection_a.candidates.add(second)
    response = world.client_for("facilitator_a1").get(detail_url(world.selection_a))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Facilitators and two participants" in content
    assert "It shows what the group means." in content
    assert "Cooking together" in content
    assert reverse("story_detail", args=[second.pk]) in content
    assert reverse("story_detail", args=[world.story_a1.pk]) in content
    assert "feedback still to give" in content
    assert reverse("selection_feedback", args=[world.selection_a.pk]) in content


def test_detail_after_feedback_has_no_button(world):
    world.selection_a.feedback_given_on = dt.date(2026, 6, 15)
    world.selection_a.save(update_fields=["feedback_given_on"])
    response = world.client_for("lead_a").get(detail_url(world.selection_a))
    content = response.content.decode()
    assert "feedback still to give" not in content
    assert reverse("selection_feedback", args=[world.selection_a.pk]) not in content


@pytest.mark.parametrize(
    ("persona", "status"),
    [("facilitator_b1", 404), ("volunteer_a1", 403), ("coordinator", 403), ("funder", 403)],
)
def test_detail_is_closed_to_others(world, persona, status):
    assert world.client_for(persona).get(detail_url(world.selection_a)).status_code == status


# --- selection_feedback -------------------------------------------------------------------


def feedback_url(selection):
    return reverse("selection_feedback", args=[selection.pk])


@time_machine.travel(dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC), tick=False)
def test_mark_feedback_given_today(world):
    response = world.client_for("facilitator_a1").post(feedback_url(world.selection_a))
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.selection_a)
    world.selection_a.refresh_from_db()
    assert world.selection_a.feedback_given_on == dt.date(2026, 7, 1)


def test_feedback_already_given_keeps_its_date(world):
    world.selection_a.feedback_given_on = dt.date(2026, 6, 15)
    world.selection_a.save(update_fields=["feedback_given_on"])
    world.client_for("lead_a").post(feedback_url(world.selection_a))
    world.selection_a.refresh_from_db()
    assert world.selection_a.feedback_given_on == dt.date(2026, 6, 15)


def test_feedback_needs_post(world):
    assert (
        world.client_for("facilitator_a1").get(feedback_url(world.selection_a)).status_code == 405
    )


@pytest.mark.parametrize(
    ("persona", "status"), [("facilitator_b1", 404), ("volunteer_a1", 403), ("funder", 403)]
)
def test_feedback_is_closed_to_others(world, persona, status):
    assert world.client_for(persona).post(feedback_url(world.selection_a)).status_code == status
    world.selection_a.refresh_from_db()
    assert world.selection_a.feedback_given_on is None
