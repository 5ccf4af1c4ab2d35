"""The history walk itself (tests/history_walk.py): it notices a write that left no
history row, and it does not complain about writes that did."""

import pytest
from django.db import connection

from participants.models import Participant
from privacy.history import _LINKS
from tests import history_walk
from tests.factories import IdeaFactory, MeetingFactory, ParticipantFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the walk needs PostgreSQL's triggers"
    ),
    # These tests read and clear the walk's notes themselves.
    pytest.mark.history_unrecorded("the walk's own tests"),
]


def _missing():
    watched = history_walk._watched
    assert watched is not None
    return history_walk.missing_history(history_walk._read_and_clear(), watched)


def test_writes_through_the_orm_leave_nothing_missing():
    person = ParticipantFactory()
    person.full_name = "Another Name"
    person.save()
    Participant.objects.filter(pk=person.pk).update(phone="0612345678")
    meeting = MeetingFactory(group=person.group)
    meeting.organisers.add(person)
    idea = IdeaFactory(group=person.group, proposed_by=person, meeting=meeting)
    idea.organisers.add(person)
    person.delete()
    meeting.delete()

    writes, missing = _missing()

    assert writes >= 5
    assert missing == []


def test_a_write_around_the_orm_is_caught():
    person = ParticipantFactory()
    _missing()  # the factory's writes
    table = Participant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET phone = %s WHERE id = %s", ["0699999999", person.pk])  # noqa: S608
        cursor.execute(f"UPDATE {table} SET version = version + 1 WHERE id = %s", [person.pk])  # noqa: S608

    writes, missing = _missing()

    # The bookkeeping column (version) is not personal data and is not asked for.
    assert writes == 1
    assert missing == [f"participants.Participant {person.pk}: phone changed"]


def test_a_link_written_around_the_orm_is_caught():
    person = ParticipantFactory()
    meeting = MeetingFactory(group=person.group)
    _missing()
    through = meeting.organisers.through
    assert through in _LINKS
    link = _LINKS[through]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {through._meta.db_table} "  # noqa: S608
            f"({link.m2m_column_name()}, {link.m2m_reverse_name()}) VALUES (%s, %s)",
            [meeting.pk, person.pk],
        )

    writes, missing = _missing()

    assert writes == 1
    assert missing == [f"meetings.Meeting {meeting.pk}: link organisers +{person.pk}"]


def test_an_insert_and_a_delete_around_the_orm_are_caught():
    user = UserFactory()
    _missing()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM stetapp_user WHERE id = %s", [user.pk])

    writes, missing = _missing()

    assert writes == 1
    assert missing == [f"stetapp.User {user.pk}: deleted"]
