"""Participant models: scoped querysets, constraints and properties."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from participants.models import Consent, Enrolment, Intake, Participant, SocialService
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    ParticipantFactory,
    Role,
    grant_role,
)

# --- visible_to and editable_by --------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", set()),
        ("outsider", set()),
        ("volunteer_a1", {"Ayse Demir"}),
        ("facilitator_a1", {"Ayse Demir"}),
        ("facilitator_b1", {"Ruth Kromo"}),
        ("lead_a", {"Ayse Demir", "In A2"}),
        ("coordinator", set()),
        ("funder", set()),
    ],
)
def test_visible_to(world, persona, expected):
    from django.contrib.auth.models import AnonymousUser

    ParticipantFactory(group=world.group_a2, full_name="In A2")
    user = world.users.get(persona) or AnonymousUser()
    names = set(Participant.objects.visible_to(user).values_list("full_name", flat=True))
    assert names == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("volunteer_a1", set()),
        ("facilitator_a1", {"Ayse Demir"}),
        ("facilitator_b1", {"Ruth Kromo"}),
        ("lead_a", {"Ayse Demir", "In A2"}),
        ("coordinator", set()),
        ("funder", set()),
        ("outsider", set()),
    ],
)
def test_editable_by(world, persona, expected):
    ParticipantFactory(group=world.group_a2, full_name="In A2")
    names = set(
        Participant.objects.editable_by(world.users[persona]).values_list("full_name", flat=True)
    )
    assert names == expected


def test_coordinator_with_every_other_role_shape_still_sees_no_participant(world):
    """A programme coordinator sees every group of the programme but no person in it."""
    user = world.users["coordinator"]
    assert Participant.objects.visible_to(user).count() == 0
    assert Consent.objects.visible_to(user).count() == 0
    assert Enrolment.objects.visible_to(user).count() == 0
    assert Intake.objects.visible_to(user).count() == 0


def test_history_keeps_former_participants_visible(world):
    p = ParticipantFactory(group=world.group_a2, full_name="Former A1")
    EnrolmentFactory(
        participant=p, group=world.group_a1, left_on=dt.date(2025, 2, 1), leave_reason="moved"
    )
    for persona in ("facilitator_a1", "volunteer_a1"):
        assert p in Participant.objects.visible_to(world.users[persona])
    assert p in Participant.objects.editable_by(world.users["facilitator_a1"])
    assert p not in Participant.objects.editable_by(world.users["volunteer_a1"])


def test_visible_to_has_no_duplicates(world):
    user = world.users["facilitator_a1"]
    # Three ways in at once: the group, the enrolment in it, and the organisation.
    grant_role(user, Role.PROJECT_LEAD, world.org_a)
    assert list(Participant.objects.visible_to(user)).count(world.participant_a1) == 1


def test_among_gives_the_ids_and_the_people_named(world):
    """`among`: the people a query of ids gives, and those a record already names (who
    may have left since), once each, as one IN over a UNION (docs/decisions.md 83)."""
    group_b = Enrolment.objects.filter(group=world.group_b1).values("participant_id")
    b_only = set(Participant.objects.among(group_b))
    assert world.participant_a1 not in b_only and b_only
    both = Participant.objects.among(group_b, also=[world.participant_a1.pk, None])
    assert set(both) == b_only | {world.participant_a1}
    named_twice = Participant.objects.among(group_b, also=[next(iter(b_only)).pk])
    assert sorted(p.pk for p in named_twice) == sorted(p.pk for p in b_only)
    assert "UNION" in str(both.query) and " OR " not in str(both.query)


def test_intakes_are_for_editors_only(world):
    Intake.objects.create(
        participant=world.participant_a1,
        held_on=dt.date(2025, 1, 1),
        location="home",
        conducted_by=world.users["facilitator_a1"],
    )
    assert Intake.objects.visible_to(world.users["facilitator_a1"]).count() == 1
    assert Intake.objects.visible_to(world.users["volunteer_a1"]).count() == 0


def test_social_map_is_per_organisation(world):
    assert list(SocialService.objects.visible_to(world.users["facilitator_a1"])) == [
        world.service_a
    ]
    assert SocialService.objects.visible_to(world.users["facilitator_b1"]).count() == 0


# --- consent uniqueness ----------------------------------------------------------------


def test_one_active_consent_per_purpose(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(participant=world.participant_a1, purpose="phone")


def test_withdrawn_consents_do_not_count(world):
    Consent.objects.filter(pk=world.consent_a1.pk).update(withdrawn_at=timezone.now())
    ConsentFactory(participant=world.participant_a1, purpose="phone")
    ConsentFactory(participant=world.participant_a1, purpose="photos")
    assert world.participant_a1.consents.active().count() == 2
    assert world.participant_a1.consents.count() == 3


# --- enrolment constraints -------------------------------------------------------------


def test_leaving_before_joining_is_impossible(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.filter(participant=world.participant_a1).update(
            left_on=dt.date(2020, 1, 1)
        )


def test_one_open_enrolment_per_group(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(participant=world.participant_a1, group=world.group_a1)


def test_current_enrolments(world):
    left = EnrolmentFactory(
        participant=ParticipantFactory(group=world.group_a1),
        group=world.group_a1,
        left_on=dt.date(2025, 2, 1),
        leave_reason="moved",
    )
    current = set(Enrolment.objects.current(dt.date(2025, 3, 1)))
    assert left not in current
    assert world.participant_a1.enrolments.get() in current
    assert left in set(Enrolment.objects.current(dt.date(2025, 1, 20)))


# --- properties and clean --------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "warning"), [(None, False), (40, True), (54, True), (55, False), (80, False)]
)
def test_age_warning(age, warning):
    year = None if age is None else timezone.localdate().year - age
    participant = Participant(full_name="X", birth_year=year)
    assert participant.age_warning is warning
    assert participant.age() == age


def test_clean_refuses_unknown_languages_and_future_birth_years(world):
    p = Participant(
        group=world.group_a1,
        full_name="X",
        languages=["tr", "klingon"],
        birth_year=timezone.localdate().year + 1,
    )
    with pytest.raises(ValidationError) as error:
        p.full_clean()
    assert set(error.value.message_dict) >= {"languages", "birth_year"}


def test_language_labels():
    assert Participant(languages=["tr", "nl"]).language_labels == ["Turkish", "Dutch"]


def test_str(world):
    assert str(world.participant_a1) == "Ayse Demir"
    assert str(world.consent_a1) == "Ayse Demir · being called by phone"
