"""Cancelling a meeting, with a reason."""

import pytest
from django.urls import reverse

from meetings.models import MeetingStatus
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("meeting_cancel", args=[world.meeting_a1.pk])


def test_get(world, login):
    assert login(world.users["facilitator_a1"]).get(_url(world)).status_code == 200


def test_cancel_with_a_reason(world, login):
    response = login(world.users["facilitator_a1"]).post(_url(world), {"reason": "Eid al-Fitr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("group_meetings", args=[world.group_a1.pk])
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.status == MeetingStatus.CANCELLED
    assert world.meeting_a1.change_reason == "Eid al-Fitr"


def test_cancelling_again_changes_nothing(world, login):
    client = login(world.users["lead_a"])
    client.post(_url(world), {"reason": "Eid al-Fitr"})
    response = client.post(_url(world), {"reason": "Other"})
    assert response.status_code == 302
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.change_reason == "Eid al-Fitr"


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 201}])
def test_a_reason_is_required(world, login, data):
    response = login(world.users["facilitator_a1"]).post(_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.status == MeetingStatus.PLANNED


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(_url(world), {"reason": value})
    assert response.status_code in (200, 302)


def test_roles(world, login):
    for persona, status in [("volunteer_a1", 403), ("coordinator", 403), ("facilitator_b1", 404)]:
        assert login(world.users[persona]).post(_url(world), {"reason": "x"}).status_code == status
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.status == MeetingStatus.PLANNED


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world)).status_code == 405
