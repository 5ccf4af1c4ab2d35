"""GET /groups/<pk>/agreements/ — the rules the group made together."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, AgreementTextFactory
from tests.helpers import HOSTILE, assert_escaped


def _url(group):
    return reverse("agreement_list", args=[group.pk])


@pytest.fixture
def second(world):
    agreement = AgreementFactory(
        group=world.group_a1,
        position=2,
        agreed_on=dt.date(2026, 1, 13),
        text__text="We komen op tijd.",
    )
    AgreementTextFactory(agreement=agreement, language="ar", text="نأتي في الموعد.")
    AgreementTextFactory(agreement=agreement, language="tr", text="Zamanında geliriz.")
    return agreement


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "lead_a"])
def test_agreements_in_order_with_their_languages(world, second, persona):
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.agreement for e in entries] == [world.agreement_a1, second]
    text = response.text
    assert "Wat in de groep gezegd wordt, blijft in de groep." in text
    assert '<p class="mb-0 fs-5" lang="ar" dir="rtl">نأتي في الموعد.</p>' in text
    assert '<p class="mb-0 fs-5" lang="tr" dir="ltr">Zamanında geliriz.</p>' in text
    assert "Arabic" in text and "Turkish" in text and "Dutch" in text
    assert "Agreed on Jan. 13, 2026" in text
    assert reverse("agreement_pdf", args=[world.group_a1.pk]) in text


def test_edit_links_only_for_facilitator_and_lead(world):
    edit = reverse("agreement_edit", args=[world.agreement_a1.pk])
    create = reverse("agreement_create", args=[world.group_a1.pk])
    for persona in ["facilitator_a1", "lead_a"]:
        text = world.client_for(persona).get(_url(world.group_a1)).text
        assert edit in text and create in text
    response = world.client_for("volunteer_a1").get(_url(world.group_a1))
    assert response.context["can_edit"] is False
    assert edit not in response.text and create not in response.text


def test_no_agreements_offers_the_three_basics(world):
    text = world.client_for("lead_a").get(_url(world.group_a2)).text
    assert "The group has not made any agreements yet." in text
    assert "Start with the three basics" in text
    assert reverse("agreement_pdf", args=[world.group_a2.pk]) not in text


def test_volunteer_sees_no_basics_button(world, login):
    from tests.factories import Role, grant_role

    grant_role(world.users["volunteer_a1"], Role.VOLUNTEER, world.group_a2)
    text = world.client_for("volunteer_a1").get(_url(world.group_a2)).text
    assert "Start with the three basics" not in text


def test_hostile_texts_are_escaped(world):
    for value in HOSTILE:
        if value.strip():
            AgreementFactory(group=world.group_a1, text__text=value.replace("\x00", ""))
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    assert_escaped(response)


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "funder", "outsider"])
def test_no_working_role_gets_403(world, persona):
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("facilitator_a1").post(_url(world.group_a1)).status_code == 405


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[2, 12], ids=["2 agreements", "12 agreements"])
def agreements(request, world):
    for n in range(request.param - 1):  # plus world.agreement_a1
        agreement = AgreementFactory(group=world.group_a1, position=n + 2, text__text=f"Rule {n}")
        AgreementTextFactory(agreement=agreement, language="ar", text=f"قاعدة {n}")
    return request.param


def test_query_count(world, agreements, warm, django_assert_num_queries):
    client = world.client_for("facilitator_a1")
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(6):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule)
        # 4. the group by its key, joined with organisation, city and venue (the
        #    user's roles in it come from 3.: works in it? may edit?)
        # 5. the group's agreements
        # 6. their texts (one prefetch)
        response = client.get(_url(world.group_a1))
    assert len(response.context["entries"]) == agreements
