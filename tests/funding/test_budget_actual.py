import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Attendance
from tests.factories import ApplicationFactory, BudgetLineFactory, ExpenseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def url(application):
    return reverse("budget_actual", kwargs={"pk": application.pk})


def _approved(world, amount, category):
    return ExpenseFactory(
        group=world.group_a1,
        submitted_by=world.users["facilitator_a1"],
        grant=world.grant_a,
        amount=Decimal(amount),
        category=category,
        status="approved",
    )


def test_lead_sees_table_chart_and_overspend_warning(world, login):
    BudgetLineFactory(
        application=world.application_a,
        category="catering",
        quantity=Decimal("1"),
        unit_cost=Decimal("100.00"),
    )
    _approved(world, "115.00", "catering")
    _approved(world, "150.00", "room")
    response = login(world.users["lead_a"]).get(url(world.application_a))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Catering is €15.00 over budget (+15.0 %)." in text
    assert "Room rent is" not in text
    assert "€500.00" in text and "€350.00" in text  # room: budgeted, remaining
    assert "<svg" in text and " style=" not in text and "<script>" not in text
    # the submitted expense of the world is not counted
    assert "€42.50" not in text


def test_dutch_amounts(world, login):
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    _approved(world, "1234.50", "room")
    text = login(lead).get(url(world.application_a)).content.decode()
    assert "€ 1.234,50" in text


@time_machine.travel(dt.datetime(2026, 7, 2, 12, tzinfo=dt.UTC), tick=False)
def test_meetings_condition_behind(world, login):
    for day in (dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        MeetingFactory(group=world.group_a1, day=day, status="held")
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 4, 1), status="cancelled")
    MeetingFactory(
        group=world.group_a1, day=dt.date(2025, 12, 1), status="held"
    )  # before the period
    MeetingFactory(group=world.group_b1, day=dt.date(2026, 4, 1), status="held")  # not covered
    response = login(world.users["facilitator_a1"]).get(url(world.application_a))
    condition = response.context["condition"]
    assert condition["held"] == 2 and condition["minimum"] == 10
    assert condition["behind"]
    assert "Behind schedule" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 7, 2, 12, tzinfo=dt.UTC), tick=False)
def test_meetings_condition_counts_held_meetings_by_the_one_rule(world, login):
    """Held is Meeting.objects.held (docs/decisions.md 26): begun meetings with attendance
    count even when nobody marked them held; a meeting still to come does not, whatever
    its status says."""
    for day in (dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        meeting = MeetingFactory(group=world.group_a1, day=day)
        Attendance.objects.create(meeting=meeting, guest_name="Guest", status="present")
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 8, 1), status="held")
    response = login(world.users["lead_a"]).get(url(world.application_a))
    assert response.context["condition"]["held"] == 2


def test_a_two_year_grant_asks_for_two_years_of_meetings(world, login):
    """The grant's minimum is per year (Grant.required_meetings): 10 a year over two years
    is 20, as the fund report says."""
    world.grant_a.period_end = dt.date(2027, 12, 31)
    world.grant_a.save(update_fields=["period_end"])
    response = login(world.users["lead_a"]).get(url(world.application_a))
    assert response.context["condition"]["minimum"] == 20
    assert "the fund asks for at least 20." in response.content.decode()


def test_facilitator_reads_only(world, login):
    response = login(world.users["facilitator_a1"]).get(url(world.application_a))
    assert response.status_code == 200
    assert (
        reverse("grant_edit", kwargs={"pk": world.application_a.pk})
        not in response.content.decode()
    )


def test_without_budget_or_spending(world, login):
    empty = ApplicationFactory(organisation=world.org_a)
    response = login(world.users["lead_a"]).get(url(empty))
    assert response.status_code == 200
    assert response.context["budget"].chart is None


def test_query_count(world, login, warm, django_assert_num_queries):
    client = login(world.users["lead_a"])
    warm(client, url(world.application_a))
    # session, user, roles (access rule), application, budget per category, approved
    # spending per category, grant, held meetings, managed_by check
    with django_assert_num_queries(9):
        client.get(url(world.application_a))


def test_out_of_scope_404(world):
    assert world.client_for("facilitator_b1").get(url(world.application_a)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_403(world, persona):
    assert world.client_for(persona).get(url(world.application_a)).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).post(url(world.application_a)).status_code == 405
