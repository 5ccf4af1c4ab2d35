"""Retention (issue 11, item 6): what is due, and since when. Above all: nothing is
anonymised that a grant report still in its period needs (docs/privacy.md, "Retention")."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Attendance
from participants.models import Intake, Participant
from privacy.models import RetentionPolicy
from privacy.register import REGISTER, Retention, Subject
from privacy.retention import (
    DEFAULT_MONTHS,
    DUE_QUERIES,
    POLICY_FIELD,
    RULE_KINDS,
    Kind,
    add_months,
    due_items,
)
from tests.factories import (
    EnrolmentFactory,
    GrantFactory,
    GroupFactory,
    MeetingFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2029, 6, 1)
LONG_AGO = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _contact(person, day: dt.date):
    """The record made, changed and its status set on `day`: the last contact."""
    Participant.objects.filter(pk=person.pk).update(
        created_at=_aware(day), updated_at=_aware(day), status_changed_at=_aware(day)
    )


def _left(group, *, joined: dt.date, left: dt.date, **kwargs):
    person = ParticipantFactory(group=group, status="joined", **kwargs)
    EnrolmentFactory(
        participant=person, group=group, joined_on=joined, left_on=left, leave_reason="moved"
    )
    _contact(person, left)
    return person


def _grant(group, *, start: dt.date, end: dt.date, report_due: dt.date | None = None):
    return GrantFactory(
        application__organisation=group.organisation,
        application__groups=[group],
        period_start=start,
        period_end=end,
        report_due=report_due,
    )


def _due(**kwargs):
    return {(d.participant_id, d.kind): d.due_on for d in due_items(today=TODAY, **kwargs)}


@pytest.fixture
def group():
    return GroupFactory()


def test_left_two_years_ago_and_counted_by_no_grant_is_due(group):
    person = _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 3, 1))
    assert _due() == {(person.pk, Kind.LEFT): dt.date(2029, 3, 1)}


def test_left_recently_is_not_due_yet(group):
    _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2028, 3, 1))
    assert _due() == {}


def test_left_two_years_ago_but_counted_in_a_running_grant_is_not_due(group):
    person = _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 3, 1))
    _grant(group, start=dt.date(2027, 1, 1), end=dt.date(2029, 12, 31))
    assert _due() == {}
    # Even when the organisation shortened the period to one month.
    RetentionPolicy.objects.create(organisation=group.organisation, left_months=1)
    assert _due() == {}
    # The day after the grant's period, the later of the two anchors counts: its end.
    later = {(d.participant_id, d.kind): d.due_on for d in due_items(today=dt.date(2030, 3, 1))}
    assert later == {(person.pk, Kind.LEFT): dt.date(2030, 1, 31)}


def test_a_grant_whose_report_is_not_yet_due_still_needs_its_people(group):
    _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 3, 1))
    _grant(
        group,
        start=dt.date(2026, 1, 1),
        end=dt.date(2027, 3, 31),
        report_due=dt.date(2029, 9, 1),
    )
    assert _due() == {}


def test_the_end_of_the_last_counting_grant_is_the_anchor_when_later(group):
    person = _left(group, joined=dt.date(2024, 1, 1), left=dt.date(2026, 6, 1))
    _grant(group, start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))
    assert _due() == {}
    assert _due(until=dt.date(2029, 12, 31)) == {(person.pk, Kind.LEFT): dt.date(2029, 12, 31)}


def test_a_grant_of_another_group_or_another_period_does_not_count(group):
    person = _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 3, 1))
    _grant(GroupFactory(organisation=group.organisation), start=TODAY, end=dt.date(2030, 1, 1))
    _grant(group, start=dt.date(2027, 4, 1), end=dt.date(2030, 1, 1))  # after they left
    assert _due() == {(person.pk, Kind.LEFT): dt.date(2029, 3, 1)}


def test_someone_still_enrolled_is_never_due(group):
    person = _left(group, joined=dt.date(2020, 1, 1), left=dt.date(2021, 3, 1))
    other = GroupFactory(organisation=group.organisation)
    EnrolmentFactory(participant=person, group=other, joined_on=dt.date(2021, 4, 1))
    assert _due() == {}


def test_the_organisations_own_period_replaces_the_default(group):
    person = _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 3, 1))
    RetentionPolicy.objects.create(organisation=group.organisation, left_months=36)
    assert _due() == {}
    assert _due(until=dt.date(2030, 3, 1)) == {(person.pk, Kind.LEFT): dt.date(2030, 3, 1)}


def test_a_candidate_without_contact_for_six_months_is_due_whole(group):
    person = ParticipantFactory(group=group, status="declined")
    _contact(person, dt.date(2028, 11, 1))
    Intake.objects.create(
        participant=person,
        held_on=dt.date(2028, 10, 1),
        location="home",
        situation="Lives alone since last year.",
        conducted_by=UserFactory(),
    )
    # The whole record goes; its intake with it (no second item).
    assert _due() == {(person.pk, Kind.NEVER_JOINED): dt.date(2029, 5, 1)}


def test_a_candidate_still_in_contact_loses_only_an_old_intake(group):
    person = ParticipantFactory(group=group, status="waiting_list")
    _contact(person, dt.date(2029, 4, 1))
    Intake.objects.create(
        participant=person,
        held_on=dt.date(2028, 10, 1),
        location="home",
        situation="Lives alone since last year.",
        conducted_by=UserFactory(),
    )
    assert _due() == {(person.pk, Kind.INTAKE): dt.date(2029, 4, 1)}
    RetentionPolicy.objects.create(organisation=group.organisation, intake_months=12)
    assert _due() == {}


def test_a_candidate_marked_on_trial_in_a_running_grant_is_not_due(group):
    person = ParticipantFactory(group=group, status="declined")
    _contact(person, dt.date(2028, 1, 1))
    meeting = MeetingFactory(group=group, day=dt.date(2027, 12, 1))
    Attendance.objects.create(meeting=meeting, participant=person, is_trial=True, status="present")
    _grant(group, start=dt.date(2027, 1, 1), end=dt.date(2029, 12, 31))
    assert _due() == {}


def test_the_last_mark_is_a_contact(group):
    person = ParticipantFactory(group=group, status="declined")
    _contact(person, dt.date(2027, 1, 1))
    meeting = MeetingFactory(group=group, day=dt.date(2029, 1, 10))
    Attendance.objects.create(meeting=meeting, participant=person, is_trial=True, status="present")
    due = _due(until=dt.date(2029, 12, 31))
    assert due == {(person.pk, Kind.NEVER_JOINED): dt.date(2029, 7, 10)}


def test_joined_without_an_enrolment_yet_is_not_due(group):
    person = ParticipantFactory(group=group, status="joined")
    _contact(person, dt.date(2020, 1, 1))
    assert _due() == {}


def test_only_the_organisations_asked_for():
    a, b = GroupFactory(), GroupFactory()
    person_a = _left(a, joined=dt.date(2025, 1, 1), left=dt.date(2027, 1, 1))
    _left(b, joined=dt.date(2025, 1, 1), left=dt.date(2027, 1, 1))
    assert _due(organisation_ids=[a.organisation_id]) == {
        (person_a.pk, Kind.LEFT): dt.date(2029, 1, 1)
    }


def test_the_selector_runs_a_fixed_number_of_queries(group):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            due_items(today=TODAY)
        return len(ctx.captured_queries)

    _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 1, 1))
    _grant(group, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    few = count()
    other = GroupFactory()
    for _ in range(5):
        _left(other, joined=dt.date(2025, 1, 1), left=dt.date(2027, 1, 1))
        ParticipantFactory(group=other, status="declined")
    _grant(other, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    RetentionPolicy.objects.create(organisation=other.organisation, left_months=12)
    assert few == count() == DUE_QUERIES


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month():
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2027, 1, 15), 24) == dt.date(2029, 1, 15)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)


def test_every_period_has_a_default_a_field_and_a_rule():
    kinds = {kind for kinds in RULE_KINDS.values() for kind in kinds}
    assert kinds == set(Kind) == set(DEFAULT_MONTHS) == set(POLICY_FIELD)
    assert all(hasattr(RetentionPolicy, name) for name in POLICY_FIELD.values())


def test_every_participant_field_of_the_person_rule_is_applied_here():
    """Data about participants that the register ends with the PERSON rule is what the
    periods here cover; a new rule for participant data needs a place in RULE_KINDS."""
    rules = {
        personal.retention
        for declared in REGISTER.values()
        if declared.subject == Subject.PARTICIPANT
        for personal in declared.personal.values()
    }
    assert Retention.PERSON in rules
    assert rules - set(RULE_KINDS) <= {Retention.RECORD}


def test_a_grant_without_groups_counts_nobody(group):
    person = _left(group, joined=dt.date(2025, 1, 1), left=dt.date(2027, 3, 1))
    GrantFactory(application__organisation=group.organisation, period_end=dt.date(2030, 1, 1))
    assert _due() == {(person.pk, Kind.LEFT): dt.date(2029, 3, 1)}


def test_a_policy_names_its_organisation(group):
    policy = RetentionPolicy.objects.create(organisation=group.organisation)
    assert str(group.organisation_id) in str(policy)
