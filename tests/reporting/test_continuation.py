"""The continuation plan of a group: edit with steps, optimistic locking, follow-up
funding, ticking steps off, and who may do it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.models import ContinuationPlan, ContinuationStep
from stetapp.dates import short_datetime
from tests.factories import ApplicationFactory, Role, UserFactory, grant_role


def plan_url(group):
    return reverse("continuation_plan", args=[group.pk])


def toggle_url(step):
    return reverse("continuation_step_toggle", args=[step.pk])


def plan_data(plan=None, *, steps=(), existing=(), **overrides):
    """A full POST of the plan form: `existing` are (step, changes) pairs for the saved
    steps, `steps` dicts for new ones."""
    data = {
        "version": plan.version if plan else 0,
        "route": "independent",
        "status": "agreed",
        "summary": "Two participants take over.",
        "room": "Community centre De Middelland",
        "volunteers": "Two participants as volunteer leads",
        "volunteer_leads": 2,
        "steps-TOTAL_FORMS": len(existing) + len(steps),
        "steps-INITIAL_FORMS": len(existing),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for index, (step, changes) in enumerate(existing):
        row = {
            "id": step.pk,
            "plan": step.plan_id,
            "description": step.description,
            "owner": step.owner,
            "due_on": step.due_on.isoformat(),
            "done_on": step.done_on.isoformat() if step.done_on else "",
            **changes,
        }
        data.update({f"steps-{index}-{k}": v for k, v in row.items()})
    for offset, step in enumerate(steps):
        index = len(existing) + offset
        data.update({f"steps-{index}-{k}": v for k, v in step.items()})
    data.update(overrides)
    return data


# --- view and save -------------------------------------------------------------------------


def test_page_shows_the_saved_plan_and_steps(world):
    response = world.client_for("facilitator_a1").get(plan_url(world.group_a1))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Embed the group in the organisation" in body
    assert "Ask the board" in body
    assert response.context["form"]["version"].value() == 1
    assert "style=" not in body


def test_save_plan_with_steps(world):
    client = world.client_for("facilitator_a1")
    plan = world.plan_a1
    new_step = {
        "description": "Train two volunteer leads",
        "owner": "Fatma",
        "due_on": "2026-10-01",
    }
    data = plan_data(plan, existing=[(world.step_a1, {"owner": "Lead A"})], steps=[new_step])
    response = client.post(plan_url(world.group_a1), data)
    assert response.status_code == 302
    assert response.url == plan_url(world.group_a1)
    plan.refresh_from_db()
    assert plan.route == "independent"
    assert plan.status == "agreed"
    assert plan.volunteer_leads == 2
    assert plan.room == "Community centre De Middelland"
    assert plan.version == 2
    assert plan.updated_by == world.users["facilitator_a1"]
    assert [(s.description, s.owner, s.due_on) for s in plan.steps.all()] == [
        ("Train two volunteer leads", "Fatma", dt.date(2026, 10, 1)),
        ("Ask the board", "Lead A", dt.date(2026, 12, 1)),
    ]


def test_delete_a_step(world):
    data = plan_data(world.plan_a1, existing=[(world.step_a1, {"DELETE": "on"})])
    response = world.client_for("lead_a").post(plan_url(world.group_a1), data)
    assert response.status_code == 302
    assert not ContinuationStep.objects.filter(pk=world.step_a1.pk).exists()


def test_first_save_creates_the_plan(world):
    group = world.group_a2
    client = world.client_for("lead_a")
    response = client.get(plan_url(group))
    assert "This group has no continuation plan yet." in response.content.decode()
    assert response.context["form"]["version"].value() == 0
    step = {"description": "Look for a room", "owner": "Lead", "due_on": "2026-08-01"}
    response = client.post(plan_url(group), plan_data(steps=[step], route="new_group"))
    assert response.status_code == 302
    plan = ContinuationPlan.objects.get(group=group)
    assert plan.route == "new_group"
    assert plan.version == 1
    assert [s.description for s in plan.steps.all()] == ["Look for a room"]


def test_empty_post_shows_errors(world):
    response = world.client_for("facilitator_a1").post(plan_url(world.group_a1), {})
    assert response.status_code == 200
    assert response.context["form"].errors["route"]
    world.plan_a1.refresh_from_db()
    assert world.plan_a1.version == 1


def test_step_needs_owner_and_due_date(world):
    step = {"description": "Ask the municipality", "owner": "", "due_on": ""}
    response = world.client_for("lead_a").post(
        plan_url(world.group_a1), plan_data(world.plan_a1, steps=[step])
    )
    assert response.status_code == 200
    errors = response.context["steps"].errors[0]
    assert "owner" in errors
    assert "due_on" in errors
    assert world.plan_a1.steps.count() == 1


def test_stale_version_is_a_conflict_and_loses_nothing(world):
    client = world.client_for("facilitator_a1")
    # Someone else saves first: version 1 -> 2.
    world.client_for("lead_a").post(
        plan_url(world.group_a1), plan_data(world.plan_a1, summary="The lead's summary")
    )
    # This edit started from version 1.
    stale = plan_data(world.plan_a1, summary="My summary", room="The library", version=1)
    response = client.post(plan_url(world.group_a1), stale)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this plan while you were editing it." in body
    # Who saved and when (issue 15, item 4).
    plan = ContinuationPlan.objects.get(group=world.group_a1)
    assert f"Last saved on {short_datetime(plan.updated_at)} by {world.users['lead_a']}." in body
    assert "Saved values that differ from yours" in body
    assert "The lead&#x27;s summary" in body
    plan = ContinuationPlan.objects.get(group=world.group_a1)
    assert plan.summary == "The lead's summary"
    assert plan.version == 2
    # What the user typed is still in the form, which now starts from the saved version.
    form = response.context["form"]
    assert form["summary"].value() == "My summary"
    assert form["room"].value() == "The library"
    assert str(form["version"].value()) == "2"
    # Saving again goes through.
    again = plan_data(plan, summary="My summary", room="The library")
    again["version"] = form["version"].value()
    assert client.post(plan_url(world.group_a1), again).status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.room, plan.version) == ("My summary", "The library", 3)


def test_two_first_saves_conflict(world):
    group = world.group_a2
    client = world.client_for("lead_a")
    assert client.post(plan_url(group), plan_data(summary="First")).status_code == 302
    response = client.post(plan_url(group), plan_data(summary="Second"))
    assert response.status_code == 200
    assert "Someone else saved this plan" in response.content.decode()
    assert ContinuationPlan.objects.get(group=group).summary == "First"


def test_a_ticked_step_makes_an_open_form_stale(world):
    client = world.client_for("facilitator_a1")
    opened = plan_data(world.plan_a1, existing=[(world.step_a1, {})])
    client.post(toggle_url(world.step_a1))
    response = client.post(plan_url(world.group_a1), opened)
    assert response.status_code == 200
    world.step_a1.refresh_from_db()
    assert world.step_a1.done_on is not None  # the tick is not undone


# --- follow-up funding -----------------------------------------------------------------------


def test_follow_up_funding_links_the_organisations_applications(world):
    follow_up = ApplicationFactory(
        organisation=world.org_a, fund=world.fund, title="Year two", groups=[world.group_a1]
    )
    other = ApplicationFactory(organisation=world.org_b, fund=world.fund, title="Elsewhere")
    client = world.client_for("lead_a")
    form = client.get(plan_url(world.group_a1)).context["form"]
    choices = set(form.fields["follow_up_applications"].queryset)
    assert follow_up in choices
    assert other not in choices
    data = plan_data(world.plan_a1, follow_up_applications=[follow_up.pk])
    assert client.post(plan_url(world.group_a1), data).status_code == 302
    assert list(world.plan_a1.follow_up_applications.all()) == [follow_up]
    # An application of another organisation cannot be linked.
    data = plan_data(
        ContinuationPlan.objects.get(pk=world.plan_a1.pk), follow_up_applications=[other.pk]
    )
    response = client.post(plan_url(world.group_a1), data)
    assert response.status_code == 200
    assert response.context["form"].errors["follow_up_applications"]


def test_links_the_user_cannot_see_are_kept(world):
    # Facilitators see applications covering their group only.
    hidden = ApplicationFactory(organisation=world.org_a, fund=world.fund, title="Other group")
    world.plan_a1.follow_up_applications.add(hidden)
    client = world.client_for("facilitator_a1")
    form = client.get(plan_url(world.group_a1)).context["form"]
    assert hidden not in set(form.fields["follow_up_applications"].queryset)
    data = plan_data(world.plan_a1, follow_up_applications=[world.application_a.pk])
    assert client.post(plan_url(world.group_a1), data).status_code == 302
    assert set(world.plan_a1.follow_up_applications.all()) == {hidden, world.application_a}


# --- steps: overdue and toggle ----------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)
def test_overdue_steps_are_marked(world):
    ContinuationStep.objects.create(
        plan=world.plan_a1, description="Later", owner="X", due_on=dt.date(2027, 2, 1)
    )
    body = world.client_for("lead_a").get(plan_url(world.group_a1)).content.decode()
    assert body.count(">overdue</span>") == 1  # "Ask the board" was due on 1 December
    group_page = world.client_for("coordinator").get(
        reverse("group_detail", args=[world.group_a1.pk])
    )
    assert "overdue" in group_page.content.decode()


@time_machine.travel(dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC), tick=False)
def test_toggle_marks_done_today_and_back(world):
    client = world.client_for("facilitator_a1")
    response = client.post(toggle_url(world.step_a1))
    assert response.status_code == 302
    assert response.url == plan_url(world.group_a1)
    world.step_a1.refresh_from_db()
    assert world.step_a1.done_on == dt.date(2026, 11, 2)
    world.plan_a1.refresh_from_db()
    assert world.plan_a1.version == 2
    client.post(toggle_url(world.step_a1))
    world.step_a1.refresh_from_db()
    assert world.step_a1.done_on is None


def test_toggle_is_post_only(world):
    assert world.client_for("lead_a").get(toggle_url(world.step_a1)).status_code == 405


# --- access --------------------------------------------------------------------------------


def test_facilitator_of_another_group_gets_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(plan_url(world.group_a1)).status_code == 404
    assert client.post(toggle_url(world.step_a1)).status_code == 404
    world.step_a1.refresh_from_db()
    assert world.step_a1.done_on is None


def test_lead_of_another_organisation_gets_404(world):
    lead_b = UserFactory(email="lead.b@example.org")
    grant_role(lead_b, Role.PROJECT_LEAD, world.org_b)
    client = Client()
    client.force_login(lead_b)
    assert client.get(plan_url(world.group_a1)).status_code == 404
    assert client.post(toggle_url(world.step_a1)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_others_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(plan_url(world.group_a1)).status_code == 403
    assert client.post(plan_url(world.group_a1), plan_data(world.plan_a1)).status_code == 403
    assert client.post(toggle_url(world.step_a1)).status_code == 403
    world.plan_a1.refresh_from_db()
    assert world.plan_a1.version == 1


def test_volunteer_who_facilitates_elsewhere_cannot_edit(world):
    grant_role(world.users["volunteer_a1"], Role.FACILITATOR, world.group_a2)
    client = world.client_for("volunteer_a1")
    assert client.get(plan_url(world.group_a1)).status_code == 403
    assert client.post(toggle_url(world.step_a1)).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(plan_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_group_page_shows_the_earliest_open_step(world, django_assert_num_queries):
    from reporting.sections import continuation_section

    ContinuationStep.objects.filter(plan=world.plan_a1).update(done_on=dt.date(2026, 11, 1))
    ContinuationStep.objects.create(
        plan=world.plan_a1,
        description="Done first",
        owner="A",
        due_on=dt.date(2026, 1, 1),
        done_on=dt.date(2026, 1, 2),
    )
    ContinuationStep.objects.create(
        plan=world.plan_a1, description="Open later", owner="B", due_on=dt.date(2027, 3, 1)
    )
    ContinuationStep.objects.create(
        plan=world.plan_a1, description="Open next", owner="C", due_on=dt.date(2027, 2, 1)
    )
    with django_assert_num_queries(1):  # the plan joined to its open steps
        plan = continuation_section(group=world.group_a1, standing=frozenset())["continuation"]
    assert (plan.pk, plan.next_step, plan.next_step_due, plan.next_step_owner) == (
        world.plan_a1.pk,
        "Open next",
        dt.date(2027, 2, 1),
        "C",
    )
    # Every step done: the plan, without a next step.
    ContinuationStep.objects.filter(plan=world.plan_a1).update(done_on=dt.date(2026, 12, 1))
    plan = continuation_section(group=world.group_a1, standing=frozenset())["continuation"]
    assert (plan.pk, plan.next_step, plan.next_step_due) == (world.plan_a1.pk, None, None)
    # No plan at all.
    assert continuation_section(group=world.group_a2, standing=frozenset())["continuation"] is None
