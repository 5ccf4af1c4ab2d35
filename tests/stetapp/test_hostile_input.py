"""Hostile input on every form of the foundation: never a 500, never unescaped markup,
nothing saved when invalid (T8, the deterministic part)."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Group, Organisation, Venue
from stetapp.text import clean_text
from tests.helpers import HOSTILE

# HOSTILE (tests/helpers.py): markup, injection, size, script and control characters,
# the 49 strings of issue 15, item 1.


def _group_payload(world, value):
    return {
        "organisation": world.org_a.pk,
        "name": value,
        "city": world.org_a.city_id,
        "community": value,
        "composition": "women",
        "status": "running",
        "target_size": "15",
        "languages": ["tr", value],
        "start_date": value,
    }


@pytest.mark.parametrize("value", HOSTILE)
def test_group_create(world, value):
    before = Group.objects.count()
    response = world.client_for("lead_a").post(
        reverse("group_create"), _group_payload(world, value)
    )
    assert response.status_code == 200  # the form again, with errors
    assert Group.objects.count() == before
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_group_edit(world, value):
    response = world.client_for("lead_a").post(
        reverse("group_edit", kwargs={"pk": world.group_a1.pk}), _group_payload(world, value)
    )
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()
    world.group_a1.refresh_from_db()
    for text in (world.group_a1.name, world.group_a1.community):
        assert clean_text(text, multiline=False) == text


@pytest.mark.parametrize("value", HOSTILE)
def test_venue_create(world, value):
    before = Venue.objects.count()
    response = world.client_for("lead_a").post(
        reverse("venue_create", kwargs={"organisation_pk": world.org_a.pk}),
        {
            "name": value,
            "address": value,
            "postcode": value,
            "city": value,
            "capacity": value,
            "notes": value,
        },
    )
    assert response.status_code == 200
    assert Venue.objects.count() == before


@pytest.mark.parametrize("value", HOSTILE)
def test_organisation_edit(world, value):
    response = world.client_for("coordinator").post(
        reverse("organisation_edit", kwargs={"pk": world.org_a.pk}),
        {"name": value, "city": value, "kvk_number": value},
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=world.org_a.pk).name == "Organisation A"


@pytest.mark.parametrize("value", HOSTILE)
def test_invite(world, value):
    response = world.client_for("lead_a").post(
        reverse("organisation_people", kwargs={"pk": world.org_a.pk}),
        {"email": value, "full_name": value, "role": value, "group": value},
    )
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_import(world, value):
    header = "organisation,city,group name,community,composition,status"
    content = header + "\n" + ",".join([value] * 6) + "\n"
    upload = SimpleUploadedFile("groups.csv", content.encode("utf-8", "surrogatepass"))
    before = Group.objects.count()
    response = world.client_for("lead_a").post(reverse("group_import"), {"file": upload})
    assert response.status_code == 200
    assert Group.objects.count() == before
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_group_list_filters(world, value):
    response = world.client_for("coordinator").get(
        reverse("group_list"),
        {
            "city": value,
            "organisation": value,
            "status": value,
            "composition": value,
            "community": value,
            "page": value,
        },
    )
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_sign_in_and_language(db, client, value):
    # Each string is one failed sign-in: forget the earlier ones, or the sign-in limit
    # (ACCOUNT_RATE_LIMITS) answers 429 before the form sees the string.
    cache.clear()
    assert (
        client.post(reverse("account_login"), {"login": value, "password": value}).status_code
        == 200
    )
    assert (
        client.post(reverse("set_language"), {"language": value, "next": value}).status_code == 302
    )
