"""`manage.py bench --existing --against OTHER`: the same pages on two databases, in one run.

Issue 14 asks that a page costs what the user sees, not what the database holds: at
10,000 groups every home, list, dashboard, attendance and report page must take at most
1.2 times its time at 26 groups, and at most 10 times a bare Django view. Two separate
runs cannot show that on a shared machine: load changes between them. So this module
keeps one open connection to each database — the settings' own and OTHER, both written by
`manage.py seed_scale` — and measures page by page, alternating between them within every
repetition (which goes first alternates too), so that whatever else the machine is doing
weighs on both sides alike. docs/deployment.md ("Benchmarks") shows how to read it.

Each side runs inside its own transaction, rolled back at the end: the people measured are
created there and nothing is kept. The personas are the facilitator of one group (the
bench's group, with its own facilitator from seed_scale), a project lead of that group's
organisation only (created here: seed_scale's lead leads every organisation, which no
real lead does) and the programme's coordinator for the dashboard, their home page and
their list of the programme's groups. Every page is
requested once untimed on the same connection before each timed request, so both sides
are measured warm.
"""

from __future__ import annotations

import copy
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from groups.models import Membership
from groups.roles import Role
from reporting import report as reports
from reporting import selectors_dashboard as dashboards
from stetapp.plans import without_jit
from synthetic import hub
from synthetic.programme import Bench, existing_bench

# The targets for a page at the large database.
MAX_RATIO = 1.2  # its time at the large database / its time at the small one
MAX_TIMES_BARE = 10.0  # its time at the large database / the bare view's, same side

# Pages measured from their cache (the same page without it is measured too).
KEPT_PAGES = frozenset(
    {"dashboard_cached", "grant_report_kept", "coordinator_home_kept", "coordinator_groups_kept"}
)
# The dashboard's first look: its cache on but empty, its build queued for a worker as
# deployed (docs/decisions.md, decision 73). A large programme's page then says it is
# being prepared (202); a small one's is built in the request. The same for one
# organisation's dashboard (the bench group's: ten groups or so at either size), as a
# coordinator meets it: chosen in the dashboard's filter, whose choices the programme's
# page (or the scheduler's refresh) has just kept, with the programme's counts cut per
# organisation (decision 75: `dashboard_filtered`), or without them, so that it is
# counted in the request (`dashboard_filtered_built`: the slices expired, or a city).
FIRST_LOOKS = frozenset({"dashboard", "dashboard_filtered", "dashboard_filtered_built"})
CHOICES_KEPT = frozenset({"dashboard_filtered", "dashboard_filtered_built"})
SLICES_KEPT = frozenset({"dashboard_filtered"})
# Work done in the background, not in a page's request: measured and shown, without a
# verdict (the targets are a page's).
BACKGROUND = frozenset({"dashboard_build"})
# (name, persona, what is measured): persona None is a function, not a page.
PAGES: tuple[tuple[str, str | None], ...] = (
    ("bare_view", "facilitator"),
    ("facilitator_home", "facilitator"),
    ("facilitator_participants", "facilitator"),
    ("facilitator_follow_ups", "facilitator"),
    ("group_detail", "facilitator"),
    ("attendance_sheet", "facilitator"),
    ("lead_home", "lead"),
    ("lead_groups", "lead"),
    ("lead_participants", "lead"),
    ("lead_expenses", "lead"),
    ("lead_volunteers", "lead"),
    ("grant_report", "lead"),
    ("grant_report_kept", "lead"),
    ("coordinator_home", "coordinator"),
    ("coordinator_home_kept", "coordinator"),
    ("coordinator_groups", "coordinator"),
    ("coordinator_groups_kept", "coordinator"),
    ("dashboard", "coordinator"),
    ("dashboard_filtered", "coordinator"),
    ("dashboard_filtered_built", "coordinator"),
    ("dashboard_cached", "coordinator"),
    ("dashboard_build", None),
    ("report_build", None),
    ("report_xlsx", None),
)


@dataclass
class Side:
    """One database: its connection, the transaction around it and what was found."""

    name: str
    connection: Any
    bench: Bench | None = None
    clients: dict[str, Client] = field(default_factory=dict)
    report: Any = None
    # The bench organisation's slice of the programme's counts, under its cache key
    # (counted once per run: seconds at 10,000 groups).
    slices: dict[str, Any] | None = None
    # The filter's choices under their cache key, read once per run.
    choices: dict[str, Any] | None = None


class TwoSides:
    """The medians of runs timed on both databases, and their ratio (a `Row` here, a
    page of the crawl: synthetic/crawl.py)."""

    small_ms: list[float]
    large_ms: list[float]

    @property
    def small(self) -> float:
        return statistics.median(self.small_ms)

    @property
    def large(self) -> float:
        return statistics.median(self.large_ms)

    @property
    def ratio(self) -> float:
        return self.large / self.small if self.small > 0 else float("inf")


@dataclass
class Row(TwoSides):
    """One page on both databases."""

    name: str
    small_ms: list[float] = field(default_factory=list)
    large_ms: list[float] = field(default_factory=list)
    # Each run's query count, in the same order.
    small_query_runs: list[int] = field(default_factory=list)
    large_query_runs: list[int] = field(default_factory=list)
    small_bare_ms: float | None = None
    large_bare_ms: float | None = None

    @property
    def small_queries(self) -> int:
        """The highest count of the runs (a persona's session write adds to one)."""
        return max(self.small_query_runs, default=0)

    @property
    def large_queries(self) -> int:
        return max(self.large_query_runs, default=0)

    @property
    def times_bare(self) -> float | None:
        if self.large_bare_ms is None or self.large_bare_ms <= 0:
            return None
        return self.large / self.large_bare_ms

    @property
    def ok(self) -> bool | None:
        """None for the floor itself."""
        if self.name == "bare_view" or self.name in BACKGROUND:
            return None
        if self.ratio > MAX_RATIO:
            return False
        times_bare = self.times_bare
        return times_bare is None or times_bare <= MAX_TIMES_BARE

    def as_dict(self) -> dict:
        times_bare = self.times_bare
        return {
            "name": self.name,
            "small_median_ms": round(self.small, 1),
            "large_median_ms": round(self.large, 1),
            "ratio": round(self.ratio, 2),
            "times_bare_view": None if times_bare is None else round(times_bare, 1),
            "small_queries": self.small_queries,
            "large_queries": self.large_queries,
            "ok": self.ok,
            # Each run, in the order measured: one slow run on a busy machine shows as
            # such (docs/deployment.md, "Two databases in one run").
            "small_ms": [round(ms, 2) for ms in self.small_ms],
            "large_ms": [round(ms, 2) for ms in self.large_ms],
            "small_query_runs": list(self.small_query_runs),
            "large_query_runs": list(self.large_query_runs),
        }


@contextmanager
def using(side: Side) -> Iterator[None]:
    """Run the body on `side`'s connection: the default connection is swapped for it
    (Django looks the default connection up on every use), then put back."""
    previous = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = side.connection
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = previous


def open_side(name: str) -> Side:
    """A side for database `name`: the settings' own connection when it is that database,
    else a second connection with the same settings but another database name."""
    own = connections[DEFAULT_DB_ALIAS]
    if name == own.settings_dict["NAME"]:
        return Side(name=name, connection=own)
    settings_dict = copy.deepcopy(own.settings_dict)
    settings_dict["NAME"] = name
    return Side(name=name, connection=own.__class__(settings_dict, DEFAULT_DB_ALIAS))


def prepare(side: Side, programme_id: int | None) -> Bench:
    """Find the synthetic programme on this side and sign the personas in (inside the
    side's transaction)."""
    try:
        bench = existing_bench(programme_id)
    except LookupError as error:
        raise CommandError(f"{side.name}: {error}") from None
    facilitator = (
        Membership.objects.filter(role=Role.FACILITATOR, group=bench.group)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if facilitator is None:
        raise CommandError(f"{side.name}: group {bench.group.pk} has no facilitator")
    (lead,) = hub.users(
        [(f"bench-one-lead-{uuid.uuid4().hex[:8]}@example.invalid", "Bench lead of one")]
    )
    hub.memberships(
        [Membership(user=lead, role=Role.PROJECT_LEAD, organisation_id=bench.group.organisation_id)]
    )
    for persona, user in (
        ("facilitator", facilitator.user),
        ("lead", lead),
        ("coordinator", bench.coordinator),
    ):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        side.clients[persona] = client
    side.bench = bench
    with translation.override("nl"):
        side.report = reports.build_grant_report(bench.grant)
    return bench


def urls(bench: Bench) -> dict[str, str]:
    return {
        "bare_view": reverse("bench_bare"),
        "facilitator_home": reverse("home"),
        "facilitator_participants": reverse("participant_list"),
        "facilitator_follow_ups": reverse("follow_up_list"),
        "group_detail": reverse("group_detail", args=[bench.group.pk]),
        "attendance_sheet": reverse("attendance_sheet", args=[bench.meeting.pk]),
        "lead_home": reverse("home"),
        "lead_groups": reverse("group_list"),
        "lead_participants": reverse("participant_list"),
        "lead_expenses": reverse("expense_list"),
        "lead_volunteers": reverse("volunteer_list"),
        "grant_report": reverse("grant_report", args=[bench.grant.pk]),
        "grant_report_kept": reverse("grant_report", args=[bench.grant.pk]),
        "coordinator_home": reverse("home"),
        "coordinator_home_kept": reverse("home"),
        "coordinator_groups": reverse("group_list"),
        "coordinator_groups_kept": reverse("group_list"),
        "dashboard": reverse("programme_dashboard", args=[bench.programme.pk]),
        "dashboard_filtered": reverse("programme_dashboard", args=[bench.programme.pk])
        + f"?organisation={bench.group.organisation_id}",
        "dashboard_filtered_built": reverse("programme_dashboard", args=[bench.programme.pk])
        + f"?organisation={bench.group.organisation_id}",
        "dashboard_cached": reverse("programme_dashboard", args=[bench.programme.pk]),
    }


def runner(side: Side, name: str, persona: str | None) -> Callable[[], object]:
    """What one measurement of `name` runs on `side`."""
    bench = side.bench
    if bench is None:
        raise CommandError(f"{side.name}: not prepared")
    if persona is None:
        if name == "report_build":
            return lambda: reports.build_grant_report(bench.grant)
        if name == "dashboard_build":
            # What the background task does on a miss (reporting/services_dashboard.py);
            # with the cache off (this row's setting) nothing is kept.
            return lambda: dashboards.build_and_keep(
                bench.programme, organisation_id=None, city_id=None
            )
        return lambda: reports.report_xlsx(side.report)
    client = side.clients[persona]
    url = urls(bench)[name]
    expected = {200, 202} if name in FIRST_LOOKS else {200}

    def get() -> object:
        response = client.get(url, secure=True)
        if response.status_code not in expected:
            raise CommandError(
                f"{side.name}: {name} ({url}) answered {response.status_code}, not 200."
            )
        return response

    return get


def measure_once(side: Side, name: str, persona: str | None, warmup: int) -> tuple[float, int]:
    """One timed run on `side`, after `warmup` untimed runs on the same connection."""
    run = runner(side, name, persona)
    # The report page is measured built (its cache off) and from its cache (while its
    # data is unchanged); the dashboard at its first look (FIRST_LOOKS) and from its cache
    # (five minutes): cached, the page is built and kept untimed, then warmed like every
    # page, by reading it.
    kept = name in KEPT_PAGES
    first_look = name in FIRST_LOOKS
    cached = 300 if kept or first_look else 0
    # The settings' own queue, in the database as in production (not run at once).
    queued = {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    tasks = {"TASKS": {**settings.TASKS, "default": queued}} if first_look else {}
    with (
        using(side),
        translation.override("nl"),
        override_settings(
            STETAPP_DASHBOARD_CACHE_SECONDS=cached,
            STETAPP_REPORT_PAGE_CACHE_SECONDS=cached,
            **tasks,
        ),
    ):
        if kept:
            cache.clear()  # the other side's page may sit under the same key
            run()  # built and kept: the warm-up below then reads it, as the timed run does
        for _ in range(max(warmup, 1 if kept else 0)):
            if first_look:
                _forget(side, name)
            run()
        if first_look:
            _forget(side, name)  # a miss again: nothing kept, nothing building
        with CaptureQueriesContext(side.connection) as captured:
            started = time.perf_counter()
            run()
            elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(captured)


def _forget(side: Side, name: str) -> None:
    """Empty the cache for a first look at `name`; keep the filter's choices again when
    the page is one that a coordinator reaches through the filter, and the organisation's
    slice of the programme's counts when it is reached from the programme's page."""
    cache.clear()
    if side.bench is None:
        return
    # What the programme's page (or the scheduler's refresh, in its own process) left in
    # the cache is read once per run and put back before each look: made again here,
    # right before the timed request, the scope of 10,000 groups left the process cold
    # (the next query took 1.7 ms instead of 0.7), which the 26-group side never paid.
    kept: dict[str, Any] = {}
    if name in CHOICES_KEPT:
        if side.choices is None:
            programme = side.bench.programme
            side.choices = {
                dashboards.choices_key(programme.pk): dashboards.filter_choices(programme)
            }
        kept.update(side.choices)
    if name in SLICES_KEPT:
        if side.slices is None:
            side.slices = _slice(side.bench)
        kept.update(side.slices)
    if kept:
        cache.set_many(kept, settings.STETAPP_DASHBOARD_CACHE_SECONDS)


def _slice(bench: Bench) -> dict[str, Any]:
    """The bench organisation's slice of the programme's counts under its cache key,
    counted now, as the programme's page or the scheduler's refresh leaves it
    (reporting/selectors_dashboard.py, decision 75)."""
    scope = dashboards.programme_scope(bench.programme)
    with without_jit():
        counts = dashboards.count_dashboard(scope)
    organisation_id = bench.group.organisation_id
    kept = dashboards.organisation_slices(scope, counts)[organisation_id]
    return {dashboards.slice_key(bench.programme.pk, organisation_id): kept}


def compare(
    *,
    small: str,
    large: str,
    programme_id: int | None,
    repeat: int,
    warmup: int,
    progress: Callable[[str], None],
) -> list[Row]:
    """Measure every page on both databases, alternating; return a row per page."""
    sides = (open_side(small), open_side(large))
    rows = [Row(name) for name, _persona in PAGES]
    with ExitStack() as stack:
        for side in sides:
            with using(side):
                atomic = transaction.atomic()
                atomic.__enter__()
            stack.callback(_roll_back, side, atomic)
            with using(side):
                bench = prepare(side, programme_id)
            progress(f"{side.name}: programme {bench.programme.pk}, {bench.counts}")
        for row, (name, persona) in zip(rows, PAGES, strict=True):
            progress(f"timing {name}…")
            for turn in range(repeat):
                order = sides if turn % 2 == 0 else sides[::-1]
                for side in order:
                    elapsed, queries = measure_once(side, name, persona, warmup)
                    if side is sides[0]:
                        row.small_ms.append(elapsed)
                        row.small_query_runs.append(queries)
                    else:
                        row.large_ms.append(elapsed)
                        row.large_query_runs.append(queries)
    bare = rows[0]
    for row, (_name, persona) in zip(rows, PAGES, strict=True):
        if persona is not None:
            row.small_bare_ms = bare.small
            row.large_bare_ms = bare.large
    return rows


def _roll_back(side: Side, atomic: Any) -> None:
    with using(side):
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    if side.connection is not connections[DEFAULT_DB_ALIAS]:
        side.connection.close()


def table(rows: list[Row]) -> list[str]:
    """The rows as printed lines."""
    header = (
        f"{'page':<26} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'×bare':>6} "
        f"{'queries':>9}  result"
    )
    lines = [header, "-" * (len(header) + 2)]
    for row in rows:
        times_bare = row.times_bare
        if row.ok is None:
            verdict = "background" if row.name in BACKGROUND else "floor"
        else:
            verdict = "OK" if row.ok else "SLOW"
        lines.append(
            f"{row.name:<26} {row.small:>9.1f} {row.large:>9.1f} {row.ratio:>6.2f} "
            f"{'' if times_bare is None else f'{times_bare:.1f}':>6} "
            f"{f'{row.small_queries}/{row.large_queries}':>9}  {verdict}"
        )
    lines.append(
        f"targets: large ≤ {MAX_RATIO}× small and ≤ {MAX_TIMES_BARE:.0f}× the bare view "
        "(same database); queries: small/large"
    )
    return lines
