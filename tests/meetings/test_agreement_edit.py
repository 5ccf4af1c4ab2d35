"""GET/POST /agreements/<pk>/edit/ — change an agreement's date, order and texts."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import GroupAgreement
from tests.factories import AgreementTextFactory
from tests.helpers import HOSTILE_SAMPLE, assert_escaped


def _url(agreement):
    return reverse("agreement_edit", args=[agreement.pk])


def _texts(agreement):
    return {t.language: t.text for t in agreement.texts.all()}


def test_form_starts_from_the_agreement_and_keeps_other_languages(world):
    agreement = world.agreement_a1
    AgreementTextFactory(agreement=agreement, language="fa", text="آنچه در گروه گفته می‌شود")
    response = world.client_for("facilitator_a1").get(_url(agreement))
    assert response.status_code == 200
    form = response.context["form"]
    # Dutch, the group's Turkish, then Persian, which the agreement is already written in.
    assert [n for n in form.fields if n.startswith("text_")] == ["text_nl", "text_tr", "text_fa"]
    assert form.initial["text_nl"] == "Wat in de groep gezegd wordt, blijft in de groep."
    assert 'lang="fa"' in response.text and 'dir="rtl"' in response.text


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_edit(world, persona):
    agreement = world.agreement_a1
    data = {
        "agreed_on": "2025-11-04",
        "position": "3",
        "text_nl": "Wat hier gezegd wordt, blijft hier.",
        "text_tr": "Burada söylenen burada kalır.",
    }
    response = world.client_for(persona).post(_url(agreement), data)
    assert response.status_code == 302
    assert response.url == reverse("agreement_list", args=[agreement.group_id])
    agreement.refresh_from_db()
    assert (agreement.agreed_on, agreement.position) == (dt.date(2025, 11, 4), 3)
    assert _texts(agreement) == {
        "nl": "Wat hier gezegd wordt, blijft hier.",
        "tr": "Burada söylenen burada kalır.",
    }


def test_emptying_a_language_removes_it(world):
    agreement = world.agreement_a1
    AgreementTextFactory(agreement=agreement, language="tr", text="Türkçe")
    data = {"agreed_on": "2025-11-04", "position": "1", "text_nl": "Blijft.", "text_tr": ""}
    world.client_for("facilitator_a1").post(_url(agreement), data)
    assert _texts(agreement) == {"nl": "Blijft."}


def test_emptying_every_language_is_an_error(world):
    data = {"agreed_on": "2025-11-04", "position": "1", "text_nl": "", "text_tr": ""}
    response = world.client_for("facilitator_a1").post(_url(world.agreement_a1), data)
    assert response.status_code == 200
    assert "Write the agreement in at least one language." in response.text
    assert _texts(world.agreement_a1)["nl"].startswith("Wat in de groep")


def test_empty_post_rerenders_with_errors(world):
    response = world.client_for("facilitator_a1").post(_url(world.agreement_a1), {})
    assert response.status_code == 200
    assert "agreed_on" in response.context["form"].errors


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, value):
    data = {"agreed_on": "2025-11-04", "text_nl": value}
    response = world.client_for("facilitator_a1").post(_url(world.agreement_a1), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert_escaped(response)


def test_agreement_of_another_group_is_404(world):
    client = world.client_for("facilitator_b1")
    assert client.get(_url(world.agreement_a1)).status_code == 404
    response = client.post(_url(world.agreement_a1), {"agreed_on": "2025-11-04", "text_nl": "x"})
    assert response.status_code == 404


def test_missing_agreement_is_404(world):
    response = world.client_for("lead_a").get(reverse("agreement_edit", args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_read_only_and_other_roles_get_403(world, persona):
    response = world.client_for(persona).post(
        _url(world.agreement_a1), {"agreed_on": "2025-11-04", "text_nl": "x"}
    )
    assert response.status_code == 403
    assert GroupAgreement.objects.get().texts.get().text.startswith("Wat in de groep")


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.agreement_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_delete_is_not_allowed(world):
    assert world.client_for("facilitator_a1").delete(_url(world.agreement_a1)).status_code == 405
