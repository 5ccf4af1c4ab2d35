"""GET/POST /programmes/<pk>/organisations/new/ — a coordinator adds an organisation."""

import pytest
from django.urls import reverse

from groups.models import Organisation, Role
from tests.factories import ProgrammeFactory, UserFactory, city, grant_role


def _url(programme):
    return reverse("organisation_create", args=[programme.pk])


def _data(**overrides):
    data = {
        "name": "Stichting Brug Amsterdam-Oost",
        "city": city("GM0363").pk,
        "kvk_number": "90000004",
    }
    data.update(overrides)
    return data


def test_get_shows_the_form(world):
    response = world.client_for("coordinator").get(_url(world.programme))
    assert response.status_code == 200
    assert "Add an organisation to STE programme" in response.text


def test_valid_post_creates_and_adds_to_programme(world):
    client = world.client_for("coordinator")
    response = client.post(_url(world.programme), _data())
    organisation = Organisation.objects.get(name="Stichting Brug Amsterdam-Oost")
    assert response.status_code == 302
    assert response.url == reverse("organisation_detail", args=[organisation.pk])
    assert (organisation.city.name, organisation.kvk_number) == ("Amsterdam", "90000004")
    assert sorted(o.name for o in world.programme.organisations.all()) == [
        "Organisation A",
        "Organisation B",
        "Stichting Brug Amsterdam-Oost",
    ]
    # The coordinator can open it straight away.
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Organisation added to the programme." in page.text


def test_duplicate_name(world):
    response = world.client_for("coordinator").post(
        _url(world.programme), _data(name="Organisation A")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Organisation with this Name already exists."
    ]
    assert Organisation.objects.filter(name="Organisation A").count() == 1


@pytest.mark.parametrize("kvk", ["1234567", "1234567a", "123456789"])
def test_bad_kvk_number(world, kvk):
    response = world.client_for("coordinator").post(_url(world.programme), _data(kvk_number=kvk))
    assert response.status_code == 200
    assert "kvk_number" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Stichting Brug Amsterdam-Oost").exists()


def test_required_fields(world):
    # (A browser always sends at least the CSRF token; an empty body is an unbound form.)
    response = world.client_for("coordinator").post(_url(world.programme), {"kvk_number": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["This field is required."],
        "city": ["This field is required."],
    }


def test_coordinator_of_another_programme_gets_404(world):
    other = UserFactory(email="other.coordinator@example.org")
    grant_role(other, Role.PROGRAMME_COORDINATOR, ProgrammeFactory(name="Other programme"))
    client = world.client_for("anonymous")
    client.force_login(other)
    assert client.get(_url(world.programme)).status_code == 404
    assert client.post(_url(world.programme), _data()).status_code == 404
    assert not Organisation.objects.filter(name="Stichting Brug Amsterdam-Oost").exists()


def test_missing_programme_is_404(world):
    response = world.client_for("coordinator").get(reverse("organisation_create", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "persona", ["outsider", "volunteer_a1", "facilitator_a1", "lead_a", "funder"]
)
def test_other_roles_get_403(world, persona):
    client = world.client_for(persona)
    assert client.get(_url(world.programme)).status_code == 403
    assert client.post(_url(world.programme), _data()).status_code == 403
    assert not Organisation.objects.filter(name="Stichting Brug Amsterdam-Oost").exists()


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(_url(world.programme), _data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method(world):
    assert world.client_for("coordinator").put(_url(world.programme)).status_code == 405
