"""Personas shared by every test (style.md §11).

Organisation A (Rotterdam) runs groups A1 and A2; organisation B (The Hague) runs B1.
Both organisations are in one programme. The personas:

- anonymous                  — not signed in
- outsider                   — signed in, no role anywhere
- volunteer_a1               — volunteer in group A1
- facilitator_a1             — facilitator of group A1
- facilitator_b1             — facilitator of group B1 (other organisation: sees nothing of A)
- lead_a                     — project lead of organisation A
- coordinator                — programme coordinator of the programme
- funder                     — represents a fund (read-only)

(tests/helpers.py `PERSONAS` lists them in this order.)

Fixtures every folder may use:

- world              — the personas and their data; built once per test module and rolled
  back at its end, each test in its own rolled-back transaction (see `_SharedWorld`)
- login(user)        — a client signed in as any user
- warm(client, url)  — one GET first, so that a pinned request does not include the
  session write that SessionLifetimeMiddleware makes on a session's first request
- english            — English active outside requests; the groups, funding, meetings and
  participants folders use it for every test (their conftest.py)
"""

import io
import pickle
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.utils import translation

from tests.factories import (
    AgreementFactory,
    ApplicationFactory,
    BudgetLineFactory,
    CalendarEventFactory,
    ConsentFactory,
    CoverageLineFactory,
    ExpenseFactory,
    FundFactory,
    GrantFactory,
    GroupFactory,
    IdeaFactory,
    MeetingFactory,
    OrganisationFactory,
    ProgrammeFactory,
    Role,
    SocialServiceFactory,
    UserFactory,
    VenueFactory,
    VolunteerFactory,
    city,
    grant_role,
    participant_in,
)

# Every template rendered by some test: `make test` passes --template-coverage. Every write
# of a record about a person has its history row (PostgreSQL): tests/history_walk.py.
pytest_plugins = ["tests.template_coverage", "tests.history_walk"]


@dataclass
class World:
    programme: object
    org_a: object
    org_b: object
    group_a1: object
    group_a2: object
    group_b1: object
    venue_a: object
    venue_b: object
    fund: object
    users: dict
    participant_a1: object = None
    participant_b1: object = None
    consent_a1: object = None
    service_a: object = None
    meeting_a1: object = None
    idea_a1: object = None
    agreement_a1: object = None
    event_a: object = None
    application_a: object = None
    grant_a: object = None
    expense_a1: object = None
    volunteer_a: object = None
    story_a1: object = None
    selection_a: object = None
    administration_a1: object = None
    plan_a1: object = None
    step_a1: object = None
    batch_a: object = None

    def client_for(self, persona: str) -> Client:
        client = Client()
        user = self.users.get(persona)
        if user is not None:
            client.force_login(user)
        return client


def build_world() -> World:
    """The personas and their data, written to the database (see the module docstring)."""
    programme = ProgrammeFactory(name="STE programme")
    org_a = OrganisationFactory(name="Organisation A", city=city("GM0599"))
    org_b = OrganisationFactory(name="Organisation B", city=city("GM0518"))
    programme.organisations.add(org_a, org_b)
    venue_a = VenueFactory(organisation=org_a, name="Venue A")
    venue_b = VenueFactory(organisation=org_b, name="Venue B")
    group_a1 = GroupFactory(organisation=org_a, name="Group A1", venue=venue_a)
    group_a2 = GroupFactory(
        organisation=org_a, name="Group A2", community="Moroccan", composition="men"
    )
    group_b1 = GroupFactory(
        organisation=org_b,
        name="Group B1",
        city=city("GM0518"),
        community="Surinamese",
        composition="mixed",
        status="recruiting",
    )
    fund = FundFactory(name="Demo Fund")
    users = {
        "outsider": UserFactory(email="outsider@example.org"),
        "volunteer_a1": UserFactory(email="volunteer.a1@example.org"),
        "facilitator_a1": UserFactory(email="facilitator.a1@example.org"),
        "facilitator_b1": UserFactory(email="facilitator.b1@example.org"),
        "lead_a": UserFactory(email="lead.a@example.org"),
        "coordinator": UserFactory(email="coordinator@example.org"),
        "funder": UserFactory(email="funder@example.org"),
    }
    grant_role(users["volunteer_a1"], Role.VOLUNTEER, group_a1)
    grant_role(users["facilitator_a1"], Role.FACILITATOR, group_a1)
    grant_role(users["facilitator_b1"], Role.FACILITATOR, group_b1)
    grant_role(users["lead_a"], Role.PROJECT_LEAD, org_a)
    grant_role(users["coordinator"], Role.PROGRAMME_COORDINATOR, programme)
    grant_role(users["funder"], Role.FUNDER, fund)
    participant_a1 = participant_in(group_a1, full_name="Ayse Demir", phone="06 1111 2222")
    participant_b1 = participant_in(
        group_b1, full_name="Ruth Kromo", phone="06 3333 4444", community="Surinamese"
    )
    consent_a1 = ConsentFactory(
        participant=participant_a1, purpose="phone", recorded_by=users["facilitator_a1"]
    )
    service_a = SocialServiceFactory(organisation=org_a, name="Huisartsenpraktijk Oost", kind="gp")
    meeting_a1 = MeetingFactory(group=group_a1)
    idea_a1 = IdeaFactory(group=group_a1, title="Cook together for Eid", proposed_by=participant_a1)
    agreement_a1 = AgreementFactory(group=group_a1)
    event_a = CalendarEventFactory(organisation=org_a)
    application_a = ApplicationFactory(
        organisation=org_a,
        fund=fund,
        title="Together in Rotterdam",
        groups=[group_a1],
        status="granted",
    )
    BudgetLineFactory(application=application_a)
    CoverageLineFactory(application=application_a, amount=Decimal("500.00"), fund=fund)
    grant_a = GrantFactory(application=application_a, amount=Decimal("5000.00"))
    expense_a1 = ExpenseFactory(group=group_a1, submitted_by=users["facilitator_a1"], grant=grant_a)
    volunteer_a = VolunteerFactory(organisation=org_a, full_name="Vera Volunteer")
    evidence = _reporting_world(group_a1, participant_a1, users, grant_a)
    return World(
        **evidence,
        application_a=application_a,
        grant_a=grant_a,
        expense_a1=expense_a1,
        volunteer_a=volunteer_a,
        meeting_a1=meeting_a1,
        idea_a1=idea_a1,
        agreement_a1=agreement_a1,
        event_a=event_a,
        participant_a1=participant_a1,
        participant_b1=participant_b1,
        consent_a1=consent_a1,
        service_a=service_a,
        programme=programme,
        org_a=org_a,
        org_b=org_b,
        group_a1=group_a1,
        group_a2=group_a2,
        group_b1=group_b1,
        venue_a=venue_a,
        venue_b=venue_b,
        fund=fund,
        users=users,
    )


def _reporting_world(group, participant, users, grant) -> dict:
    """A story, a selection round, a questionnaire, a continuation plan with one step and
    a finished report batch (with a small file) for group A1."""
    import datetime as dt

    from reporting.models import (
        Administration,
        BatchStatus,
        ContinuationPlan,
        ContinuationStep,
        ReportBatch,
        SelectionRound,
        Story,
    )

    facilitator = users["facilitator_a1"]
    story = Story.objects.create(
        group=group,
        storyteller=participant,
        domain="belonging",
        title="A place to belong",
        text="Before the group I hardly left the house.",
        significance="She has friends again.",
        quote="Here I feel at home again.",
        collected_by=facilitator,
        collected_on=dt.date(2026, 5, 1),
        consent_scope="funder",
    )
    selection = SelectionRound.objects.create(
        organisation=group.organisation,
        group=group,
        level="group",
        held_on=dt.date(2026, 6, 1),
        panel="Facilitators and two participants",
        selected=story,
        reasons="It shows what the group means.",
        recorded_by=facilitator,
    )
    selection.candidates.add(story)
    administration = Administration.objects.create(
        participant=participant,
        group=group,
        instrument="djg6",
        mode="interview",
        timepoint="baseline",
        administered_on=dt.date(2026, 2, 1),
        administered_by=facilitator,
        answers=["yes", "no", "no", "more_or_less", "yes", "no"],
    )
    plan = ContinuationPlan.objects.create(group=group, route="embed", updated_by=facilitator)
    step = ContinuationStep.objects.create(
        plan=plan, description="Ask the board", owner="Project lead", due_on=dt.date(2026, 12, 1)
    )
    batch = ReportBatch.objects.create(
        requested_by=users["lead_a"], status=BatchStatus.DONE, total=1, done=1
    )
    batch.grants.add(grant)
    batch.file.save("batch.zip", ContentFile(_batch_zip()))
    return {
        "story_a1": story,
        "selection_a": selection,
        "administration_a1": administration,
        "plan_a1": plan,
        "step_a1": step,
        "batch_a": batch,
    }


def _batch_zip() -> bytes:
    """The small file of the finished report batch."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "test")
    return buffer.getvalue()


# --- the world, built once per test module -----------------------------------------------
#
# Building the world takes some 45 inserts and a file, and nine tests in ten take it. So
# it is built once per test module, inside a transaction that is rolled back when the
# module ends (tests/reporting/test_grant_report.py does the same for its scripted grant).
# Each test still runs in its own transaction (pytest-django's `db`, a savepoint inside
# the module's), rolled back after it: what one test writes, the next does not see. Each
# test also gets its own copy of the Python objects (unpickled from the objects as they
# were built: a deep copy, but faster), so attributes a test sets or caches on them (a
# changed name, the roles stetapp/access.py caches on a user) do not reach the next test.
#
# Tests that need committed data (transaction=True, live_server: the browser tests) get
# a world built for them alone, as before. Before such a test, and before one that uses
# the database without the world (and so must not see one), the module's transaction is
# closed (rolled back); it is opened again, with a new world, for the next test that
# takes the world.


class _SharedWorld:
    """The world of one test module and the transaction it lives in."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.atomic = None
        self.built: bytes | None = None  # the world as built, pickled

    def open(self) -> None:
        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                self.built = pickle.dumps(build_world(), pickle.HIGHEST_PROTOCOL)
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self.atomic = atomic

    def close(self) -> None:
        if self.atomic is None:
            return
        atomic, self.atomic, self.built = self.atomic, None, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def copy(self) -> World:
        world = pickle.loads(self.built)  # noqa: S301 - our own bytes, made above
        # A test may have deleted the batch's file (making the batch again does): the row
        # came back with the rollback, so put the file back too.
        file = world.batch_a.file
        if not file.storage.exists(file.name):
            file.storage.save(file.name, ContentFile(_batch_zip()))
        return world


class _State:
    item: pytest.Item | None = None  # the test being set up
    shared: _SharedWorld | None = None  # the current module's world, if it has one


_TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _uses_database(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        names & {"db", *_TRANSACTIONAL_FIXTURES}
    )


def _takes_shared_world(item) -> bool:
    """The test takes the world and runs in a transaction that is rolled back."""
    if item is None or "world" not in getattr(item, "fixturenames", ()):
        return False
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or marker.kwargs.get("serialized_rollback")
        or (marker.args and marker.args[0])
    ):
        return False
    return not set(item.fixturenames) & _TRANSACTIONAL_FIXTURES


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test's fixtures: open the module's world for a test that takes it, close
    it for one that uses the database otherwise (see above)."""
    _State.item = item
    shared = _State.shared
    if shared is None:
        return
    if _takes_shared_world(item):
        if shared.atomic is None:
            shared.open()
    elif _uses_database(item):
        shared.close()


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker):
    shared = _SharedWorld(django_db_blocker)
    _State.shared = shared
    if _takes_shared_world(_State.item):
        shared.open()
    yield shared
    shared.close()
    _State.shared = None


@pytest.fixture
def world(_shared_world, db) -> World:
    """The personas and their data (see the module docstring), in the test's transaction."""
    if _shared_world.atomic is not None:
        return _shared_world.copy()
    return build_world()


@pytest.fixture
def english():
    """English active outside requests: the active language otherwise depends on which
    user's request ran last (the middleware activates the user's language and nothing
    deactivates it), which made messages asserted outside a request order-dependent."""
    with translation.override("en"):
        yield


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def dashboard_cache(settings):
    """What a coordinator's pages keep for a programme (the dashboard, the home's
    overview, the group list's choices) kept for five minutes, in an empty cache, as
    deployed; the test settings keep nothing (STETAPP_DASHBOARD_CACHE_SECONDS = 0)."""
    from django.core.cache import cache

    settings.STETAPP_DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def warm():
    def _warm(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200

    return _warm


@pytest.fixture(autouse=True)
def no_server_errors(request):
    """Fail any test during which a view raised an unhandled exception (a 500), unless
    the test is marked `allow_server_error` (the 500-page test)."""
    from django.core.signals import got_request_exception

    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(getattr(request, "path", "?"))

    got_request_exception.connect(record, dispatch_uid="tests-no-server-errors")
    yield
    got_request_exception.disconnect(dispatch_uid="tests-no-server-errors")
    if errors and not request.node.get_closest_marker("allow_server_error"):
        pytest.fail(f"server error (500) on: {errors}")


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_server_error: the test provokes a 500 on purpose")
