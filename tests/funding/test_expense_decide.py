import pytest
from django.urls import reverse

from funding.models import ExpenseStatus
from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


def url(expense):
    return reverse("expense_decide", kwargs={"pk": expense.pk})


@pytest.mark.parametrize(
    "decision, status", [("approve", ExpenseStatus.APPROVED), ("reject", ExpenseStatus.REJECTED)]
)
def test_lead_decides(world, login, decision, status):
    lead = world.users["lead_a"]
    response = login(lead).post(url(world.expense_a1), {"decision": decision})
    assert response.status_code == 302
    assert response.url == reverse("expense_list")
    world.expense_a1.refresh_from_db()
    assert world.expense_a1.status == status
    assert world.expense_a1.decided_by == lead
    assert world.expense_a1.decided_at is not None


@pytest.mark.parametrize(
    "data", [{}, {"decision": "maybe"}, {"decision": "\x00"}, {"decision": "x" * 10_000}]
)
def test_missing_or_invalid_decision(world, login, data):
    client = login(world.users["lead_a"])
    response = client.post(url(world.expense_a1), data, follow=True)
    assert response.status_code == 200
    assert "Choose whether to approve or reject" in response.content.decode()
    world.expense_a1.refresh_from_db()
    assert world.expense_a1.status == ExpenseStatus.SUBMITTED


def test_already_decided(world, login):
    client = login(world.users["lead_a"])
    client.post(url(world.expense_a1), {"decision": "approve"})
    response = client.post(url(world.expense_a1), {"decision": "reject"}, follow=True)
    assert "already decided" in response.content.decode()
    world.expense_a1.refresh_from_db()
    assert world.expense_a1.status == ExpenseStatus.APPROVED


def test_other_organisation_is_404(world, login):
    other = ExpenseFactory(group=world.group_b1)
    assert login(world.users["lead_a"]).post(url(other), {"decision": "approve"}).status_code == 404


@pytest.mark.parametrize(
    "persona", ["facilitator_a1", "facilitator_b1", "volunteer_a1", "coordinator", "funder"]
)
def test_others_cannot_decide(world, persona):
    assert (
        world.client_for(persona).post(url(world.expense_a1), {"decision": "approve"}).status_code
        == 403
    )
    world.expense_a1.refresh_from_db()
    assert world.expense_a1.status == ExpenseStatus.SUBMITTED


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).get(url(world.expense_a1)).status_code == 405


def test_a_site_administrator_may_decide_as_the_list_offers(world, login):
    """One rule (Expense.objects.approvable_by) for the list's buttons and the decision:
    the list offered site administrators the buttons that the decision then refused."""
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    client = login(admin)
    assert url(world.expense_a1) in client.get(reverse("expense_list")).content.decode()
    assert client.post(url(world.expense_a1), {"decision": "approve"}).status_code == 302
    world.expense_a1.refresh_from_db()
    assert world.expense_a1.status == ExpenseStatus.APPROVED
