"""GET/POST /applications/<pk>/edit/ — the application's details and the proposal's
sections (project leads of its organisation)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.forms_applications import SECTION_FIELDS
from tests.factories import ApplicationFactory
from tests.helpers import HOSTILE_SAMPLE


def _url(application):
    return reverse("application_edit", args=[application.pk])


def _data(world, **extra):
    data = {
        "title": "Together in Rotterdam",
        "fund": world.fund.pk,
        "groups": [world.group_a1.pk],
        "amount_requested": "6000.00",
        "deadline": "",
        **{name: f"Text of {name}" for name in SECTION_FIELDS},
    }
    data.update(extra)
    return data


def test_saves_the_sections(world):
    response = world.client_for("lead_a").post(_url(world.application_a), _data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("application_detail", args=[world.application_a.pk])
    world.application_a.refresh_from_db()
    assert world.application_a.risk_analysis == "Text of risk_analysis"
    assert world.application_a.monitoring == "Text of monitoring"
    assert world.application_a.amount_requested == Decimal("6000.00")
    assert world.application_a.organisation == world.org_a


def test_get_shows_the_sections_as_textareas(world):
    response = world.client_for("lead_a").get(_url(world.application_a))
    assert response.status_code == 200
    text = response.content.decode()
    for name in SECTION_FIELDS:
        assert f'<textarea name="{name}"' in text


def test_groups_of_another_organisation_are_refused(world):
    response = world.client_for("lead_a").post(
        _url(world.application_a), _data(world, groups=[world.group_b1.pk])
    )
    assert response.status_code == 200
    assert list(world.application_a.groups.all()) == [world.group_a1]


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_sections_never_fail(world, hostile):
    response = world.client_for("lead_a").post(
        _url(world.application_a), _data(world, introduction=hostile)
    )
    assert response.status_code in (200, 302)


def test_other_organisations_application_is_404(world):
    other = ApplicationFactory(organisation=world.org_b)
    assert world.client_for("lead_a").post(_url(other), _data(world)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["facilitator_a1", "facilitator_b1", "volunteer_a1", "coordinator", "funder"]
)
def test_other_roles_are_refused(world, persona):
    response = world.client_for(persona).post(_url(world.application_a), _data(world))
    assert response.status_code == 403
    world.application_a.refresh_from_db()
    assert world.application_a.risk_analysis == ""


def test_delete_is_not_allowed(world):
    assert world.client_for("lead_a").delete(_url(world.application_a)).status_code == 405
