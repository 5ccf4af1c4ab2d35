"""`manage.py seed_scale`: a small run writes a consistent programme of the size asked,
in several committed batches, and `manage.py bench --existing` measures it without
building anything. Runs on SQLite and PostgreSQL (COPY there, bulk_create here)."""

import io
import json
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from groups.models import Group, Programme
from meetings.models import Attendance, Meeting
from participants.models import Enrolment, Participant


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end (each
    test runs in a savepoint inside it)."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_scale",
            *("--groups", "12", "--participants", "5", "--weeks", "6", "--batch", "5"),
            "--force",
            stdout=out,
        )
        programme = Programme.objects.filter(name__startswith="Bench programme").latest("pk")
        yield programme, out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded, db):
    return _seeded


def test_the_counts_are_as_asked_and_progress_shows(seeded):
    programme, output = seeded
    groups = Group.objects.filter(organisation__programmes=programme)
    assert groups.count() == 12
    assert programme.organisations.count() == 2  # ten groups per organisation
    assert Participant.objects.filter(group__in=groups).count() == 12 * 5
    for done in ("5/12 groups", "10/12 groups", "12/12 groups"):
        assert done in output
    assert "12 groups, 60 participants" in output


def test_every_participant_is_enrolled_in_a_group_of_their_organisation(seeded):
    programme, _output = seeded
    people = Participant.objects.filter(group__organisation__programmes=programme)
    enrolments = Enrolment.objects.filter(participant__in=people).select_related(
        "group", "participant__group"
    )
    enrolled = {e.participant_id for e in enrolments}
    assert enrolled == set(people.values_list("pk", flat=True))
    for e in enrolments:
        assert e.group.organisation_id == e.participant.group.organisation_id


def test_attendance_only_at_held_meetings_and_for_people_enrolled_then(seeded):
    programme, _output = seeded
    meetings = Meeting.objects.filter(group__organisation__programmes=programme)
    held = set(meetings.held().values_list("pk", flat=True))
    assert held
    # Planned meetings in the weeks ahead: no marks there.
    assert meetings.exclude(pk__in=held).filter(starts_at__gt=timezone.now()).exists()
    enrolments = defaultdict(list)
    for e in Enrolment.objects.filter(group__organisation__programmes=programme):
        enrolments[e.group_id].append(e)
    marks = defaultdict(set)
    for meeting_id, participant_id in Attendance.objects.filter(
        meeting__in=meetings, participant__isnull=False
    ).values_list("meeting_id", "participant_id"):
        marks[meeting_id].add(participant_id)
    assert set(marks) <= held
    for meeting in meetings.filter(pk__in=held):
        day = timezone.localtime(meeting.starts_at).date()
        expected = {
            e.participant_id
            for e in enrolments[meeting.group_id]
            if e.joined_on <= day and (e.left_on is None or e.left_on > day)
        }
        assert marks[meeting.pk] == expected


def test_bench_existing_measures_it_without_building(seeded):
    programme, _output = seeded
    before = (Group.objects.count(), Attendance.objects.count())
    out = io.StringIO()
    call_command("bench", "--existing", "--repeat", "1", "--warmup", "0", stdout=out)
    output = out.getvalue()
    assert f"found programme {programme.pk}: 12 groups, 60 participants" in output
    assert "building" not in output
    assert "page medians as a multiple of the bare view" in output
    assert "dashboard" in output.split("multiple of the bare view")[1]
    assert (Group.objects.count(), Attendance.objects.count()) == before


def test_bench_existing_writes_multiples_of_the_bare_view(seeded, tmp_path):
    programme, _output = seeded
    path = tmp_path / "bench.json"
    call_command(
        "bench",
        "--existing",
        "--programme",
        str(programme.pk),
        "--repeat",
        "1",
        "--json",
        str(path),
        stdout=io.StringIO(),
    )
    results = {r["name"]: r for r in json.loads(path.read_text())["results"]}
    assert results["bare_view"]["times_bare_view"] is None
    # The floor: the session and the user, as on every signed-in page; no template.
    assert results["bare_view"]["queries"] < results["dashboard"]["queries"]
    assert results["dashboard"]["times_bare_view"] > 0


def test_bench_existing_without_a_programme_says_so(db):
    with pytest.raises(CommandError, match="seed_scale"):
        call_command("bench", "--existing", "--programme", "999999", stdout=io.StringIO())
