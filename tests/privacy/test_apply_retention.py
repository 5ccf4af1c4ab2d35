"""apply_retention without --dry-run anonymises what is due through the one erasure
function (privacy/erasure.py), and the intake notes of someone still in contact through
its narrower form, erase_intakes (docs/privacy.md, "Retention"; decision 64)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.models import Intake, Participant
from privacy.models import Change, Erasure
from privacy.retention import add_months, due_items
from reporting.report import build_grant_report
from stetapp import scheduler
from tests.factories import EnrolmentFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NOTE = "Canary-intake-5d1c lives alone since her husband died"


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _contact(person, day: dt.date) -> None:
    Participant.objects.filter(pk=person.pk).update(
        created_at=_aware(day), updated_at=_aware(day), status_changed_at=_aware(day)
    )


def _left(group, *, months_ago: int, **kwargs):
    left = add_months(timezone.localdate(), -months_ago)
    person = ParticipantFactory(group=group, status="joined", **kwargs)
    EnrolmentFactory(
        participant=person,
        group=group,
        joined_on=left - dt.timedelta(days=300),
        left_on=left,
        leave_reason="moved",
    )
    _contact(person, left)
    return person


def _intake(person, *, months_ago: int, by):
    return Intake.objects.create(
        participant=person,
        held_on=add_months(timezone.localdate(), -months_ago),
        location="home",
        situation=NOTE,
        wishes="Cooking together",
        conducted_by=by,
    )


def _run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_someone_who_left_is_erased_as_by_a_request_and_only_once(world):
    gone = _left(world.group_a2, months_ago=25, full_name="Retention Canary")
    kept = _left(world.group_a2, months_ago=12, full_name="Not Yet")
    out = _run("--organisation", world.org_a.pk)
    assert out.strip().endswith("1 anonymised (people who left: 1)")
    gone.refresh_from_db()
    assert gone.full_name == f"#{gone.pk}" and gone.phone == ""
    entry = Erasure.objects.get(participant_id=gone.pk)
    assert (entry.reason, entry.keep_scores, entry.actor_id) == ("retention", True, None)
    assert Participant.objects.get(pk=kept.pk).full_name == "Not Yet"
    # Erased people are never due again.
    assert _run().strip() == "0 anonymised"


def test_a_running_grant_keeps_its_people_and_its_totals(world):
    grant = world.grant_a
    grant.period_start = add_months(timezone.localdate(), -30)
    grant.period_end = timezone.localdate() + dt.timedelta(days=60)
    grant.save()
    counted = _left(world.group_a1, months_ago=25, full_name="Counted By The Grant")
    gone = _left(world.group_a2, months_ago=25)
    before = build_grant_report(grant).participants
    _run()
    assert Participant.objects.get(pk=counted.pk).full_name == "Counted By The Grant"
    assert Participant.objects.get(pk=gone.pk).full_name == f"#{gone.pk}"
    assert build_grant_report(grant).participants == before


def test_after_the_grant_its_people_are_erased_and_the_report_stays_the_same(world):
    grant = world.grant_a
    grant.period_start = add_months(timezone.localdate(), -40)
    grant.period_end = add_months(timezone.localdate(), -26)
    grant.report_due = add_months(timezone.localdate(), -25)
    grant.save()
    counted = _left(world.group_a1, months_ago=27)
    before = build_grant_report(grant)
    _run()
    assert Participant.objects.get(pk=counted.pk).full_name == f"#{counted.pk}"
    after = build_grant_report(grant)
    # The totals stay; the erased person's gender, age and community are gone, so a report
    # made again counts them as "unknown" in those breakdowns (decision 64).
    for total in ("unique", "new", "left"):
        assert getattr(after.participants, total) == getattr(before.participants, total)
    assert after.attendance == before.attendance


def test_a_candidate_in_contact_loses_the_old_intake_notes_only(world):
    lead = world.users["lead_a"]
    person = ParticipantFactory(group=world.group_a2, status="waiting_list", full_name="Waits")
    old = _intake(person, months_ago=7, by=lead)
    _contact(person, timezone.localdate() - dt.timedelta(days=20))
    out = _run()
    assert out.strip().endswith("1 anonymised (intake notes of people who never joined: 1)")
    old.refresh_from_db()
    assert (old.situation, old.wishes, old.group_fits) == ("", "", "unsure")
    assert old.held_on == add_months(timezone.localdate(), -7)  # the fact of the intake stays
    person.refresh_from_db()
    assert person.full_name == "Waits"
    assert not Erasure.objects.filter(participant_id=person.pk).exists()
    # The history of the intake keeps that it changed, never what it said.
    history = Change.objects.filter(model="participants.Intake", object_id=str(old.pk))
    assert history.count() >= 2
    assert NOTE not in str(list(history.values_list("fields", flat=True)))
    # Done once: nothing is due the next day.
    assert due_items(organisation_ids=[world.org_a.pk]) == []


def test_a_newer_intake_keeps_the_notes_until_it_is_old_too(world):
    lead = world.users["lead_a"]
    person = ParticipantFactory(group=world.group_a2, status="waiting_list")
    _intake(person, months_ago=9, by=lead)
    _intake(person, months_ago=2, by=lead)
    _contact(person, timezone.localdate())
    assert due_items() == []


def test_a_candidate_without_contact_is_erased_whole(world):
    person = ParticipantFactory(group=world.group_a2, status="declined", full_name="Declined")
    intake = _intake(person, months_ago=8, by=world.users["lead_a"])
    _contact(person, add_months(timezone.localdate(), -7))
    out = _run()
    assert out.strip().endswith("1 anonymised (people who never joined: 1)")
    person.refresh_from_db()
    intake.refresh_from_db()
    assert person.full_name == f"#{person.pk}" and intake.situation == ""
    assert Erasure.objects.filter(participant_id=person.pk, reason="retention").exists()


def test_the_daily_job_anonymises_and_logs_counts_only(world, caplog):
    gone = _left(world.group_b1, months_ago=30, full_name="Logged Never")
    jobs = {item.name: item for item in scheduler.registered_jobs()}
    with caplog.at_level("INFO", logger="stetapp.privacy"):
        assert scheduler.run_job(jobs["apply-retention"]).result == "ran"
    assert Participant.objects.get(pk=gone.pk).full_name == f"#{gone.pk}"
    (line,) = [r for r in caplog.records if r.name == "stetapp.privacy"]
    assert line.retention == {"left": 1}
    assert line.getMessage() == "Retention anonymised 1"
    assert "Logged Never" not in caplog.text


def test_erasing_the_intakes_of_someone_without_one_does_nothing(world):
    from privacy.erasure import erase_intakes

    person = ParticipantFactory(group=world.group_a2, status="contacted")
    result = erase_intakes(participant_ids=[person.pk], actor_id=None)
    assert result.erased == [] and result.rows == {}


def test_people_are_erased_in_batches(world, monkeypatch):
    from privacy import services_retention

    calls = []
    real = services_retention.erase_participants

    def counting(**kwargs):
        calls.append(list(kwargs["participant_ids"]))
        return real(**kwargs)

    monkeypatch.setattr(services_retention, "BATCH", 1)
    monkeypatch.setattr(services_retention, "erase_participants", counting)
    first = _left(world.group_a2, months_ago=26)
    second = _left(world.group_a2, months_ago=27)
    _run()
    assert sorted(calls) == sorted([[first.pk], [second.pk]])
    assert Erasure.objects.filter(participant_id__in=[first.pk, second.pk]).count() == 2
