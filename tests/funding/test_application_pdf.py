"""GET /applications/<pk>/proposal.pdf — the proposal as a PDF. The text is checked, not
the bytes (style.md, PDFs)."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import ApplicationFactory, BudgetLineFactory, CoverageLineFactory


def _url(application):
    return reverse("application_pdf", args=[application.pk])


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_proposal_as_pdf(world):
    application = world.application_a
    application.introduction = "Older migrants in Rotterdam-Zuid are often alone."
    application.save(update_fields=["introduction"])
    BudgetLineFactory(
        application=application,
        category="catering",
        description="Tea and cake",
        quantity=Decimal("3"),
        unit_cost=Decimal("33.33"),
    )
    response = world.client_for("lead_a").get(_url(application))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('inline; filename="proposal-')
    text = _text(response)
    assert "Together in Rotterdam" in text
    assert "Organisation A" in text
    assert "Demo Fund" in text
    assert "Introduction and problem" in text
    assert "Older migrants in Rotterdam-Zuid are often alone." in text
    assert "Subtotal catering" in text
    assert "€599.99" in text  # total costs: 10 × 50.00 + 3 × 33.33
    assert "The coverage is €99.99 short of the costs." in text


def test_an_empty_plan_still_renders(world):
    application = ApplicationFactory(organisation=world.org_a, title="Just started")
    response = world.client_for("lead_a").get(_url(application))
    text = _text(response)
    assert "Just started" in text
    assert "No budget lines yet." in text
    assert "balanced" in text


def test_hostile_text_never_fails(world):
    application = ApplicationFactory(
        organisation=world.org_a, title="<script>alert(1)</script>", team="x" * 10_000
    )
    CoverageLineFactory(application=application, source_name='"><img src=x>')
    response = world.client_for("lead_a").get(_url(application))
    assert response.status_code == 200
    assert "<script>alert(1)</script>" in _text(response)  # shown as text, not run


def test_other_organisations_application_is_404(world):
    other = ApplicationFactory(organisation=world.org_b)
    assert world.client_for("lead_a").get(_url(other)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["facilitator_a1", "facilitator_b1", "volunteer_a1", "coordinator", "funder"]
)
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).get(_url(world.application_a)).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.application_a)).status_code == 405
