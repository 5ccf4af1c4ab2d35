"""GET/POST /groups/new/ — a project lead creates a group in one of their organisations."""

import datetime as dt

import pytest
from django.urls import reverse

from groups.models import Group, Role
from tests.factories import UserFactory, city, grant_role

URL = reverse("group_create")
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def _data(world, **overrides):
    data = {
        "organisation": world.org_a.pk,
        "name": "Koffieochtend Feijenoord",
        "city": city("GM0599").pk,
        "community": "  Turkish   women ",
        "composition": "women",
        "languages": ["tr", "nl"],
        "target_size": 14,
        "status": "preparing",
        "start_date": "2025-03-04",
        "end_date": "",
        "venue": world.venue_a.pk,
    }
    data.update(overrides)
    return data


def test_get_shows_the_form(world):
    response = world.client_for("lead_a").get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert [o.name for o in form.fields["organisation"].queryset] == ["Organisation A"]
    assert [v.name for v in form.fields["venue"].queryset] == ["Venue A"]
    # A lead of exactly one organisation gets it preselected.
    assert form.fields["organisation"].initial == world.org_a
    assert "Organisation B" not in response.text
    assert "Venue B" not in response.text


def test_valid_post_creates_and_redirects(world):
    client = world.client_for("lead_a")
    response = client.post(URL, _data(world))
    group = Group.objects.get(name="Koffieochtend Feijenoord")
    assert response.status_code == 302
    assert response.url == reverse("group_detail", args=[group.pk])
    assert group.organisation == world.org_a
    assert group.city.cbs_code == "GM0599"
    assert group.community == "Turkish women"
    assert (group.composition, group.status, group.target_size) == ("women", "preparing", 14)
    assert group.languages == ["tr", "nl"]
    assert (group.start_date, group.end_date) == (dt.date(2025, 3, 4), None)
    assert group.venue == world.venue_a

    page = client.get(response.url)
    assert "Group “Koffieochtend Feijenoord” created." in page.text


def test_invalid_post_rerenders_with_field_errors(world):
    response = world.client_for("lead_a").post(URL, {"organisation": world.org_a.pk})
    assert response.status_code == 200
    errors = response.context["form"].errors
    required = ["This field is required."]
    assert {field: errors[field] for field in errors} == {
        "name": required,
        "city": required,
        "community": required,
        "composition": required,
        "target_size": required,
        "status": required,
    }
    assert "This field is required." in response.text
    assert Group.objects.count() == 3


def test_errors_in_the_users_language(world):
    dutch_lead = UserFactory(email="leider@example.org", language="nl")
    grant_role(dutch_lead, Role.PROJECT_LEAD, world.org_a)
    client = world.client_for("anonymous")
    client.force_login(dutch_lead)
    response = client.post(URL, {"organisation": world.org_a.pk, "target_size": "many"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["Dit veld is verplicht."]
    assert response.context["form"].errors["target_size"] == ["Voer een geheel getal in."]
    assert "Dit veld is verplicht." in response.text
    assert "This field is required." not in response.text
    assert '<html lang="nl">' in response.text


def test_venue_of_another_organisation_is_rejected(world):
    response = world.client_for("lead_a").post(URL, _data(world, venue=world.venue_b.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["venue"] == [INVALID_CHOICE]
    assert not Group.objects.filter(name="Koffieochtend Feijenoord").exists()


def test_venue_of_the_leads_other_organisation_is_rejected(world):
    # A lead of both A and B may pick either venue, but only one of the group's own.
    grant_role(world.users["lead_a"], Role.PROJECT_LEAD, world.org_b)
    response = world.client_for("lead_a").post(URL, _data(world, venue=world.venue_b.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["venue"] == [
        "Choose a venue of the group's own organisation."
    ]
    assert not Group.objects.filter(name="Koffieochtend Feijenoord").exists()


def test_organisation_of_another_lead_is_not_choosable(world, lead_b):
    response = world.client_for("lead_a").post(
        URL, _data(world, organisation=world.org_b.pk, venue="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [INVALID_CHOICE]
    assert not Group.objects.filter(
        organisation=world.org_b, name="Koffieochtend Feijenoord"
    ).exists()


def test_duplicate_name_in_the_organisation(world):
    response = world.client_for("lead_a").post(URL, _data(world, name="Group A1"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Group with this Organisation and Name already exists."
    ]
    assert Group.objects.filter(name="Group A1").count() == 1


def test_name_used_by_another_organisation_is_fine(world):
    response = world.client_for("lead_a").post(URL, _data(world, name="Group B1"))
    assert response.status_code == 302
    assert sorted(
        Group.objects.filter(name="Group B1").values_list("organisation__name", flat=True)
    ) == [
        "Organisation A",
        "Organisation B",
    ]


def test_end_date_before_start_date(world):
    response = world.client_for("lead_a").post(
        URL, _data(world, start_date="2025-03-04", end_date="2025-03-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "The end date cannot be before the start date."
    ]


def test_unknown_language_is_rejected(world):
    response = world.client_for("lead_a").post(URL, _data(world, languages=["tr", "xx"]))
    assert response.status_code == 200
    assert response.context["form"].errors["languages"] == [
        "Select a valid choice. xx is not one of the available choices."
    ]


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "coordinator", "funder"]
)
def test_only_project_leads(world, persona):
    client = world.client_for(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _data(world)).status_code == 403
    assert Group.objects.count() == 3


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(URL, _data(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert Group.objects.count() == 3


def test_wrong_method(world):
    assert world.client_for("lead_a").put(URL).status_code == 405
