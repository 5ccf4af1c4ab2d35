"""participants.services_records: validation, optimistic locking, consent and enrolment rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants import services_records
from participants.models import Consent, Participant
from tests.factories import ConsentFactory, ParticipantFactory, SocialServiceFactory


@pytest.fixture
def facilitator(world):
    return world.users["facilitator_a1"]


# --- participant_create ----------------------------------------------------------------


def test_create_normalises_and_defaults(world, facilitator):
    p = services_records.participant_create(
        group=world.group_a1, full_name="  Nadia  ", created_by=facilitator, postcode="3072ab"
    )
    assert (p.full_name, p.postcode, p.status, p.version) == ("Nadia", "3072 AB", "contacted", 1)


def test_create_at_a_status(world, facilitator):
    p = services_records.participant_create(
        group=world.group_a1, full_name="N", created_by=facilitator, status="waiting_list"
    )
    assert p.status == "waiting_list"


def test_create_refuses_an_unknown_status(world, facilitator):
    with pytest.raises(ValidationError) as error:
        services_records.participant_create(
            group=world.group_a1, full_name="N", created_by=facilitator, status="lost"
        )
    assert "status" in error.value.message_dict


@pytest.mark.parametrize("field", ["religion", "health_notes"])
def test_create_refuses_sensitive_fields(world, facilitator, field):
    with pytest.raises(ValidationError) as error:
        services_records.participant_create(
            group=world.group_a1, full_name="N", created_by=facilitator, **{field: "x"}
        )
    assert field in error.value.message_dict
    assert not Participant.objects.filter(full_name="N").exists()


def test_create_refuses_unknown_fields(world, facilitator):
    with pytest.raises(TypeError):
        services_records.participant_create(
            group=world.group_a1, full_name="N", created_by=facilitator, version=7
        )


# --- participant_update ----------------------------------------------------------------


def test_update_raises_the_version_and_writes_changes_only(world):
    p = world.participant_a1
    updated = services_records.participant_update(
        by=world.users["lead_a"], participant=p, version=1, phone="06 0000 1111"
    )
    assert (updated.phone, updated.version) == ("06 0000 1111", 2)
    unchanged = services_records.participant_update(
        by=world.users["lead_a"], participant=p, version=2, phone="06 0000 1111"
    )
    assert unchanged.version == 2


def test_update_with_a_stale_version_saves_nothing(world):
    p = world.participant_a1
    services_records.participant_update(
        by=world.users["lead_a"], participant=p, version=1, community="Kurdish"
    )
    with pytest.raises(services_records.ConflictError):
        services_records.participant_update(
            by=world.users["lead_a"], participant=p, version=1, community="Alevi"
        )
    p.refresh_from_db()
    assert (p.community, p.version) == ("Kurdish", 2)


def test_update_needs_consent_for_sensitive_fields(world):
    p = world.participant_a1
    with pytest.raises(ValidationError) as error:
        services_records.participant_update(
            by=world.users["lead_a"], participant=p, version=1, religion="Alevi"
        )
    assert "religion" in error.value.message_dict
    ConsentFactory(participant=p, purpose="religion")
    p = Participant.objects.get(pk=p.pk)
    assert services_records.participant_update(
        by=world.users["lead_a"], participant=p, version=1, religion="Alevi"
    ).religion == ("Alevi")


def test_update_keeps_the_organisation(world):
    with pytest.raises(ValidationError) as error:
        services_records.participant_update(
            by=world.users["lead_a"],
            participant=world.participant_a1,
            version=1,
            group=world.group_b1,
        )
    assert "group" in error.value.message_dict


def test_set_status(world):
    p = services_records.participant_set_status(
        by=world.users["lead_a"], participant=world.participant_a1, status="declined"
    )
    assert (p.status, p.version) == ("declined", 2)
    with pytest.raises(ValidationError):
        services_records.participant_set_status(
            by=world.users["lead_a"], participant=p, status="gone"
        )


# --- consents --------------------------------------------------------------------------


def _consent(world, **overrides):
    data = {
        "participant": world.participant_a1,
        "purpose": "religion",
        "method": "oral",
        "language": "tr",
        "info_version": " 2025-01 ",
        "recorded_by": world.users["facilitator_a1"],
    }
    data.update(overrides)
    return services_records.consent_record(**data)


def test_consent_record(world):
    consent = _consent(world)
    assert (consent.info_version, consent.given_on) == ("2025-01", timezone.localdate())
    assert consent.is_active


def test_consent_record_refuses_a_second_active_one(world):
    _consent(world)
    with pytest.raises(ValidationError) as error:
        _consent(world)
    assert "purpose" in error.value.message_dict
    assert world.participant_a1.consents.filter(purpose="religion").count() == 1


def test_consent_record_refuses_a_future_date(world):
    with pytest.raises(ValidationError) as error:
        _consent(world, given_on=timezone.localdate() + dt.timedelta(days=1))
    assert "given_on" in error.value.message_dict


def test_withdrawing_religion_consent_erases_religion_only(world):
    p = world.participant_a1
    religion = _consent(world)
    _consent(world, purpose="health")
    p = services_records.participant_update(
        by=world.users["lead_a"],
        participant=Participant.objects.get(pk=p.pk),
        version=1,
        religion="Alevi",
        health_notes="Asthma",
    )
    services_records.consent_withdraw(consent=religion, withdrawn_by=world.users["lead_a"])
    p.refresh_from_db()
    assert (p.religion, p.health_notes, p.version) == ("", "Asthma", 3)
    religion.refresh_from_db()
    assert religion.withdrawn_by == world.users["lead_a"]
    assert Consent.objects.filter(pk=religion.pk).exists()  # history kept


def test_withdrawing_other_consents_touches_no_field(world):
    services_records.consent_withdraw(consent=world.consent_a1, withdrawn_by=world.users["lead_a"])
    world.participant_a1.refresh_from_db()
    assert world.participant_a1.version == 1


def test_withdrawing_twice_keeps_the_first_time(world):
    first = services_records.consent_withdraw(
        consent=world.consent_a1, withdrawn_by=world.users["lead_a"]
    )
    again = services_records.consent_withdraw(
        consent=world.consent_a1, withdrawn_by=world.users["facilitator_a1"]
    )
    assert again.withdrawn_at == first.withdrawn_at
    assert again.withdrawn_by == world.users["lead_a"]


# --- intakes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("contacted", "intake_done"),
        ("intake_planned", "intake_done"),
        ("waiting_list", "waiting_list"),
        ("joined", "joined"),
    ],
)
def test_intake_moves_the_funnel_on(world, before, after):
    p = ParticipantFactory(group=world.group_a1, status=before)
    services_records.intake_record(
        participant=p,
        conducted_by=world.users["facilitator_a1"],
        held_on=dt.date(2025, 1, 1),
        location="walk",
    )
    p.refresh_from_db()
    assert p.status == after


def test_intake_cannot_be_recorded_ahead(world):
    with pytest.raises(ValidationError) as error:
        services_records.intake_record(
            participant=world.participant_a1,
            conducted_by=world.users["facilitator_a1"],
            held_on=timezone.localdate() + dt.timedelta(days=7),
            location="walk",
        )
    assert "held_on" in error.value.message_dict


# --- enrolment -------------------------------------------------------------------------


def test_enrol_in_another_organisation_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services_records.participant_enrol(
            by=world.users["lead_a"], participant=world.participant_a1, group=world.group_b1
        )
    assert "group" in error.value.message_dict


def test_enrol_makes_the_group_theirs(world):
    p = ParticipantFactory(group=world.group_a1, status="intake_done")
    enrolment = services_records.participant_enrol(
        by=world.users["lead_a"], participant=p, group=world.group_a2
    )
    assert enrolment.joined_on == timezone.localdate()
    assert (p.group, p.status, p.version) == (world.group_a2, "joined", 2)


def test_leave_keeps_the_row_and_refuses_a_second_leave(world):
    enrolment = world.participant_a1.enrolments.get()
    services_records.enrolment_leave(
        enrolment=enrolment, left_on=dt.date(2025, 5, 1), reason="health", notes="  rest  "
    )
    enrolment.refresh_from_db()
    assert (enrolment.left_on, enrolment.leave_notes) == (dt.date(2025, 5, 1), "rest")
    with pytest.raises(ValidationError):
        services_records.enrolment_leave(
            enrolment=enrolment, left_on=dt.date(2025, 6, 1), reason="died"
        )


def test_leave_refers_only_within_the_organisation(world):
    other = SocialServiceFactory(organisation=world.org_b)
    with pytest.raises(ValidationError) as error:
        services_records.enrolment_leave(
            enrolment=world.participant_a1.enrolments.get(),
            left_on=dt.date(2025, 5, 1),
            reason="moved",
            referred_to=other,
        )
    assert "referred_to" in error.value.message_dict


def test_leave_needs_a_date_after_joining(world):
    with pytest.raises(ValidationError) as error:
        services_records.enrolment_leave(
            enrolment=world.participant_a1.enrolments.get(),
            left_on=dt.date(2024, 5, 1),
            reason="moved",
        )
    assert "left_on" in error.value.message_dict


# --- who raised the version last (docs/decisions.md 46) -------------------------------


def _update(world, p, by):
    services_records.participant_update(
        participant=p, by=by, version=p.version, phone="06 9999 8888"
    )


def _set_status(world, p, by):
    services_records.participant_set_status(participant=p, status="waiting_list", by=by)


def _withdraw(world, p, by):
    consent = ConsentFactory(participant=p, purpose="health")
    services_records.consent_withdraw(consent=consent, withdrawn_by=by)


def _enrol(world, p, by):
    services_records.participant_enrol(participant=p, group=world.group_a2, by=by)


def _intake(world, p, by):
    Participant.objects.filter(pk=p.pk).update(status="contacted")
    services_records.intake_record(
        participant=Participant.objects.get(pk=p.pk),
        conducted_by=by,
        held_on=timezone.localdate(),
        location="home",
    )


@pytest.mark.parametrize("write", [_update, _set_status, _withdraw, _enrol, _intake])
def test_every_write_that_raises_the_version_keeps_who_and_when(world, write):
    """A stale edit names who saved last and when: every service that raises a
    participant's version sets updated_by and updated_at with it."""
    long_ago = timezone.now() - dt.timedelta(days=30)
    Participant.objects.filter(pk=world.participant_a1.pk).update(
        updated_by=world.users["lead_a"], updated_at=long_ago
    )
    p = Participant.objects.get(pk=world.participant_a1.pk)
    by, before = world.users["facilitator_a1"], p.version
    write(world, p, by)
    after = Participant.objects.get(pk=p.pk)
    assert after.version == before + 1
    assert after.updated_by == by
    assert after.updated_at > timezone.now() - dt.timedelta(minutes=1)
