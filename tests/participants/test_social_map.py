"""GET /social-map/ — the social maps of the user's organisations, by city, filtered by
kind; edit links where the user may change the entry."""

import pytest
from django.urls import reverse

from tests.factories import SocialServiceFactory, city

URL = "/social-map/"


def test_public_path():
    assert reverse("social_map") == URL


@pytest.fixture
def entries(world):
    SocialServiceFactory(
        organisation=world.org_a,
        city=city("GM0599"),
        name="Moskee Mevlana",
        kind="mosque",
        contact_person="Imam Yusuf",
        phone="010 123 4567",
        email="info@mevlana.example",
        website="https://mevlana.example/",
        address="Kerkstraat 1",
        offers_speakers=True,
        notes="Friday after prayers",
    )
    SocialServiceFactory(organisation=world.org_a, city=city("GM0344"), name="Buurtteam Utrecht")
    SocialServiceFactory(organisation=world.org_b, name="Welzijn Den Haag", kind="welfare")


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "volunteer_a1"])
def test_entries_of_the_users_organisation_by_city(world, entries, persona):
    response = world.client_for(persona).get(URL)
    assert response.status_code == 200
    names = [entry.name for entry in response.context["entries"]]
    assert names == ["Huisartsenpraktijk Oost", "Moskee Mevlana", "Buurtteam Utrecht"]
    text = response.text
    assert "Welzijn Den Haag" not in text
    assert text.index(">Rotterdam</h2>") < text.index(">Utrecht</h2>")
    assert "Imam Yusuf" in text
    assert 'href="tel:0101234567"' in text
    assert 'href="mailto:info@mevlana.example"' in text
    assert 'href="https://mevlana.example/"' in text
    assert "gives talks/workshops" in text
    assert "Friday after prayers" in text


def test_other_organisation_sees_only_its_own(world, entries):
    response = world.client_for("facilitator_b1").get(URL)
    assert [entry.name for entry in response.context["entries"]] == ["Welzijn Den Haag"]
    assert "Huisartsenpraktijk Oost" not in response.text


def test_filter_by_kind(world, entries):
    response = world.client_for("lead_a").get(URL, {"kind": "mosque"})
    assert [entry.name for entry in response.context["entries"]] == ["Moskee Mevlana"]
    response = world.client_for("lead_a").get(URL, {"kind": "church"})
    assert response.context["entries"] == []
    assert "Nothing of this kind on the social map yet." in response.text


@pytest.mark.parametrize("value", ["nonsense", "<script>alert(1)</script>", "x" * 5000, "\x00"])
def test_bad_filter_shows_everything(world, entries, value):
    response = world.client_for("lead_a").get(URL, {"kind": value})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3
    assert "<script>alert(1)</script>" not in response.text


def test_empty_map(world):
    response = world.client_for("facilitator_b1").get(URL)
    assert "The social map is still empty." in response.text


def test_edit_links_only_for_writers(world, entries):
    edit = reverse("social_service_edit", args=[world.service_a.pk])
    create = reverse("social_service_create")
    for persona in ["lead_a", "facilitator_a1"]:
        text = world.client_for(persona).get(URL).text
        assert edit in text
        assert create in text
    text = world.client_for("volunteer_a1").get(URL).text
    assert edit not in text
    assert create not in text


def test_hostile_entry_is_escaped(world):
    SocialServiceFactory(
        organisation=world.org_a,
        name="<script>alert(1)</script>",
        notes='"><img src=x onerror=alert(1)>',
    )
    text = world.client_for("lead_a").get(URL).text
    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "funder"])
def test_no_staff_role_gets_403(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(URL).status_code == 405


@pytest.fixture(params=[1, 20], ids=["1 entry", "20 entries"])
def many(request, world):
    for n in range(request.param - 1):
        SocialServiceFactory(organisation=world.org_a, name=f"Entry {n}")
    return request.param


@pytest.mark.parametrize("persona", ["lead_a", "facilitator_a1", "volunteer_a1"])
def test_query_count(world, many, persona, warm, django_assert_num_queries):
    client = world.client_for(persona)
    warm(client, URL)
    with django_assert_num_queries(5):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the entries through visible_to, joined with city and organisation
        # 5. the organisations whose map the user may change (edit links)
        response = client.get(URL)
    assert len(response.context["entries"]) == many
