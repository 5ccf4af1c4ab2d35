"""`manage.py seed_scale`: a small run writes a consistent programme of the size asked,
in several committed batches, and `manage.py bench --existing` measures it without
building anything. Runs on SQLite and PostgreSQL (COPY there, bulk_create here)."""

import io
import json
import statistics
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from groups.models import Group, Membership, Programme
from meetings.models import Attendance, Meeting
from participants.models import Enrolment, Participant

# The synthetic builders write consents, intakes, enrolments and marks of fictional people
# with COPY on PostgreSQL (synthetic/base.py `insert`, docs/decisions.md "seed_scale"):
# no history rows, on purpose. The history walk (tests/history_walk.py) leaves these out.
pytestmark = pytest.mark.history_unrecorded("synthetic rows written with COPY")


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
    assert results["bare_view"]["queries"] < results["dashboard_built"]["queries"]
    assert results["dashboard_built"]["times_bare_view"] > 0


def test_bench_existing_without_a_programme_says_so(db):
    with pytest.raises(CommandError, match="seed_scale"):
        call_command("bench", "--existing", "--programme", "999999", stdout=io.StringIO())


def test_bench_against_measures_both_sides_alternately_and_judges_the_targets(seeded, tmp_path):
    """--against with the settings' own database on both sides: every page measured on
    each, with its ratio, its multiple of the bare view and its queries; the same data on
    both sides gives the same query counts."""
    from django.db import connection

    programme, _output = seeded
    before = (Group.objects.count(), Attendance.objects.count())
    path = tmp_path / "compare.json"
    out = io.StringIO()
    call_command(
        "bench",
        "--existing",
        "--against",
        connection.settings_dict["NAME"],
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--json",
        str(path),
        stdout=out,
    )
    output = out.getvalue()
    assert "ratio" in output and "×bare" in output
    assert f"programme {programme.pk}" in output
    payload = json.loads(path.read_text())
    results = {r["name"]: r for r in payload["results"]}
    assert set(results) >= {
        "bare_view",
        "facilitator_home",
        "attendance_sheet",
        "lead_home",
        "lead_expenses",
        "dashboard",
        "dashboard_filtered",
        "dashboard_filtered_built",
        "dashboard_cached",
        "dashboard_build",
        "grant_report",
        "grant_report_kept",
        "report_build",
    }
    for result in results.values():
        assert result["small_queries"] == result["large_queries"]
        assert result["ratio"] > 0
        # Every timed run is kept, in the order measured, so that a reader can tell a
        # slow page from one slow run on a busy machine.
        assert len(result["small_ms"]) == len(result["large_ms"]) == 2
        # So is each run's query count: the count shown is the highest of them.
        for side in ("small", "large"):
            counts = result[f"{side}_query_runs"]
            assert len(counts) == 2
            assert max(counts) == result[f"{side}_queries"]
        for side in ("small", "large"):  # the runs are the ones the median was taken of
            median = statistics.median(result[f"{side}_ms"])
            assert median == pytest.approx(result[f"{side}_median_ms"], abs=0.06)
    assert results["bare_view"]["ok"] is None
    assert results["facilitator_home"]["times_bare_view"] > 1
    assert results["report_build"]["times_bare_view"] is None
    # The dashboard's build is background work (decision 73): measured, not judged.
    assert results["dashboard_build"]["ok"] is None
    assert results["dashboard_build"]["large_median_ms"] > 0
    # The cached dashboard asks fewer queries than the one built on every request.
    assert results["dashboard_cached"]["small_queries"] < results["dashboard"]["small_queries"]
    # So does the report page whose body is kept while its data is unchanged; SQLite keeps
    # no row versions, so there the page is built every time (docs/decisions.md 68).
    kept, built = (results[name]["small_queries"] for name in ("grant_report_kept", "grant_report"))
    if connection.vendor == "postgresql":
        assert kept < built
    else:
        assert kept == built
    # One organisation's dashboard is a dashboard of its own: made from its slice of the
    # programme's counts after the programme's page, without a query more than a cached
    # look; built on its first look without them.
    queries = {name: results[name]["small_queries"] for name in results}
    # The coordinator's home reads its overview of the programme from the cache when kept.
    assert queries["coordinator_home_kept"] < queries["coordinator_home"]
    assert queries["coordinator_groups_kept"] < queries["coordinator_groups"]
    assert queries["dashboard_filtered"] == queries["dashboard_cached"]
    assert queries["dashboard_filtered_built"] > queries["dashboard_cached"]
    # The personas made for the run are rolled back with it.
    assert (Group.objects.count(), Attendance.objects.count()) == before
    assert not Membership.objects.filter(user__email__startswith="bench-one-lead-").exists()


def test_bench_crawl_times_every_page_each_persona_reaches(seeded, tmp_path):
    """--crawl follows the links from each persona's home page on both sides and times
    each page found on both; files and refused pages are listed, not timed. Nothing of
    the run is kept."""
    from django.db import connection

    before = (Group.objects.count(), Attendance.objects.count(), Membership.objects.count())
    path = tmp_path / "crawl.json"
    out = io.StringIO()
    call_command(
        "bench",
        "--existing",
        "--against",
        connection.settings_dict["NAME"],
        "--crawl",
        "--repeat",
        "1",
        "--json",
        str(path),
        stdout=out,
    )
    payload = json.loads(path.read_text())
    timed = {(row["persona"], row["page"]): row for row in payload["pages"]}
    # Each persona's home page, and pages only reached through links from it.
    for persona in ("facilitator", "lead", "coordinator"):
        assert (persona, "home") in timed
    assert ("facilitator", "measurement_group") in timed
    assert ("lead", "participant_detail") in timed
    assert ("coordinator", "organisation_list") in timed
    assert ("coordinator", "programme_people") in timed
    for row in timed.values():
        assert row["small_ms"] > 0 and row["large_ms"] > 0
        # The same data on both sides: the same queries, but for the session, written
        # at most every 30 seconds in one of the requests (SessionLifetimeMiddleware).
        assert row["small_queries"] - row["large_queries"] in (-3, 0, 3)
    # A PDF is found, not timed; nor is a page a persona may not open.
    untimed = {(persona, page) for persona, page, _small, _large in payload["not_timed"]}
    assert ("facilitator", "attendance_pdf") in untimed
    assert "measurement_group" in out.getvalue()
    assert (
        Group.objects.count(),
        Attendance.objects.count(),
        Membership.objects.count(),
    ) == before


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/", "home"),
        ("/groups/?page=2", "group_list?page"),
        ("/groups/?status=ended&page=2", "group_list?page&status"),
        ("/static/css/app.css", None),
        ("/accounts/logout/", None),
        ("/no/such/page/", None),
    ],
)
def test_the_crawl_names_a_page_by_its_url_name_and_query(url, page):
    from synthetic.crawl import page_name

    assert page_name(url) == page


def test_crawl_needs_against(db):
    with pytest.raises(CommandError, match="--crawl needs --existing --against"):
        call_command("bench", "--existing", "--crawl", stdout=io.StringIO())


def test_bench_against_needs_existing(db):
    with pytest.raises(CommandError, match="--against needs --existing"):
        call_command("bench", "--against", "other", stdout=io.StringIO())


def test_a_side_on_another_database_gets_its_own_connection(db):
    """The second database gets a connection of its own; inside `using` Django's default
    connection is that one, and afterwards the settings' own again."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from synthetic.compare import Row, open_side, using

    own = connections[DEFAULT_DB_ALIAS]
    same = open_side(own.settings_dict["NAME"])
    assert same.connection is own
    other = open_side("stetapp_other")
    assert other.connection is not own
    assert other.connection.settings_dict["NAME"] == "stetapp_other"
    with using(other):
        assert connections[DEFAULT_DB_ALIAS] is other.connection
    assert connections[DEFAULT_DB_ALIAS] is own
    row = Row("lead_home", small_ms=[10, 12], large_ms=[13, 15], large_bare_ms=1.0)
    assert row.ratio == pytest.approx(14 / 11)
    assert row.ok is False  # 1.27× its small time
    row = Row("lead_home", small_ms=[10], large_ms=[11], large_bare_ms=1.0)
    assert row.ok is False  # 11× the bare view
    row = Row("lead_home", small_ms=[10], large_ms=[11], large_bare_ms=2.0)
    assert row.ok is True
