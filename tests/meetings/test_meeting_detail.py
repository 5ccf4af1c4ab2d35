"""One meeting: when and where, the record, notes for the group's staff only."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import services_planning
from meetings.models import ActivityKind, Icebreaker, Theme

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("meeting_detail", args=[world.meeting_a1.pk])


@pytest.fixture
def recorded(world):
    world.meeting_a1.venue = world.venue_a
    world.meeting_a1.save()
    return services_planning.meeting_record(
        meeting=world.meeting_a1,
        version=world.meeting_a1.version,
        recorded_by=world.users["facilitator_a1"],
        themes=[Theme.objects.for_organisation(world.org_a.pk).first()],
        organisers=[world.participant_a1],
        language="tr",
        icebreaker=Icebreaker.objects.for_organisation(world.org_a.pk).first(),
        activities=[ActivityKind.COOKING],
        guest="Dr. Yilmaz",
        partner=world.service_a,
        notes="Ayse seemed low today; call her.",
    )


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "lead_a"])
def test_staff_see_the_record_and_names(world, login, recorded, persona):
    response = login(world.users[persona]).get(_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Venue A" in content and "10:00" in content
    assert "Turkish" in content and "Cooking and eating together" in content
    assert "Dr. Yilmaz" in content and "Huisartsenpraktijk Oost" in content
    assert "Ayse Demir" in content
    assert reverse("attendance_sheet", args=[world.meeting_a1.pk]) in content


@pytest.mark.parametrize("persona", ["facilitator_a1", "lead_a"])
def test_facilitators_and_the_lead_read_the_confidential_notes(world, login, recorded, persona):
    content = login(world.users[persona]).get(_url(world)).content.decode()
    assert "Ayse seemed low today" in content


def test_volunteers_do_not_read_the_confidential_notes(world, login, recorded):
    """Notes are for the group's facilitators and the project lead (docs/privacy.md);
    a volunteer sees the record and the names, never the notes."""
    content = login(world.users["volunteer_a1"]).get(_url(world)).content.decode()
    assert "Ayse Demir" in content
    assert "Ayse seemed low today" not in content
    assert 'id="notes-heading"' not in content


def test_coordinator_sees_counts_but_no_names_and_no_notes(world, login, recorded):
    response = login(world.users["coordinator"]).get(_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Cooking and eating together" in content
    assert "1 participant" in content
    assert "Ayse" not in content
    assert "call her" not in content
    assert reverse("attendance_sheet", args=[world.meeting_a1.pk]) not in content
    assert reverse("meeting_record", args=[world.meeting_a1.pk]) not in content


def test_planners_get_the_actions_and_volunteers_only_attendance(world, login):
    actions = [
        reverse(name, args=[world.meeting_a1.pk])
        for name in ("meeting_record", "meeting_move", "meeting_cancel")
    ]
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert all(url in content for url in actions)
    content = login(world.users["volunteer_a1"]).get(_url(world)).content.decode()
    assert not any(url in content for url in actions)
    assert reverse("attendance_sheet", args=[world.meeting_a1.pk]) in content


def test_a_clash_is_shown(world, login):
    services_planning.calendar_suggest(organisation=world.org_a, year=2026)
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert "Ramadan – estimated date" in content  # 3 March 2026


def test_a_cancelled_meeting_shows_the_reason_and_no_actions(world, login):
    services_planning.meeting_cancel(meeting=world.meeting_a1, reason="Eid")
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert "Cancelled" in content and "Eid" in content
    assert reverse("meeting_move", args=[world.meeting_a1.pk]) not in content


def test_hostile_record_is_escaped(world, login):
    services_planning.meeting_record(
        meeting=world.meeting_a1,
        version=1,
        recorded_by=None,
        guest="<script>alert(1)</script>",
        notes='"><img src=x onerror=alert(1)>',
    )
    content = login(world.users["facilitator_a1"]).get(_url(world)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "<img src=x" not in content


def test_other_organisation_gets_404(world, login):
    assert login(world.users["facilitator_b1"]).get(_url(world)).status_code == 404
    assert login(world.users["funder"]).get(_url(world)).status_code == 403


def test_unknown_meeting_is_404(world, login):
    url = reverse("meeting_detail", args=[world.meeting_a1.pk + 1000])
    assert login(world.users["facilitator_a1"]).get(url).status_code == 404


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).post(_url(world)).status_code == 405


def test_query_count(world, login, warm, recorded, django_assert_num_queries):
    client = login(world.users["facilitator_a1"])
    warm(client, _url(world))
    # 1 session, 2 user, 3 roles, 4 the meeting by its key with group, organisation
    # and venue (the user's roles in the group come from 3.: one answer for "sees it",
    # "works in it" and "plans it"), 5 organisers, 6 clashes, 7 themes, 8 icebreaker,
    # 9 partner, 10 how many attendance marks are kept aside (offline marks of a moved
    # meeting)
    with django_assert_num_queries(11):
        # + the access log: one INSERT (privacy/access_log.py)
        client.get(_url(world))
    assert dt.date(2026, 3, 3) == world.meeting_a1.date
