"""An organisation's own list of communities (issue 15, item 7; docs/decisions.md 47 and
"An organisation's own list of communities"): the project lead adds categories, renames
labels and hides unused ones; typed text maps to the organisation's codes, everything
else to "other"; outputs across organisations count own categories as "other"."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups.communities import (
    DEFAULTS,
    coded_community,
    community_list,
    community_lists,
    shared_coded_community,
)
from groups.models import Group, OrganisationCommunity
from groups.services_communities import (
    ConflictError,
    community_category_add,
    community_category_update,
    community_usage,
)
from stetapp.models import Submission
from tests.factories import participant_in

pytestmark = pytest.mark.django_db

CANARY = "Canary Street 12"


def _add_riffian(world):
    return community_category_add(
        organisation=world.org_a, code="riffian", label_nl="Riffijns", label_en="Riffian"
    )


# --- the mapping ----------------------------------------------------------------------


def test_no_rows_means_the_shared_defaults(world):
    categories = community_list(world.org_a.pk)
    assert categories is DEFAULTS
    assert categories.code("Turks") == "turkish"
    assert categories.code(CANARY) == "other"
    assert categories.code("  ") == ""


def test_own_category_wins_over_a_shared_spelling(world):
    _add_riffian(world)
    categories = community_list(world.org_a.pk)
    # "Riffijns" is a shared spelling of "moroccan"; this organisation counts it apart.
    assert categories.code("riffijns") == "riffian"
    assert categories.code("Riffian") == "riffian"
    assert categories.code("Marokkaans") == "moroccan"
    assert categories.code(CANARY) == "other"
    assert coded_community("Riffijns", categories) == "Riffian"
    # Another organisation's list is unchanged.
    assert community_list(world.org_b.pk).code("riffijns") == "moroccan"


def test_across_organisations_own_categories_count_as_other(world):
    _add_riffian(world)
    lists = community_lists([world.org_a.pk, world.org_b.pk])
    assert lists[world.org_a.pk].shared_code("Riffijns") == "other"
    assert lists[world.org_a.pk].shared_code("Turks") == "turkish"
    assert shared_coded_community("Riffijns", lists[world.org_a.pk]) == "other"
    assert shared_coded_community(CANARY, lists[world.org_b.pk]) == "other"


def test_a_renamed_default_keeps_its_code_and_shows_the_new_label_only_to_its_own(world):
    community_category_update(
        organisation=world.org_a,
        code="turkish",
        label_nl="Turks-Nederlands",
        label_en="Turkish Dutch",
        active=True,
        version=0,
    )
    categories = community_list(world.org_a.pk)
    assert categories.code("Turks") == "turkish"
    assert categories.label("turkish") == "Turkish Dutch"
    # Across organisations the shared label.
    assert shared_coded_community("Turks-Nederlands", categories) == "Turkish"


def test_text_typed_under_a_former_label_keeps_its_code(world):
    category = _add_riffian(world)
    community_category_update(
        organisation=world.org_a,
        code="riffian",
        label_nl="Rifberbers",
        label_en="Rif Berber",
        active=True,
        version=category.version,
    )
    categories = community_list(world.org_a.pk)
    assert categories.code("Riffijns") == "riffian"
    assert categories.code("rifberbers") == "riffian"
    assert categories.label("riffian") == "Rif Berber"


# --- the rules of the list --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "field"),
    [("Turkish", "code"), ("turkish", "code"), ("other", "code"), ("x", "code"), ("1a", "code")],
)
def test_a_code_must_be_new_and_a_slug(world, code, field):
    with pytest.raises(ValidationError) as caught:
        community_category_add(
            organisation=world.org_a, code=code, label_nl="Iets", label_en="Something"
        )
    assert field in caught.value.message_dict


@pytest.mark.parametrize("label", ["Turks", "turkish", "Other", "anders"])
def test_a_label_may_not_be_another_categorys(world, label):
    with pytest.raises(ValidationError) as caught:
        community_category_add(
            organisation=world.org_a, code="newcomers", label_nl=label, label_en=""
        )
    assert "label_nl" in caught.value.message_dict


def test_a_category_needs_a_label(world):
    with pytest.raises(ValidationError) as caught:
        community_category_add(
            organisation=world.org_a, code="newcomers", label_nl=" ", label_en=""
        )
    assert "label_nl" in caught.value.message_dict


def test_hiding_a_category_in_use_is_refused(world):
    # Group A2 is "Moroccan".
    with pytest.raises(ValidationError) as caught:
        community_category_update(
            organisation=world.org_a,
            code="moroccan",
            label_nl="Marokkaans",
            label_en="Moroccan",
            active=False,
            version=0,
        )
    assert "active" in caught.value.message_dict
    assert not OrganisationCommunity.objects.exists()


def test_hiding_a_category_a_participant_has_is_refused(world):
    participant_in(world.group_a1, full_name="Ana", community="Kaapverdisch")
    with pytest.raises(ValidationError):
        community_category_update(
            organisation=world.org_a,
            code="cape_verdean",
            label_nl="Kaapverdisch",
            label_en="Cape Verdean",
            active=False,
            version=0,
        )


def test_an_unused_category_is_hidden_and_no_longer_offered(world):
    community_category_update(
        organisation=world.org_a,
        code="polish",
        label_nl="Pools",
        label_en="Polish",
        active=False,
        version=0,
    )
    offered = [c.code for c in community_list(world.org_a.pk).offered()]
    assert "polish" not in offered and "turkish" in offered and "other" not in offered
    assert "polish" in [c.code for c in community_list(world.org_b.pk).offered()]


def test_an_edit_from_an_old_version_is_a_conflict(world):
    category = _add_riffian(world)
    kwargs = {"organisation": world.org_a, "code": "riffian", "active": True}
    community_category_update(label_nl="A", label_en="", version=category.version, **kwargs)
    with pytest.raises(ConflictError):
        community_category_update(label_nl="B", label_en="", version=category.version, **kwargs)
    assert OrganisationCommunity.objects.get(code="riffian").label_nl == "A"


def test_a_default_changed_twice_from_version_0_is_a_conflict(world):
    kwargs = {"organisation": world.org_a, "code": "polish", "active": True, "version": 0}
    community_category_update(label_nl="Pools", label_en="Polish people", **kwargs)
    with pytest.raises(ConflictError):
        community_category_update(label_nl="Pools", label_en="Poles", **kwargs)


def test_usage_counts_groups_and_participants_by_code(world):
    participant_in(world.group_a1, full_name="Ana", community="Turkse")
    participant_in(world.group_a1, full_name="Bo", community=CANARY)
    usage = community_usage(organisation=world.org_a, categories=community_list(world.org_a.pk))
    group_turkish = Group.objects.filter(organisation=world.org_a, community="Turkish").count()
    assert usage["turkish"].groups == group_turkish
    assert usage["turkish"].participants >= 1
    assert usage["other"].participants >= 1
    assert usage["moroccan"].groups == 1


# --- the pages --------------------------------------------------------------------------


def _page(world):
    return reverse("organisation_communities", args=[world.org_a.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("facilitator_b1", 403),
        ("facilitator_a1", 403),
        ("coordinator", 403),
        ("funder", 403),
        ("lead_a", 200),
    ],
)
def test_only_the_organisations_project_lead_keeps_the_list(world, persona, status):
    assert world.client_for(persona).get(_page(world)).status_code == status


def test_another_organisations_lead_gets_a_404(world, lead_b, login):
    assert login(lead_b).get(_page(world)).status_code == 404


def test_the_page_lists_defaults_own_and_usage(world):
    _add_riffian(world)
    page = world.client_for("lead_a").get(_page(world))
    assert page.status_code == 200
    codes = [row["category"].code for row in page.context["rows"]]
    assert codes[-1] == "other"
    assert {"turkish", "moroccan", "riffian"} <= set(codes)
    assert "Riffian" in page.text


def test_the_page_has_a_fixed_number_of_queries(world, django_assert_num_queries, warm):
    client = world.client_for("lead_a")
    warm(client, _page(world))
    for i in range(5):
        participant_in(world.group_a1, full_name=f"P {i}", community=f"Text {i}")
    # session, user, the user's roles, the organisation (and its visibility check), is it
    # led by the user; the list, the groups' and the participants' communities.
    with django_assert_num_queries(9):
        assert client.get(_page(world)).status_code == 200
    _add_riffian(world)
    with django_assert_num_queries(9):
        assert client.get(_page(world)).status_code == 200


def test_adding_twice_with_the_same_token_saves_once(world):
    client = world.client_for("lead_a")
    url = reverse("community_category_create", args=[world.org_a.pk])
    data = {
        "code": "riffian",
        "label_nl": "Riffijns",
        "label_en": "Riffian",
        "submission_token": str(uuid.uuid4()),
    }
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data)
    assert second.status_code == 302
    assert OrganisationCommunity.objects.filter(code="riffian").count() == 1
    assert Submission.objects.count() == 1


def test_field_errors_are_in_the_users_language(world):
    lead = world.users["lead_a"]
    lead.language = "nl"
    lead.save(update_fields=["language"])
    client = world.client_for("lead_a")
    url = reverse("community_category_create", args=[world.org_a.pk])
    page = client.post(url, {"code": "turkish", "label_nl": "Marokkaans", "label_en": ""})
    assert page.status_code == 200
    assert page.context["form"].errors["code"] == ["Deze code staat al op de lijst."]
    assert page.context["form"].errors["label_nl"] == [
        "Een andere categorie, “Marokkaans”, heeft deze naam al."
    ]
    assert not OrganisationCommunity.objects.exists()


def test_hiding_in_use_on_the_page_is_a_field_error(world):
    client = world.client_for("lead_a")
    url = reverse("community_category_edit", args=[world.org_a.pk, "moroccan"])
    page = client.get(url)
    assert page.context["form"].initial["label_en"] == "Moroccan"
    data = {"label_nl": "Marokkaans", "label_en": "Moroccan", "version": "0"}  # active off
    page = client.post(url, data)
    assert page.status_code == 200
    assert "active" in page.context["form"].errors


def test_a_stale_edit_on_the_page_saves_nothing_and_says_so(world):
    client = world.client_for("lead_a")
    url = reverse("community_category_edit", args=[world.org_a.pk, "polish"])
    data = {"label_nl": "Pools", "label_en": "Polish", "active": "on", "version": "0"}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, data | {"label_en": "Poles"}, follow=True)
    assert "Someone else changed this category" in stale.text
    assert OrganisationCommunity.objects.get(code="polish").label_en == "Polish"


def test_other_has_no_edit_page(world):
    url = reverse("community_category_edit", args=[world.org_a.pk, "other"])
    assert world.client_for("lead_a").get(url).status_code == 404


# --- where a community is typed ----------------------------------------------------------


def test_the_group_form_offers_the_organisations_active_categories(world):
    _add_riffian(world)
    community_category_update(
        organisation=world.org_a,
        code="polish",
        label_nl="Pools",
        label_en="Polish",
        active=False,
        version=0,
    )
    page = world.client_for("lead_a").get(reverse("group_edit", args=[world.group_a1.pk]))
    assert page.status_code == 200
    assert 'list="id_community-choices"' in page.text
    datalist = page.text.split('<datalist id="id_community-choices">')[1].split("</datalist>")[0]
    assert '<option value="Riffian">' in datalist
    assert '<option value="Turkish">' in datalist
    assert "Polish" not in datalist and "other" not in datalist


def test_the_participant_form_offers_them_and_free_text_still_saves(world):
    _add_riffian(world)
    client = world.client_for("facilitator_a1")
    page = client.get(reverse("participant_create"))
    assert '<option value="Riffian">' in page.text
    response = client.post(
        reverse("participant_create"),
        {"full_name": "Lina", "group": world.group_a1.pk, "community": "Buurt Noord"},
    )
    assert response.status_code == 302
    from participants.models import Participant

    assert Participant.objects.get(full_name="Lina").community == "Buurt Noord"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_suggestion_maps_back_to_its_code(world, language):
    """What a form suggests, chosen, is counted under that category."""
    from django.utils import translation

    _add_riffian(world)
    with translation.override(language):
        for categories in (DEFAULTS, community_list(world.org_a.pk)):
            for category in categories.offered():
                assert categories.code(category.label) == category.code, category.label
