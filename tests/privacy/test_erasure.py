"""The erasure of a person (issue 11, item 5; decision 63): one function removes a
participant's personal data everywhere it lives, in one transaction, while the grant
report's totals stay what they were."""

import pytest
from django.apps import apps
from django.db import models

from meetings.models import Attendance, AttendanceTap, FollowUpCall, Idea
from participants.models import Consent, Enrolment, Intake, Participant
from privacy.erasure import (
    PLAN,
    Treatment,
    blank_value,
    erase_participants,
    erased_fields,
)
from privacy.models import Access, Change, Erasure
from privacy.register import REGISTER, Subject
from reporting.models import Administration, Story
from reporting.report import build_grant_report
from tests.privacy.canary import scan_models, scan_tables, seed_canary

pytestmark = pytest.mark.django_db


def _totals(report):
    p, a, m = report.participants, report.attendance, report.meetings
    return {
        "unique": p.unique.n,
        "new": p.new.n,
        "left": p.left.n,
        "marks": a.participant_marks,
        "present": a.participants_present,
        "meetings_with_marks": a.meetings_with_marks,
        "present_with_guests": a.present_with_guests,
        "meetings": repr(m),
        "stories": report.impact.stories_collected,
    }


def test_every_link_to_a_participant_has_a_treatment():
    """A model that gains a link to a participant must say what an erasure does with it."""
    participant = apps.get_model("participants", "Participant")
    links = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.concrete and f.is_relation and f.related_model is participant:
                label = model._meta.label
                if f.many_to_many or label == "participants.Participant":
                    links.add(f"{label}.{f.name}")
                else:
                    links.add(label if PLAN.get(label, ("",))[0] == f.name else f"{label}.{f.name}")
    assert links - set(PLAN) == set()


def test_erased_fields_come_from_the_register():
    for label, (_link, treatment) in PLAN.items():
        if treatment is not Treatment.ANONYMISE:
            continue
        model = apps.get_model(label)
        assert REGISTER[label].subject == Subject.PARTICIPANT
        names = {f.name for f in erased_fields(model)}
        # every free-text personal field goes
        for name in REGISTER[label].personal:
            f = model._meta.get_field(name)
            if isinstance(f, models.CharField | models.TextField) and not f.choices:
                assert name in names, f"{label}.{name}"
        for f in erased_fields(model):
            blank_value(f)  # each has an empty value


def test_the_canary_is_gone_from_every_table_and_the_totals_stay(world):
    person = seed_canary(world)
    seeded = set(scan_tables())
    assert {"participants_participant.full_name", "privacy_change.fields"} <= seeded
    assert len(scan_models()) > 20, "the canary was seeded"
    assert Access.objects.filter(participant_id=person.pk).exists()
    before = _totals(build_grant_report(world.grant_a))

    result = erase_participants(
        participant_ids=[person.pk, 999_999],
        reason="request",
        actor_id=world.users["lead_a"].pk,
        keep_scores=False,
    )

    assert result.erased == [person.pk]
    assert result.missing == [999_999]
    assert scan_models() == []
    assert scan_tables() == []
    assert _totals(build_grant_report(world.grant_a)) == before

    entry = Erasure.objects.get(participant_id=person.pk)
    assert result.references == {person.pk: entry.reference} and entry.reference < 0
    # the logs keep that things happened, about an anonymous reference
    assert not Change.objects.filter(participant_id=person.pk).exists()
    assert not Access.objects.filter(participant_id=person.pk).exists()
    assert Access.objects.filter(participant_id=entry.reference).exists()
    changes = Change.objects.filter(participant_id=entry.reference)
    assert changes.exists()
    assert all(value is None for c in changes for value in c.fields.values())

    shell = Participant.objects.get(pk=person.pk)
    assert shell.full_name == f"#{person.pk}"
    assert (shell.phone, shell.postcode, shell.birth_year) == ("", "", None)
    assert shell.gender == "unknown"
    assert shell.status == "joined" and shell.group_id == world.group_a1.pk
    assert not Consent.objects.filter(participant=person).exists()
    assert not Administration.objects.filter(participant=person).exists()
    assert Intake.objects.get(participant=person).situation == ""
    assert Enrolment.objects.filter(participant=person, left_on__isnull=True).count() == 1
    assert Attendance.objects.filter(participant=person, status="present").count() == 1
    assert Attendance.objects.filter(guest_name="—").count() == 1
    assert AttendanceTap.objects.filter(guest_name="—").count() == 1
    assert FollowUpCall.objects.get(participant=person).notes == ""
    story = Story.objects.get(title="", group=world.group_a1)
    assert story.storyteller_id is None and story.consent_scope == "internal"
    assert Idea.objects.filter(proposed_by=person).count() == 1


def test_scores_can_stay_as_anonymous_scores(world):
    person = seed_canary(world)
    erase_participants(
        participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=True
    )
    (kept,) = Administration.objects.filter(participant=person)
    assert kept.answers == ["yes", "no", "no", "more_or_less", "yes", "no"]
    assert scan_models() == []


def test_erasing_twice_keeps_one_ledger_row_and_changes_nothing_more(world):
    person = seed_canary(world)
    first = erase_participants(
        participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=False
    )
    again = erase_participants(
        participant_ids=[person.pk], reason="retention", actor_id=None, keep_scores=False
    )
    assert again.references == first.references
    assert Erasure.objects.filter(participant_id=person.pk).count() == 1
    assert scan_models() == []


def test_an_erasure_during_a_request_logs_the_reference_not_the_person(world, rf):
    from privacy.access_log import watching

    person = seed_canary(world)
    with watching() as seen:
        list(Consent.objects.filter(participant=person))
        result = erase_participants(
            participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=False
        )
    assert seen.participants == {result.references[person.pk]}


def test_postgresql_refuses_ordinary_changes_before_and_after_an_erasure(world):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    person = seed_canary(world)
    change = Change.objects.filter(participant_id=person.pk).latest("pk")
    access = Access.objects.filter(participant_id=person.pk).latest("pk")
    attempts = (
        lambda: Change.objects.filter(pk=change.pk).update(fields={}),
        lambda: Access.objects.filter(pk=access.pk).delete(),
    )
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    erase_participants(
        participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=False
    )
    assert scan_tables() == []
    # the exception ended with the erasure, even inside the same transaction
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()


def test_a_field_without_an_empty_value_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        blank_value(models.IntegerField(name="count"))


def test_the_ledger_names_numbers_only(world):
    person = seed_canary(world)
    erase_participants(
        participant_ids=[person.pk], reason="request", actor_id=None, keep_scores=False
    )
    entry = Erasure.objects.get()
    assert str(entry) == f"erasure {entry.pk}: participant {person.pk}"
