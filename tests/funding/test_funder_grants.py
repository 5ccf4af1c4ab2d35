import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from funding.models import GrantPayment
from meetings.models import Attendance
from tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    ExpenseFactory,
    FundFactory,
    GrantFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("funder_grants")


def test_grants_of_the_fund_with_totals(world, login):
    GrantPayment.objects.create(
        grant=world.grant_a,
        received_on=dt.date(2026, 1, 5),
        amount=Decimal("2500.00"),
        note="private note",
    )
    ExpenseFactory(
        group=world.group_a1,
        grant=world.grant_a,
        amount=Decimal("510.00"),
        category="room",
        status="approved",
        description="Secret description",
    )
    ExpenseFactory(
        group=world.group_a1,
        grant=world.grant_a,
        amount=Decimal("70.00"),
        category="room",
        status="rejected",
    )
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 2, 2), status="held")
    MeetingFactory(
        group=world.group_a1, day=dt.date(2025, 2, 2), status="held"
    )  # before the period
    other_fund = GrantFactory(
        application=ApplicationFactory(
            organisation=world.org_b, fund=FundFactory(name="Other fund")
        )
    )
    response = login(world.users["funder"]).get(URL)
    assert response.status_code == 200
    items = response.context["items"]
    assert [i["grant"] for i in items] == [world.grant_a]
    item = items[0]
    assert item["received"] == Decimal("2500.00")
    assert item["spent"] == Decimal("510.00")
    room = {r.category: r for r in item["rows"]}["room"]
    assert room.budgeted == Decimal("500.00") and room.overspent
    assert item["condition"]["held"] == 1 and item["condition"]["minimum"] == 10
    text = response.content.decode()
    assert "Organisation A" in text and "€2,500.00" in text and "+2.0 %" in text
    for secret in (
        "Secret description",
        "private note",
        "Ingredients",
        "Fatma",
        world.participant_a1.full_name,
    ):
        assert secret not in text
    assert other_fund.application.organisation.name not in text


def _grants(world, n):
    for _ in range(n):
        application = ApplicationFactory(
            organisation=world.org_b, fund=world.fund, groups=[world.group_b1]
        )
        BudgetLineFactory(application=application, category="catering")
        grant = GrantFactory(application=application)
        GrantPayment.objects.create(
            grant=grant, received_on=dt.date(2026, 1, 1), amount=Decimal("1")
        )
        ExpenseFactory(group=world.group_b1, grant=grant, status="approved")
    MeetingFactory(group=world.group_b1, day=dt.date(2026, 5, 5), status="held")


@pytest.mark.parametrize("n", [1, 6])
def test_query_count(world, login, warm, django_assert_num_queries, n):
    _grants(world, n)
    client = login(world.users["funder"])
    warm(client, URL)
    # session, user, roles (access rule), grants with organisation and fund, payments
    # (sum per grant), budget (sum per application and category), approved spending (sum
    # per application and category), held meetings (count per grant)
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert len(response.context["items"]) == n + 1


@time_machine.travel(dt.datetime(2026, 7, 2, 12, tzinfo=dt.UTC), tick=False)
def test_held_meetings_by_the_one_rule(world, login):
    """Held is Meeting.objects.held (docs/decisions.md 26), as on the budget page."""
    for day in (dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        meeting = MeetingFactory(group=world.group_a1, day=day)
        Attendance.objects.create(meeting=meeting, guest_name="Guest", status="present")
    MeetingFactory(group=world.group_a1, day=dt.date(2026, 8, 1), status="held")
    items = login(world.users["funder"]).get(URL).context["items"]
    assert items[0]["condition"]["held"] == 2


def test_a_six_month_grant_asks_for_half_a_year_of_meetings(world, login):
    """The grant's minimum is per year (Grant.required_meetings), as in the fund report."""
    world.grant_a.period_end = dt.date(2026, 6, 30)
    world.grant_a.save(update_fields=["period_end"])
    items = login(world.users["funder"]).get(URL).context["items"]
    assert items[0]["condition"]["minimum"] == 5


def test_meetings_of_two_grants_counted_apart(world, login):
    _grants(world, 2)
    items = login(world.users["funder"]).get(URL).context["items"]
    assert [i["condition"]["held"] for i in items if i["grant"] != world.grant_a] == [1, 1]


@pytest.mark.parametrize(
    "persona", ["lead_a", "facilitator_a1", "volunteer_a1", "coordinator", "outsider"]
)
def test_other_roles_403(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["funder"]).post(URL).status_code == 405
