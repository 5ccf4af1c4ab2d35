"""GET/POST /applications/new/ — a project lead starts an application for one of the
organisation's funds and groups."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import FundingApplication
from tests.helpers import HOSTILE_SAMPLE

URL = reverse("application_create")


def _data(world, **extra):
    data = {
        "organisation": world.org_a.pk,
        "fund": world.fund.pk,
        "title": "Tea together",
        "groups": [world.group_a1.pk, world.group_a2.pk],
        "amount_requested": "7500.00",
        "deadline": "2026-09-01",
    }
    data.update(extra)
    return data


def test_creates_a_draft(world):
    response = world.client_for("lead_a").post(URL, _data(world))
    application = FundingApplication.objects.get(title="Tea together")
    assert response.status_code == 302
    assert response["Location"] == reverse("application_detail", args=[application.pk])
    assert application.status == "draft"
    assert application.organisation == world.org_a
    assert application.amount_requested == Decimal("7500.00")
    assert application.created_by == world.users["lead_a"]
    assert set(application.groups.all()) == {world.group_a1, world.group_a2}


def test_get_offers_only_the_leads_organisation_and_groups(world):
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Organisation A" in text
    assert "Organisation B" not in text
    assert "Group B1" not in text


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"fund": ""},
        {"amount_requested": "-1"},
        {"amount_requested": "a lot"},
        {"deadline": "someday"},
        {"organisation": "org_b"},
        {"groups": ["group_b1"]},
    ],
)
def test_bad_input_rerenders_and_saves_nothing(world, bad):
    resolved = {
        key: world.org_b.pk
        if value == "org_b"
        else [world.group_b1.pk]
        if value == ["group_b1"]
        else value
        for key, value in bad.items()
    }
    response = world.client_for("lead_a").post(URL, _data(world, **resolved))
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not FundingApplication.objects.filter(title="Tea together").exists()


def test_empty_post_rerenders(world):
    assert world.client_for("lead_a").post(URL, {}).status_code == 200


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLE)
def test_hostile_titles_never_fail(world, hostile):
    response = world.client_for("lead_a").post(URL, _data(world, title=hostile))
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["facilitator_a1", "volunteer_a1", "coordinator", "funder", "outsider"]
)
def test_other_roles_are_refused(world, persona):
    assert world.client_for(persona).post(URL, _data(world)).status_code == 403
    assert not FundingApplication.objects.filter(title="Tea together").exists()


def test_put_is_not_allowed(world):
    assert world.client_for("lead_a").put(URL).status_code == 405
