"""The change history (issue 11, item 1): every write of personal data leaves a row —
saves, deletes and cascades, QuerySet.update(), bulk_create(), bulk_update() and
many-to-many links — with who, what and the old and new values, except the values of
special-category fields."""

import datetime as dt

import pytest
from django.db import models

from meetings.models import Attendance, AttendanceStatus, Idea, Meeting
from participants.models import Participant
from privacy.history import (
    TRACKED,
    HistoryQuerySet,
    acting_as,
    current_actor_id,
    jsonable,
    tracked_models,
)
from privacy.models import Change
from privacy.register import REGISTER, Subject
from tests.factories import IdeaFactory, MeetingFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

CANARY = "Canary-health-7f3e"

# Registered records about people that keep no history of their own, and why.
NOT_TRACKED = {
    "meetings.AttendanceTap": "each tap is itself a record of who did what, and when",
    "meetings.CalendarFeed": "a link's secret; its owner and group are in the account's roles",
    "participants.SocialService": "a partner organisation's contact person, not a participant",
    "reporting.SelectionRound": "who chose a story: no one's personal data but the panel's",
    "reporting.ContinuationPlan": "the group's plan; who changed it is on the plan itself",
    "reporting.ContinuationStep": "an owner's name for a step of the group's plan",
    "reporting.ReportSummary": "the contact person a lead writes into a grant report",
    "reporting.ReportBatch": "who asked for a batch of reports, kept on the batch",
    "funding.FacilitatorProfile": "a facilitator's own profile, changed by themselves",
    "funding.FundingApplication": "the project team named in an application",
    "funding.NeedSignal": "key figures named in a signal of need",
    "funding.ReadinessCheck": "who ticked a readiness point",
    "meetings.MeetingSeries": "who planned a series",
    "stetapp.Submission": "a one-time form token",
    "account.EmailAddress": "allauth's copy of the account's e-mail address",
    "account.EmailConfirmation": "a one-time key",
    "mfa.Authenticator": "second-factor secrets; changes are security events",
    "sessions.Session": "a session",
    "admin.LogEntry": "the admin site's own log",
    "django_tasks_database.DBTaskResult": "a background task's result",
}


def _changes(model, pk=None):
    rows = Change.objects.filter(model=model._meta.label)
    if pk is not None:
        rows = rows.filter(object_id=str(pk))
    return list(rows.order_by("pk"))


def test_every_tracked_model_writes_through_the_history_queryset():
    for model in tracked_models():
        assert issubclass(model._default_manager._queryset_class, HistoryQuerySet), model


def test_every_record_about_a_person_is_tracked_or_says_why_not():
    about_people = {
        label
        for label, declared in REGISTER.items()
        if declared.subject is not None and declared.personal
    }
    assert about_people - set(TRACKED) == set(NOT_TRACKED)
    assert set(TRACKED) <= about_people
    assert {label for label, d in REGISTER.items() if d.subject == Subject.PARTICIPANT} - set(
        NOT_TRACKED
    ) <= set(TRACKED)


def test_a_create_records_the_values_and_who():
    user = UserFactory()
    with acting_as(user):
        person = ParticipantFactory(full_name="Ayse Demir", religion="Islam")
    (change,) = _changes(Participant, person.pk)
    assert change.action == "created"
    assert change.actor_id == user.pk
    assert change.participant_id == person.pk
    assert change.fields["full_name"] == [None, "Ayse Demir"]
    assert change.fields["religion"] is None  # that it was set, never what


def test_a_save_records_only_what_changed_and_hides_special_values():
    person = ParticipantFactory(full_name="Old Name")
    person = Participant.objects.get(pk=person.pk)
    person.full_name = "New Name"
    person.health_notes = CANARY
    person.save()
    change = _changes(Participant, person.pk)[-1]
    assert change.action == "updated"
    assert change.fields == {"full_name": ["Old Name", "New Name"], "health_notes": None}


def test_a_save_without_changes_records_nothing():
    person = ParticipantFactory()
    before = Change.objects.count()
    Participant.objects.get(pk=person.pk).save()
    assert Change.objects.count() == before


def test_queryset_update_records_each_row_with_old_and_new_values():
    first, second = ParticipantFactory(status="contacted"), ParticipantFactory(status="contacted")
    with acting_as(7):
        count = Participant.objects.filter(pk__in=[first.pk, second.pk]).update(
            status="joined", confidential_notes=CANARY, version=models.F("version") + 1
        )
    assert count == 2
    for person in (first, second):
        change = _changes(Participant, person.pk)[-1]
        assert change.fields == {"status": ["contacted", "joined"], "confidential_notes": None}
        assert change.actor_id == 7
        assert change.participant_id == person.pk


def test_bulk_create_records_every_row_and_ignored_conflicts_are_not_claimed():
    meeting = MeetingFactory(day=dt.date(2026, 3, 3))
    one, two = ParticipantFactory(group=meeting.group), ParticipantFactory(group=meeting.group)
    Attendance.objects.create(meeting=meeting, participant=one, status=AttendanceStatus.ABSENT)
    rows = [
        Attendance(meeting=meeting, participant=p, status=AttendanceStatus.PRESENT)
        for p in (one, two)
    ]
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    created = [c for c in _changes(Attendance) if c.action == "created"]
    assert [(c.participant_id, c.fields["status"]) for c in created] == [
        (one.pk, [None, "absent"]),
        (two.pk, [None, "present"]),
    ]
    mark = Attendance.objects.get(meeting=meeting, participant=two)
    assert created[-1].object_id == str(mark.pk)


def test_bulk_update_records_old_and_new():
    person = ParticipantFactory(phone="06 1111 1111")
    person.phone = "06 2222 2222"
    Participant.objects.bulk_update([person], ["phone"])
    change = _changes(Participant, person.pk)[-1]
    assert change.fields == {"phone": ["06 1111 1111", "06 2222 2222"]}


def test_deletes_and_cascades_are_recorded():
    meeting = MeetingFactory(day=dt.date(2026, 3, 3))
    person = ParticipantFactory(group=meeting.group)
    mark = Attendance.objects.create(
        meeting=meeting, participant=person, status=AttendanceStatus.PRESENT
    )
    Meeting.objects.filter(pk=meeting.pk).delete()
    deleted = [c for c in _changes(Attendance, mark.pk) if c.action == "deleted"]
    assert len(deleted) == 1
    assert deleted[0].participant_id == person.pk
    assert deleted[0].fields["status"] == ["present", None]


def test_links_to_participants_are_filed_under_each_participant():
    meeting = MeetingFactory(day=dt.date(2026, 3, 3))
    one, two = ParticipantFactory(group=meeting.group), ParticipantFactory(group=meeting.group)
    meeting.organisers.add(one, two)
    meeting.organisers.remove(two)
    one.organised_meetings.clear()
    rows = [(c.participant_id, c.fields) for c in _changes(Meeting, meeting.pk)][1:]
    assert rows == [
        (one.pk, {"organisers": {"+": [one.pk]}}),
        (two.pk, {"organisers": {"+": [two.pk]}}),
        (two.pk, {"organisers": {"-": [two.pk]}}),
        (one.pk, {"organisers": {"-": [one.pk]}}),
    ]


def test_links_that_go_with_a_deleted_record_are_recorded():
    """Django deletes the link rows of a deleted participant or meeting without a signal
    (tests/history_walk.py found it): the history says the link went, on both sides."""
    meeting, other = MeetingFactory(day=dt.date(2026, 3, 3)), MeetingFactory()
    person = ParticipantFactory(group=meeting.group)
    stays = ParticipantFactory(group=other.group)
    meeting.organisers.add(person)
    other.organisers.add(stays)
    person_pk = person.pk
    person.delete()
    Meeting.objects.filter(pk=other.pk).delete()
    assert _changes(Meeting, meeting.pk)[-1].fields == {"organisers": {"-": [person_pk]}}
    assert _changes(Meeting, meeting.pk)[-1].participant_id == person_pk
    removed = [c for c in _changes(Meeting, other.pk) if c.action == "updated"][-1]
    assert (removed.participant_id, removed.fields) == (stays.pk, {"organisers": {"-": [stays.pk]}})


def test_references_emptied_by_a_deletion_are_recorded():
    """Django empties `on_delete=SET_NULL` references with a bare UPDATE (no signal): the
    history still says the idea lost its proposer and its meeting."""
    meeting = MeetingFactory(day=dt.date(2026, 3, 3))
    person = ParticipantFactory(group=meeting.group)
    idea = IdeaFactory(group=meeting.group, proposed_by=person, meeting=meeting)
    person_pk, meeting_pk = person.pk, meeting.pk
    person.delete()
    Meeting.objects.filter(pk=meeting.pk).delete()
    rows = [(c.participant_id, c.fields) for c in _changes(Idea, idea.pk) if c.action == "updated"]
    assert rows == [
        (person_pk, {"proposed_by": [person_pk, None]}),
        (None, {"meeting": [meeting_pk, None]}),
    ]
    idea.refresh_from_db()
    assert (idea.proposed_by_id, idea.meeting_id) == (None, None)


def test_links_are_recorded_in_number_order_across_a_digit():
    """Participants 9 and 10 (or 99 and 100): 9 first, not "10" < "9" as text."""
    meeting = MeetingFactory(day=dt.date(2026, 3, 3))
    nine = ParticipantFactory(group=meeting.group, pk=900_009)
    ten = ParticipantFactory(group=meeting.group, pk=9_000_010)
    meeting.organisers.add(ten, nine)
    rows = [c.participant_id for c in _changes(Meeting, meeting.pk)][1:]
    assert rows == [nine.pk, ten.pk]


def test_no_special_category_value_reaches_the_history():
    person = ParticipantFactory(religion=CANARY, health_notes=CANARY)
    Participant.objects.filter(pk=person.pk).update(confidential_notes=CANARY + "x")
    person.refresh_from_db()
    person.health_notes = CANARY + "y"
    person.save()
    person.delete()
    texts = [str(c.fields) for c in Change.objects.all()]
    assert texts and not any(CANARY in text for text in texts)


def test_passwords_never_reach_the_history():
    user = UserFactory()
    user.set_password("a-secret-password-9")
    user.save()
    fields = _changes(type(user), user.pk)[-1].fields
    assert fields == {"password": None}


def test_the_actor_is_the_signed_in_user_of_the_request(world, login):
    from django.urls import reverse

    lead = world.users["lead_a"]
    person = world.participant_a1
    client = login(lead)
    page = client.get(reverse("participant_edit", args=[person.pk]))
    form = page.context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        full_name="Renamed Person",
        version=person.version,
        languages=list(person.languages),
    )
    response = client.post(reverse("participant_edit", args=[person.pk]), data)
    assert response.status_code == 302, (
        getattr(response, "context", {}) and response.context["form"].errors
    )
    changes = _changes(Participant, person.pk)
    (change,) = [c for c in changes if c.action == "updated" and "full_name" in c.fields]
    assert change.actor_id == lead.pk
    assert change.fields["full_name"] == [person.full_name, "Renamed Person"]
    assert len(change.request_id) >= 8
    # The same request also recorded who saved last (one row per write, same actor).
    assert {c.actor_id for c in changes if c.request_id == change.request_id} == {lead.pk}


def test_outside_a_request_and_without_acting_as_there_is_no_actor():
    assert current_actor_id() is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 1, 2), "2026-01-02"),
        (__import__("decimal").Decimal("1.50"), "1.50"),
        ({"a": [1, dt.time(10, 0)]}, {"a": [1, "10:00:00"]}),
        (object, str(object)),
    ],
)
def test_values_are_stored_as_json(value, expected):
    assert jsonable(value) == expected


def test_postgresql_refuses_to_change_or_delete_history():
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    ParticipantFactory()
    change = Change.objects.latest("pk")
    for attempt in (
        lambda: Change.objects.filter(pk=change.pk).update(action="deleted"),
        lambda: Change.objects.filter(pk=change.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert Change.objects.get(pk=change.pk).action == "created"
