"""GET/POST /groups/<pk>/agreements/new/ — a new agreement, or the three basics."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import AgreementText, GroupAgreement
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(group):
    return reverse("agreement_create", args=[group.pk])


def _texts(agreement):
    return {t.language: t.text for t in agreement.texts.all()}


def test_form_has_a_text_per_language_of_the_group(world):
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    form = response.context["form"]
    # Dutch first, then the group's languages (["tr", "nl"]).
    assert [name for name in form.fields if name.startswith("text_")] == ["text_nl", "text_tr"]
    assert form.fields["text_tr"].label == "Turkish"


def test_rtl_languages_get_dir_rtl(world):
    world.group_a2.languages = ["ar", "ber"]
    world.group_a2.save(update_fields=["languages"])
    response = world.client_for("lead_a").get(_url(world.group_a2))
    assert 'lang="ar"' in response.text and 'dir="rtl"' in response.text
    assert 'name="text_ber"' in response.text


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_create(world, persona):
    data = {
        "agreed_on": "2026-02-03",
        "position": "",
        "text_nl": "We zetten de telefoon op stil.",
        "text_tr": "Telefonları sessize alırız.",
    }
    response = world.client_for(persona).post(_url(world.group_a1), data)
    assert response.status_code == 302
    assert response.url == reverse("agreement_list", args=[world.group_a1.pk])
    agreement = GroupAgreement.objects.exclude(pk=world.agreement_a1.pk).get()
    assert agreement.agreed_on == dt.date(2026, 2, 3)
    assert agreement.position == 2  # at the end
    assert _texts(agreement) == {
        "nl": "We zetten de telefoon op stil.",
        "tr": "Telefonları sessize alırız.",
    }


def test_one_language_is_enough(world):
    data = {"agreed_on": "2026-02-03", "position": "1", "text_nl": "", "text_tr": "Merhaba."}
    world.client_for("facilitator_a1").post(_url(world.group_a1), data)
    agreement = GroupAgreement.objects.exclude(pk=world.agreement_a1.pk).get()
    assert _texts(agreement) == {"tr": "Merhaba."}
    assert agreement.position == 1


def test_no_text_at_all_is_an_error(world):
    data = {"agreed_on": "2026-02-03", "text_nl": "  ", "text_tr": ""}
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), data)
    assert response.status_code == 200
    assert "Write the agreement in at least one language." in response.text
    assert GroupAgreement.objects.count() == 1


def test_empty_post_rerenders_with_errors(world):
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), {})
    assert response.status_code == 200
    assert "agreed_on" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("agreed_on", "not a date"), ("position", "0"), ("position", "x"), ("text_nl", "x" * 1001)],
)
def test_bad_input(world, field, value):
    data = {"agreed_on": "2026-02-03", "text_nl": "Op tijd.", field: value}
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, value):
    data = {"agreed_on": "2026-02-03", "text_nl": value, "text_tr": value}
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), data)
    assert response.status_code in (200, 302)
    page = response if response.status_code == 200 else world.client_for("lead_a").get(response.url)
    assert_escaped(page)


# --- the three basics -------------------------------------------------------------------


def test_start_with_the_three_basics(world):
    client = world.client_for("facilitator_a1")
    group = world.group_a2
    from tests.factories import Role, grant_role

    grant_role(world.users["facilitator_a1"], Role.FACILITATOR, group)
    response = client.post(_url(group), {"basics": "1"})
    assert response.status_code == 302
    assert response.url == reverse("agreement_list", args=[group.pk])
    agreements = list(GroupAgreement.objects.filter(group=group))
    assert [a.position for a in agreements] == [1, 2, 3]
    for agreement in agreements:
        texts = _texts(agreement)
        assert set(texts) == {"nl", "en"}
        assert all(len(text) > 20 for text in texts.values())
    assert "Wat in de groep gezegd wordt" not in " ".join(
        AgreementText.objects.filter(agreement__group=group).values_list("text", flat=True)
    )
    # A second tap adds nothing.
    client.post(_url(group), {"basics": "1"})
    assert GroupAgreement.objects.filter(group=group).count() == 3
    list_page = client.get(response.url)
    assert "Start with the three basics" not in list_page.text


def test_basics_only_when_there_are_none(world):
    response = world.client_for("facilitator_a1").post(_url(world.group_a1), {"basics": "1"})
    assert response.status_code == 302
    assert GroupAgreement.objects.filter(group=world.group_a1).count() == 1


# --- access -----------------------------------------------------------------------------


def test_facilitator_of_another_group_gets_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.group_a1)).status_code == 404
    assert client.post(_url(world.group_a1), {"basics": "1"}).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_read_only_and_other_roles_get_403(world, persona):
    response = world.client_for(persona).post(
        _url(world.group_a1), {"agreed_on": "2026-02-03", "text_nl": "x"}
    )
    assert response.status_code == 403
    assert GroupAgreement.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_put_is_not_allowed(world):
    assert world.client_for("facilitator_a1").put(_url(world.group_a1)).status_code == 405
