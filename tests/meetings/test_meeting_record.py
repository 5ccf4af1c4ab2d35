"""The meeting record: language, themes, icebreaker, activities, guest, partner,
organisers, notes; optimistic locking."""

import pytest
from django.urls import reverse

from meetings import services_planning
from meetings.models import ActivityKind, Icebreaker, MeetingStatus, Theme
from stetapp.dates import short_datetime
from tests.factories import (
    OrganisationFactory,
    SocialServiceFactory,
    participant_in,
)
from tests.helpers import HOSTILE_SAMPLE

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("meeting_record", args=[world.meeting_a1.pk])


def _data(world, **overrides):
    data = {
        "version": world.meeting_a1.version,
        "language": "tr",
        "themes": [Theme.objects.for_organisation(world.org_a.pk).first().pk],
        "other_themes": "Pensions",
        "icebreaker": Icebreaker.objects.for_organisation(world.org_a.pk).first().pk,
        "activities": [ActivityKind.CONVERSATION, ActivityKind.COOKING],
        "guest": "Dr. Yilmaz",
        "partner": world.service_a.pk,
        "organisers": [world.participant_a1.pk],
        "notes": "A good afternoon.",
    }
    data.update(overrides)
    return data


def test_get_offers_the_organisations_choices_only(world, login):
    other = OrganisationFactory()
    Theme.objects.create(name="Theme of another organisation", organisation=other)
    SocialServiceFactory(organisation=other, name="Service elsewhere")
    response = login(world.users["facilitator_a1"]).get(_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ayse Demir" in content  # a current participant of the group
    assert "Ruth Kromo" not in content  # another organisation's participant
    assert "Huisartsenpraktijk Oost" in content
    assert "Theme of another organisation" not in content
    assert "Service elsewhere" not in content
    assert 'name="version"' in content
    form = response.context["form"]
    assert [code for code, _label in form.fields["language"].choices] == ["", "tr", "nl"]


def test_record_a_meeting(world, login):
    response = login(world.users["facilitator_a1"]).post(_url(world), _data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting_detail", args=[world.meeting_a1.pk])
    meeting = world.meeting_a1
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.language == "tr"
    assert meeting.activities == ["conversation", "cooking"]
    assert meeting.guest == "Dr. Yilmaz" and meeting.partner == world.service_a
    assert list(meeting.organisers.all()) == [world.participant_a1]
    assert meeting.themes.count() == 1
    assert meeting.recorded_by == world.users["facilitator_a1"]
    assert meeting.version == 2


def test_a_stale_version_keeps_the_input_and_saves_nothing(world, login):
    client = login(world.users["facilitator_a1"])
    services_planning.meeting_record(
        meeting=world.meeting_a1, version=1, recorded_by=None, guest="Someone else"
    )
    response = client.post(_url(world), _data(world, version=1, guest="My guest"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else saved this meeting" in content
    assert "My guest" in content
    assert response.context["form"]["version"].value() == "2"
    world.meeting_a1.refresh_from_db()
    # When it was saved (issue 15, item 4).
    assert f"Last saved on {short_datetime(world.meeting_a1.updated_at)}." in content
    assert world.meeting_a1.guest == "Someone else"
    # Saving again now works.
    response = client.post(_url(world), _data(world, version=2, guest="My guest"))
    assert response.status_code == 302
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.guest == "My guest"


@pytest.mark.parametrize(
    "overrides",
    [
        {"language": "xx"},
        {"activities": ["juggling"]},
        {"partner": "999999"},
        {"organisers": ["999999"]},
        {"version": ""},
        {"version": "abc"},
        {"other_themes": "x" * 201},
    ],
)
def test_bad_input_rerenders(world, login, overrides):
    response = login(world.users["facilitator_a1"]).post(_url(world), _data(world, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.status == MeetingStatus.PLANNED


def test_choices_of_another_organisation_are_refused(world, login):
    other_service = SocialServiceFactory(organisation=world.org_b)
    outsider = participant_in(world.group_b1, full_name="Someone Else")
    response = login(world.users["facilitator_a1"]).post(
        _url(world), _data(world, partner=other_service.pk, organisers=[outsider.pk])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "partner" in errors and "organisers" in errors


def test_empty_post_shows_errors(world, login):
    response = login(world.users["facilitator_a1"]).post(_url(world), {})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("value", HOSTILE_SAMPLE)
def test_hostile_input_never_fails(world, login, value):
    response = login(world.users["facilitator_a1"]).post(
        _url(world), _data(world, guest=value, notes=value, other_themes=value, language=value)
    )
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_cancelled_meeting_has_nothing_to_record(world, login):
    services_planning.meeting_cancel(meeting=world.meeting_a1, reason="Ill")
    response = login(world.users["facilitator_a1"]).get(_url(world))
    assert response.status_code == 302


def test_roles(world, login):
    for persona, status in [("volunteer_a1", 403), ("coordinator", 403), ("facilitator_b1", 404)]:
        response = login(world.users[persona]).post(_url(world), _data(world))
        assert response.status_code == status
    world.meeting_a1.refresh_from_db()
    assert world.meeting_a1.status == MeetingStatus.PLANNED


def test_wrong_method(world, login):
    assert login(world.users["facilitator_a1"]).put(_url(world)).status_code == 405
