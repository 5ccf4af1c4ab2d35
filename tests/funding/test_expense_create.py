import os
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.models import Expense
from tests.factories import ApplicationFactory, BudgetLineFactory, GrantFactory, MeetingFactory
from tests.funding.receipt_files import make_image, make_pdf
from tests.helpers import HOSTILE_SAMPLE, assert_escaped

pytestmark = pytest.mark.django_db

URL = reverse("expense_create")
PDF = make_pdf()
PNG = make_image("PNG")


def files_on_disk() -> set[str]:
    root = Path(settings.STETAPP_PRIVATE_MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()}


def data(world, **kwargs):
    values = {
        "group": world.group_a1.pk,
        "spent_on": "2026-03-03",
        "amount": "12.50",
        "description": "Tea and biscuits",
        "category": "catering",
        "grant": world.grant_a.pk,
    }
    values.update(kwargs)
    return {k: v for k, v in values.items() if v is not None}


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_submit_with_receipt(world, persona):
    receipt = SimpleUploadedFile("kassabon Fatma.png", PNG, content_type="image/png")
    response = world.client_for(persona).post(URL, data(world, receipt=receipt))
    assert response.status_code == 302
    expense = Expense.objects.get(description="Tea and biscuits")
    assert expense.amount == Decimal("12.50")
    assert expense.status == "submitted"
    assert expense.submitted_by == world.users[persona]
    assert expense.receipt.name.endswith(".png")
    assert "Fatma" not in expense.receipt.name
    assert os.path.isfile(expense.receipt.path)


def test_suffix_follows_the_content(world, login):
    receipt = SimpleUploadedFile("receipt.pdf", PNG, content_type="application/pdf")
    login(world.users["lead_a"]).post(URL, data(world, receipt=receipt))
    assert Expense.objects.get(description="Tea and biscuits").receipt.name.endswith(".png")


def test_dutch_amount(world, login):
    user = world.users["facilitator_a1"]
    user.language = "nl"
    user.save(update_fields=["language"])
    response = login(user).post(URL, data(world, amount="1.234,50"))
    assert response.status_code == 302, response.context["form"].errors
    assert Expense.objects.get(description="Tea and biscuits").amount == Decimal("1234.50")


def test_with_budget_line_and_meeting(world, login):
    line = world.application_a.budget_lines.get()
    response = login(world.users["facilitator_a1"]).post(
        URL, data(world, budget_line=line.pk, meeting=world.meeting_a1.pk)
    )
    assert response.status_code == 302
    expense = Expense.objects.get(description="Tea and biscuits")
    assert expense.budget_line == line and expense.meeting == world.meeting_a1


@pytest.mark.parametrize(
    "name, content",
    [
        (
            "receipt.pdf",
            # Random bytes, the same on every run (test collection must be deterministic).
            random.Random(7)
            .randbytes(64)
            .replace(b"%", b"x")
            .replace(b"\x89", b"x")
            .replace(b"\xff", b"x"),
        ),
        ("setup.exe", b"MZ\x90\x00\x03" + b"\x00" * 64),
        ("receipt.pdf", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_wrong_file_type(world, login, name, content):
    before = files_on_disk()
    receipt = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = login(world.users["facilitator_a1"]).post(URL, data(world, receipt=receipt))
    assert response.status_code == 200
    assert "Upload a PDF, JPG or PNG file." in response.context["form"].errors["receipt"]
    assert not Expense.objects.filter(description="Tea and biscuits").exists()
    assert files_on_disk() == before


def test_too_large(world, login, settings):
    settings.STETAPP_RECEIPT_MAX_BYTES = 1024
    before = files_on_disk()
    receipt = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = login(world.users["facilitator_a1"]).post(URL, data(world, receipt=receipt))
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"]
    assert not Expense.objects.filter(description="Tea and biscuits").exists()
    assert files_on_disk() == before


def test_empty_file(world, login):
    before = files_on_disk()
    receipt = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")
    response = login(world.users["facilitator_a1"]).post(URL, data(world, receipt=receipt))
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"]
    assert not Expense.objects.filter(description="Tea and biscuits").exists()
    assert files_on_disk() == before


def test_choices_are_the_users_groups(world, login):
    form = login(world.users["facilitator_a1"]).get(URL).context["form"]
    assert list(form.fields["group"].queryset) == [world.group_a1]
    lead_form = login(world.users["lead_a"]).get(URL).context["form"]
    assert set(lead_form.fields["group"].queryset) == {world.group_a1, world.group_a2}


@pytest.mark.parametrize(
    "change",
    [
        {"group": "b1"},
        {"amount": "0"},
        {"amount": "-3"},
        {"amount": "abc"},
        {"spent_on": "yesterday"},
        {"category": "bribes"},
        {"description": "   "},
        {"meeting": "other"},
        {"grant": "other"},
        {"budget_line": "other"},
        {"grant": "a2"},
    ],
)
def test_bad_input(world, login, change):
    other_grant = GrantFactory(
        application=ApplicationFactory(organisation=world.org_b, groups=[world.group_b1])
    )
    a2_grant = GrantFactory(
        application=ApplicationFactory(organisation=world.org_a, groups=[world.group_a2])
    )
    values = {
        "b1": world.group_b1.pk,
        "other": None,
        "a2": a2_grant.pk,
    }
    key, value = next(iter(change.items()))
    if value == "other":
        value = {
            "meeting": MeetingFactory(group=world.group_b1).pk,
            "grant": other_grant.pk,
            "budget_line": BudgetLineFactory(application=other_grant.application).pk,
        }[key]
    else:
        value = values.get(value, value)
    response = login(world.users["lead_a"]).post(URL, data(world, **{key: value}))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Expense.objects.filter(amount=Decimal("12.50"), category="catering").exists()


def test_meeting_of_another_group(world, login):
    meeting = MeetingFactory(group=world.group_a2)
    response = login(world.users["lead_a"]).post(URL, data(world, meeting=meeting.pk, grant=None))
    assert response.context["form"].errors["meeting"]


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_description(world, login, hostile):
    response = login(world.users["facilitator_a1"]).post(URL, data(world, description=hostile))
    assert response.status_code in (200, 302)
    assert_escaped(response)


def test_empty_post(world, login):
    response = login(world.users["facilitator_a1"]).post(URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors["group"]


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_403(world, persona):
    assert world.client_for(persona).post(URL, data(world)).status_code == 403
    assert not Expense.objects.filter(description="Tea and biscuits").exists()


def test_wrong_method(world, login):
    assert login(world.users["lead_a"]).put(URL).status_code == 405
