"""POST /applications/<pk>/status/ — one step along the status flow; a step that is not
allowed goes back to the application with the reason."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import ApplicationFactory


def _url(application):
    return reverse("application_status", args=[application.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(world):
    return ApplicationFactory(organisation=world.org_a, fund=world.fund)


def test_submits_a_draft(world, draft):
    response = world.client_for("lead_a").post(_url(draft), {"status": "submitted"})
    assert response.status_code == 302
    assert response["Location"] == reverse("application_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.submitted_on is not None
    assert _messages(response) == ["The application is now submitted."]


def test_a_disallowed_jump_changes_nothing(world, draft):
    response = world.client_for("lead_a").post(_url(draft), {"status": "closed"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert _messages(response) == ["An application that is draft cannot become closed."]


@pytest.mark.parametrize("status", ["granted", "partly_granted"])
def test_granting_goes_through_the_grant_page(world, draft, status):
    """A grant needs its amount and period: the status button leads to the grant page
    and changes nothing by itself."""
    response = world.client_for("lead_a").post(_url(draft), {"status": status})
    assert response.status_code == 302
    assert response["Location"] == reverse("grant_edit", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("data", [{}, {"status": ""}, {"status": "<script>"}])
def test_empty_or_unknown_status_goes_back_with_an_error(world, draft, data):
    response = world.client_for("lead_a").post(_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert _messages(response) == ["Choose the application's next status."]


def test_other_organisations_application_is_404(world):
    other = ApplicationFactory(organisation=world.org_b)
    assert world.client_for("lead_a").post(_url(other), {"status": "submitted"}).status_code == 404


@pytest.mark.parametrize(
    "persona", ["facilitator_a1", "facilitator_b1", "volunteer_a1", "coordinator", "funder"]
)
def test_other_roles_are_refused(world, draft, persona):
    response = world.client_for(persona).post(_url(draft), {"status": "submitted"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_get_is_not_allowed(world, draft):
    assert world.client_for("lead_a").get(_url(draft)).status_code == 405
