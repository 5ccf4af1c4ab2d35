"""POST /participants/<pk>/status/ — move a candidate through the recruitment funnel."""

import pytest
from django.urls import reverse

from tests.helpers import HOSTILE_SAMPLE


def _url(participant):
    return reverse("participant_status", args=[participant.pk])


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.wsgi_request._messages]


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_change_status(world, persona):
    p = world.participant_a1
    response = world.client_for(persona).post(_url(p), {"status": "waiting_list"})
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[p.pk])
    assert _messages(response) == [("success", "Status changed to “waiting list”.")]
    p.refresh_from_db()
    assert p.status == "waiting_list"
    assert p.version == 2


@pytest.mark.parametrize("value", ["", "vanished", *HOSTILE_SAMPLE])
def test_invalid_status_redirects_with_an_error(world, value):
    p = world.participant_a1
    response = world.client_for("facilitator_a1").post(_url(p), {"status": value})
    assert response.status_code == 302
    assert response.url == reverse("participant_detail", args=[p.pk])
    assert [level for level, _text in _messages(response)] == ["error"]
    p.refresh_from_db()
    assert (p.status, p.version) == ("joined", 1)


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").post(
        _url(world.participant_a1), {"status": "declined"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "volunteer_a1", "coordinator", "funder"])
def test_other_roles_get_403(world, persona):
    p = world.participant_a1
    assert world.client_for(persona).post(_url(p), {"status": "declined"}).status_code == 403
    p.refresh_from_db()
    assert p.status == "joined"


def test_out_of_scope_is_404(world):
    p = world.participant_a1
    response = world.client_for("facilitator_b1").post(_url(p), {"status": "declined"})
    assert response.status_code == 404
    p.refresh_from_db()
    assert p.status == "joined"


def test_get_is_not_allowed(world):
    assert world.client_for("facilitator_a1").get(_url(world.participant_a1)).status_code == 405
