import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


def url(expense):
    return reverse("expense_receipt", kwargs={"pk": expense.pk})


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
def test_streams_the_receipt(world, persona):
    response = world.client_for(persona).get(url(world.expense_a1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'inline; filename="receipt-{world.expense_a1.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_png_content_type(world, login):
    expense = ExpenseFactory(
        group=world.group_a1, receipt=ContentFile(b"\x89PNG\r\n\x1a\nrest", name="x.png")
    )
    response = login(world.users["lead_a"]).get(url(expense))
    assert response["Content-Type"] == "image/png"
    b"".join(response.streaming_content)


def test_no_receipt_is_404(world, login):
    expense = ExpenseFactory(group=world.group_a1, receipt=None)
    assert login(world.users["lead_a"]).get(url(expense)).status_code == 404


def test_missing_file_is_404(world, login):
    world.expense_a1.receipt.storage.delete(world.expense_a1.receipt.name)
    assert login(world.users["lead_a"]).get(url(world.expense_a1)).status_code == 404


def test_out_of_scope_404(world):
    assert world.client_for("facilitator_b1").get(url(world.expense_a1)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_403(world, persona):
    assert world.client_for(persona).get(url(world.expense_a1)).status_code == 403


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).post(url(world.expense_a1)).status_code == 405
