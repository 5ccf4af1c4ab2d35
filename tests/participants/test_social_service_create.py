"""GET/POST /social-map/new/ — add an entry to the social map of one of the user's
organisations (project leads: their organisations; facilitators: their groups')."""

import pytest
from django.urls import reverse

from participants.models import SocialService
from tests.factories import Role, city, grant_role
from tests.helpers import HOSTILE_SAMPLE, PERSONAS, assert_escaped

URL = "/social-map/new/"


def _payload(world, **changes):
    data = {
        "organisation": world.org_a.pk,
        "name": "Moskee Mevlana",
        "kind": "mosque",
        "city": city("GM0599").pk,
        "contact_person": "Imam Yusuf",
        "phone": "010 123 4567",
        "email": "info@mevlana.example",
        "website": "https://mevlana.example/",
        "address": "Kerkstraat 1",
        "offers_speakers": "on",
        "notes": "Friday after prayers",
    }
    data.update(changes)
    return data


def test_public_path():
    assert reverse("social_service_create") == URL


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1"])
def test_create(world, persona):
    response = world.client_for(persona).post(URL, _payload(world))
    assert response.status_code == 302
    assert response.url == reverse("social_map")
    entry = SocialService.objects.get(name="Moskee Mevlana")
    assert entry.organisation == world.org_a
    assert entry.city.cbs_code == "GM0599"
    assert entry.kind == "mosque"
    assert entry.offers_speakers is True
    assert entry.phone == "010 123 4567"


def test_form_offers_only_the_users_organisations(world):
    form = world.client_for("facilitator_a1").get(URL).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_a]
    assert form.fields["organisation"].initial == world.org_a
    assert form.fields["city"].initial == world.org_a.city_id
    form = world.client_for("facilitator_b1").get(URL).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_b]


def test_coordinated_organisations_are_not_offered(world):
    """A facilitator who also coordinates the programme adds only to their own groups'
    organisation."""
    grant_role(world.users["facilitator_b1"], Role.PROGRAMME_COORDINATOR, world.programme)
    form = world.client_for("facilitator_b1").get(URL).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_b]


def test_volunteering_gives_no_organisation(world):
    grant_role(world.users["facilitator_b1"], Role.VOLUNTEER, world.group_a1)
    form = world.client_for("facilitator_b1").get(URL).context["form"]
    assert list(form.fields["organisation"].queryset) == [world.org_b]


def test_other_organisation_is_refused(world):
    response = world.client_for("facilitator_b1").post(URL, _payload(world))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not SocialService.objects.filter(name="Moskee Mevlana").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "pub"}, "kind"),
        ({"city": "999999"}, "city"),
        ({"email": "not-an-email"}, "email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"phone": "call us"}, "phone"),
        ({"organisation": "abc"}, "organisation"),
    ],
)
def test_bad_input_gives_field_errors(world, changes, field):
    response = world.client_for("lead_a").post(URL, _payload(world, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SocialService.objects.filter(name="Moskee Mevlana").exists()


def test_duplicate_name_in_the_same_city(world):
    response = world.client_for("lead_a").post(URL, _payload(world, name="Huisartsenpraktijk Oost"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert SocialService.objects.filter(name="Huisartsenpraktijk Oost").count() == 1


def test_empty_post(world):
    response = world.client_for("lead_a").post(URL, {})
    assert response.status_code == 200
    assert {"organisation", "name", "kind", "city"} <= set(response.context["form"].errors)


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input(world, value):
    before = SocialService.objects.count()
    response = world.client_for("lead_a").post(
        URL,
        _payload(world, name=value, contact_person=value, notes=value, address=value, kind=value),
    )
    assert response.status_code == 200
    assert_escaped(response)
    assert SocialService.objects.count() == before


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_read_only_or_no_role_gets_403(world, persona):
    client = world.client_for(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _payload(world)).status_code == 403
    assert not SocialService.objects.filter(name="Moskee Mevlana").exists()


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(URL, _payload(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_wrong_method(world):
    assert world.client_for("lead_a").put(URL).status_code == 405


def test_every_persona_is_covered():
    assert set(PERSONAS) == {
        "anonymous",
        "outsider",
        "volunteer_a1",
        "facilitator_a1",
        "facilitator_b1",
        "lead_a",
        "coordinator",
        "funder",
    }


def test_query_count(world, warm, django_assert_num_queries):
    client = world.client_for("facilitator_a1")
    warm(client, URL)
    with django_assert_num_queries(6):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the user's organisations, for the initial choice (at most two)
        # 5. the organisation choices, rendered
        # 6. the cities, rendered
        client.get(URL)
