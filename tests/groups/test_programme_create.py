"""A site administrator creates a programme in the app: /programmes/new/, then invites its
first coordinator on the programme's people page."""

import pytest
from django.urls import reverse

from groups.models import Programme
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("programme_create")


@pytest.fixture
def site_admin():
    return UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)


def test_the_form_is_shown(site_admin, login):
    response = login(site_admin).get(URL)
    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["name", "description"]


def test_creates_the_programme_and_goes_to_its_people(site_admin, login):
    response = login(site_admin).post(
        URL, {"name": "  Samen Utrecht ", "description": "Alle groepen in Utrecht"}
    )
    programme = Programme.objects.get(name="Samen Utrecht")
    assert programme.description == "Alle groepen in Utrecht"
    assert list(programme.organisations.all()) == []
    assert response.status_code == 302
    assert response.url == reverse("programme_people", args=[programme.pk])


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": ""}, "name"), ({"name": "Bestaand"}, "name"), ({"name": "x" * 201}, "name")],
)
def test_bad_input_shows_field_errors(site_admin, login, data, field):
    ProgrammeFactory(name="Bestaand")
    response = login(site_admin).post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Programme.objects.filter(name="").count() == 0
    assert Programme.objects.count() == 1


@pytest.mark.parametrize("persona", ["lead_a", "coordinator", "funder", "outsider"])
def test_nobody_but_a_site_administrator(world, persona):
    client = world.client_for(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Nieuw"}).status_code == 403
    assert not Programme.objects.filter(name="Nieuw").exists()


def test_the_staff_flag_alone_is_not_enough(login):
    """The admin's staff flag opens the Django admin, not the set-up pages: those need the
    site administrator (superuser), who sees every programme afterwards."""
    staff = UserFactory(email="staf@example.org", is_staff=True)
    assert login(staff).post(URL, {"name": "Nieuw"}).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response.url
