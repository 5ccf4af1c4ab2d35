"""GET/POST /groups/<pk>/edit/ — the project lead of the group's organisation changes it."""

import datetime as dt

import pytest
from django.urls import reverse

from groups.models import Group, Role
from tests.factories import city, grant_role


def _url(group):
    return reverse("group_edit", args=[group.pk])


def _data(group, **overrides):
    data = {
        "name": group.name,
        "city": group.city_id,
        "community": group.community,
        "composition": group.composition,
        "languages": group.languages,
        "target_size": group.target_size,
        "status": group.status,
        "start_date": "",
        "end_date": "",
        "venue": group.venue_id or "",
    }
    data.update(overrides)
    return data


def test_get_shows_the_form_without_organisation(world):
    response = world.client_for("lead_a").get(_url(world.group_a1))
    assert response.status_code == 200
    form = response.context["form"]
    assert "organisation" not in form.fields
    assert form.initial["name"] == "Group A1"
    assert "Edit Group A1" in response.text


def test_changes_are_saved(world):
    group = world.group_a1
    response = world.client_for("lead_a").post(
        _url(group),
        _data(
            group,
            name="Turkse vrouwen Feijenoord",
            city=city("GM0518").pk,
            status="ended",
            languages=["tr"],
            start_date="2024-09-01",
            end_date="2025-06-30",
            venue="",
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("group_detail", args=[group.pk])
    group.refresh_from_db()
    assert group.name == "Turkse vrouwen Feijenoord"
    assert group.city.cbs_code == "GM0518"
    assert (group.status, group.languages) == ("ended", ["tr"])
    assert (group.start_date, group.end_date) == (dt.date(2024, 9, 1), dt.date(2025, 6, 30))
    assert group.venue is None
    assert group.organisation == world.org_a


def test_organisation_cannot_be_changed(world):
    group = world.group_a1
    response = world.client_for("lead_a").post(
        _url(group), _data(group, organisation=world.org_b.pk)
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.organisation == world.org_a


def test_success_message(world):
    client = world.client_for("lead_a")
    response = client.post(_url(world.group_a2), _data(world.group_a2), follow=True)
    assert "Changes saved." in response.text


def test_duplicate_name_in_the_organisation(world):
    response = world.client_for("lead_a").post(
        _url(world.group_a2), _data(world.group_a2, name="Group A1")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Group with this Organisation and Name already exists."
    ]
    assert Group.objects.get(pk=world.group_a2.pk).name == "Group A2"


def test_venue_of_another_organisation_is_rejected(world):
    response = world.client_for("lead_a").post(
        _url(world.group_a2), _data(world.group_a2, venue=world.venue_b.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["venue"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Group.objects.get(pk=world.group_a2.pk).venue is None


def test_end_before_start_is_not_saved(world):
    response = world.client_for("lead_a").post(
        _url(world.group_a1),
        _data(world.group_a1, start_date="2025-03-04", end_date="2025-03-01"),
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert Group.objects.get(pk=world.group_a1.pk).start_date is None


def test_lead_of_organisation_b_gets_404(world, lead_b):
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.group_a1)).status_code == 404
    response = client.post(_url(world.group_a1), _data(world.group_a1, name="Taken over"))
    assert response.status_code == 404
    assert Group.objects.get(pk=world.group_a1.pk).name == "Group A1"


def test_lead_elsewhere_who_works_in_the_group_gets_403(world, lead_b):
    # lead_b may see A1 (as its facilitator) but not change it: read-only, so 403.
    grant_role(lead_b, Role.FACILITATOR, world.group_a1)
    client = world.client_for("anonymous")
    client.force_login(lead_b)
    assert client.get(_url(world.group_a1)).status_code == 403
    assert client.post(_url(world.group_a1), _data(world.group_a1, name="X")).status_code == 403
    assert Group.objects.get(pk=world.group_a1.pk).name == "Group A1"


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "coordinator", "funder"]
)
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.group_a1)).status_code == 403
    assert client.post(_url(world.group_a1), _data(world.group_a1, name="X")).status_code == 403
    assert Group.objects.get(pk=world.group_a1.pk).name == "Group A1"


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_missing_group_is_404(world):
    assert world.client_for("lead_a").get(reverse("group_edit", args=[999_999])).status_code == 404


def test_wrong_method(world):
    assert world.client_for("lead_a").delete(_url(world.group_a1)).status_code == 405
