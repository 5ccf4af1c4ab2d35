from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ExpenseFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db

URL = reverse("expense_list")


def _expense(world, group=None, **kwargs):
    return ExpenseFactory(
        group=group or world.group_a1, submitted_by=world.users["facilitator_a1"], **kwargs
    )


def test_lead_sees_expenses_totals_and_decision_buttons(world, login):
    _expense(world, amount=Decimal("1234.50"), status="approved", description="Tea and biscuits")
    _expense(world, group=world.group_b1, description="Other organisation's outing")
    response = login(world.users["lead_a"]).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tea and biscuits" in text and "Ingredients for cooking together" in text
    assert "Other organisation" not in text
    assert "€1,234.50" in text
    assert reverse("expense_decide", kwargs={"pk": world.expense_a1.pk}) in text
    assert reverse("expense_receipt", kwargs={"pk": world.expense_a1.pk}) in text
    totals = {t["status"]: t for t in response.context["totals"]}
    assert totals["submitted"]["count"] == 1 and totals["submitted"]["total"] == Decimal("42.50")
    assert totals["approved"]["total"] == Decimal("1234.50")
    assert totals["rejected"]["count"] == 0


def test_facilitator_sees_own_groups_without_decision_buttons(world, login):
    _expense(world, group=world.group_a2, description="Group A2 costs")
    response = login(world.users["facilitator_a1"]).get(URL)
    text = response.content.decode()
    assert "Ingredients for cooking together" in text
    assert "Group A2 costs" not in text
    assert reverse("expense_decide", kwargs={"pk": world.expense_a1.pk}) not in text


def test_facilitator_b1_sees_nothing_of_a(world, login):
    text = login(world.users["facilitator_b1"]).get(URL).content.decode()
    assert "Ingredients for cooking together" not in text


def test_filter_by_group_and_status(world, login):
    _expense(world, group=world.group_a2, description="Group A2 costs", status="approved")
    client = login(world.users["lead_a"])
    text = client.get(URL, {"group": world.group_a2.pk}).content.decode()
    assert "Group A2 costs" in text and "Ingredients for cooking together" not in text
    text = client.get(URL, {"status": "submitted"}).content.decode()
    assert "Group A2 costs" not in text and "Ingredients for cooking together" in text


@pytest.mark.parametrize(
    "params",
    [
        {"group": "abc"},
        {"status": "nonsense"},
        {"group": "999999"},
        {"page": "x"},
        {"group": "\x00"},
    ],
)
def test_bad_filters_do_not_break(world, login, params):
    assert login(world.users["lead_a"]).get(URL, params).status_code == 200


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_descriptions_escaped(world, login, hostile):
    _expense(world, description=hostile.replace("\x00", "")[:200])  # as the form stores it
    assert_escaped(login(world.users["lead_a"]).get(URL))


@pytest.mark.parametrize("n", [3, 30])
def test_query_count(world, login, warm, django_assert_num_queries, n):
    for _ in range(n - 1):
        _expense(world)
    client = login(world.users["lead_a"])
    warm(client, URL)
    # session, user, roles (access rule), the user's groups as ids (groups.access
    # .group_scope, once per request: what the list filters by first), totals per
    # status, count (paginator), page of expenses with their groups, the lead's
    # organisations, groups for the filter
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_403(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).post(URL).status_code == 405
