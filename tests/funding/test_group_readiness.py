"""GET /groups/<pk>/readiness/ — the six readiness items and the signalled needs."""

import datetime as dt

import pytest
from django.urls import reverse

from funding.models import NeedSignal, ReadinessCheck
from tests.factories import GroupFactory
from tests.helpers import HOSTILE, assert_escaped

pytestmark = pytest.mark.django_db


def _url(group):
    return reverse("group_readiness", args=[group.pk])


def test_lead_sees_items_progress_and_buttons(world):
    response = world.client_for("lead_a").get(_url(world.group_a1))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 of 6 ready" in body
    assert "<progress" in body and 'value="2"' in body and 'max="6"' in body
    assert "A granted application covers this group." in body
    assert "The group&#x27;s venue is a closed room." in body
    assert body.count('name="key"') == 3
    assert reverse("readiness_tick", args=[world.group_a1.pk]) in body
    assert reverse("need_signal_create", args=[world.group_a1.pk]) in body
    assert "style=" not in body


def test_facilitator_reads_without_buttons(world):
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 of 6 ready" in body
    assert 'name="key"' not in body
    assert reverse("need_signal_create", args=[world.group_a1.pk]) not in body


def test_needs_and_ticks_are_listed(world):
    ReadinessCheck.objects.create(group=world.group_a1, key="composition", note="mixed ages")
    NeedSignal.objects.create(
        group=world.group_a1,
        community="Turkish",
        signs="Men sit alone at the mosque",
        signalled_on=dt.date(2026, 1, 5),
    )
    body = world.client_for("lead_a").get(_url(world.group_a1)).content.decode()
    assert "3 of 6 ready" in body
    assert "mixed ages" in body
    assert "Men sit alone at the mosque" in body


def test_hostile_needs_are_escaped(world):
    for i, text in enumerate(HOSTILE):
        NeedSignal.objects.create(
            group=world.group_a1,
            community=text[:100].replace("\x00", ""),
            signs=text.replace("\x00", ""),
            signalled_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        )
    response = world.client_for("lead_a").get(_url(world.group_a1))
    assert response.status_code == 200
    assert_escaped(response)


def test_other_organisations_group_is_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404
    assert world.client_for("lead_a").get(_url(world.group_b1)).status_code == 404


def test_unknown_group_is_404(world):
    assert (
        world.client_for("lead_a").get(reverse("group_readiness", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("persona", ["volunteer_a1", "coordinator", "funder", "outsider"])
def test_other_roles_are_forbidden(world, persona):
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(_url(world.group_a1)).status_code == 405


@pytest.mark.parametrize("extra", [0, 15])
def test_query_count_is_fixed(world, extra, warm, django_assert_num_queries):
    for i in range(extra):
        NeedSignal.objects.create(
            group=world.group_a1, community="C", signs="s", signalled_on=dt.date(2026, 1, 1)
        )
        GroupFactory(organisation=world.org_a, name=f"Other {i}")
    client = world.client_for("lead_a")
    warm(client, _url(world.group_a1))
    with django_assert_num_queries(8):
        # 1. the session  2. the user  3. the user's roles (access rule)
        # 4. the group by its key, with organisation, city, venue (the user's roles in
        #    it come from 3.: groups.access.roles_in_group)
        # 5. the signalled needs
        # 6-8. readiness: funded groups and closed rooms, facilitator languages, ticks
        response = client.get(_url(world.group_a1))
    assert response.status_code == 200
