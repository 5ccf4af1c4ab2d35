""" "Status since" is the day of the last real status change (issue 12, item 6): choosing
the same status again, joining a second group or recording an intake later does not
move it to the day of the save."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from participants import services_records
from participants.models import Participant
from tests.factories import EnrolmentFactory, GroupFactory, ParticipantFactory

LONG_AGO = dt.datetime(2025, 3, 3, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))


def _since(participant) -> dt.date:
    participant.refresh_from_db()
    return timezone.localtime(participant.status_changed_at).date()


def _candidate(world, status="contacted"):
    person = ParticipantFactory(group=world.group_a1, status=status)
    Participant.objects.filter(pk=person.pk).update(status_changed_at=LONG_AGO)
    person.refresh_from_db()
    return person


def test_choosing_the_same_status_again_changes_nothing(world):
    person = _candidate(world, status="waiting_list")
    services_records.participant_set_status(
        by=world.users["lead_a"], participant=person, status="waiting_list"
    )
    assert _since(person) == dt.date(2025, 3, 3)
    assert person.version == 1


def test_a_real_change_is_dated_today(world):
    person = _candidate(world)
    services_records.participant_set_status(
        by=world.users["lead_a"], participant=person, status="waiting_list"
    )
    assert _since(person) == timezone.localdate()


def test_an_intake_recorded_later_dates_the_change_on_the_intake(world):
    person = _candidate(world)
    held_on = timezone.localdate() - dt.timedelta(days=9)
    services_records.intake_record(
        participant=person,
        conducted_by=world.users["facilitator_a1"],
        held_on=held_on,
        location="home",
    )
    assert person.status == "intake_done"
    assert _since(person) == held_on


def test_joining_is_dated_on_the_day_of_joining_and_a_second_group_keeps_it(world):
    person = _candidate(world, status="intake_done")
    joined_on = timezone.localdate() - dt.timedelta(days=20)
    services_records.participant_enrol(
        by=world.users["lead_a"], participant=person, group=world.group_a1, joined_on=joined_on
    )
    assert _since(person) == joined_on
    services_records.participant_enrol(
        by=world.users["lead_a"], participant=person, group=world.group_a2
    )
    assert _since(person) == joined_on
    assert person.group == world.group_a2


def test_the_page_shows_the_day_of_the_change(world):
    person = _candidate(world, status="waiting_list")
    user = world.users["facilitator_a1"]
    user.language = "nl"
    user.save(update_fields=["language"])
    body = (
        world.client_for("facilitator_a1")
        .get(reverse("participant_detail", args=[person.pk]))
        .content.decode()
    )
    assert "Status sinds" in body
    assert "3 maart 2025" in body


def test_migration_dates_known_changes_back(world):
    joined = _candidate(world, status="joined")
    Participant.objects.filter(pk=joined.pk).update(status_changed_at=timezone.now())
    EnrolmentFactory(participant=joined, group=world.group_a1, joined_on=dt.date(2025, 6, 2))
    old_group = GroupFactory(organisation=world.org_a, name="Old group")
    EnrolmentFactory(
        participant=joined,
        group=old_group,
        joined_on=dt.date(2025, 9, 1),
        left_on=dt.date(2025, 10, 1),
    )
    done = _candidate(world, status="intake_done")
    Participant.objects.filter(pk=done.pk).update(status_changed_at=timezone.now())
    services_records_intake = {
        "participant": done,
        "conducted_by": world.users["facilitator_a1"],
        "location": "home",
    }
    services_records.intake_record(held_on=dt.date(2025, 4, 1), **services_records_intake)
    Participant.objects.filter(pk=done.pk).update(status_changed_at=timezone.now())
    earlier = _candidate(world, status="intake_done")  # already earlier than any record
    services_records.intake_record(
        held_on=dt.date(2025, 5, 1), **{**services_records_intake, "participant": earlier}
    )
    Participant.objects.filter(pk=earlier.pk).update(status_changed_at=LONG_AGO)

    migration = importlib.import_module(
        "participants.migrations.0002_status_since_from_known_dates"
    )
    migration.forwards(apps, None)
    assert _since(joined) == dt.date(2025, 6, 2)  # the open enrolment, not the old one
    assert _since(done) == dt.date(2025, 4, 1)
    assert _since(earlier) == dt.date(2025, 3, 3)
