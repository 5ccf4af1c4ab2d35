"""python manage.py bench [--groups N | --existing [--programme PK] [--against DB [--crawl]]]
[--repeat R] [--strict] [--json FILE]

Speed targets live here, not in timed unit tests. The command builds a synthetic,
fictional programme of N groups with the demo's builders (synthetic/programme.py: about
14 participants each, a year of weekly meetings with attendance, volunteer hours, ideas,
a grant covering five groups with its budget and approved expenses, stories, measurement
and continuation plans) inside one transaction, times the heaviest pages and the fund
report R times each, and rolls the transaction back: the database is left exactly as it
was, also the demo database. With --existing it builds nothing and measures the newest
synthetic programme already in the database (or the one given with --programme), as
written by `manage.py seed_scale`; it still runs inside a transaction that is rolled back.

With --existing --against DB it measures the same pages on two databases written by
seed_scale — the settings' own (say 26 groups) and DB (say 10,000) — alternating between
them page by page, and reports each page's ratio and its multiple of the bare view
(synthetic/compare.py: the targets of issue 14). With --crawl it measures, instead of
those pages, every page each persona reaches from their home page (synthetic/crawl.py).

Every run first times a bare view (no template, no query: the middleware and the test
client) as the floor, and reports each page's median also as a multiple of it, so runs on
machines of different speed (or under different load) can be compared.

For every measurement it prints the median and the slowest time in milliseconds, the
number of SQL queries and the target; a median above its target is SLOW. With --strict
the command exits with status 1 when anything is slow. docs/deployment.md ("Benchmarks")
explains how to read the figures.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from reporting import report as reports
from synthetic import compare, crawl
from synthetic.programme import Bench, build_programme, existing_bench

# The median each measurement should stay under, in milliseconds, with the default 40
# groups on the smallest machine we support (2 cores): about twice the median measured
# there on SQLite and PostgreSQL (dashboard 95, group list 36, group detail 36, attendance
# sheet 29, fund report page 71, building the report 46, PDF 760, XLSX 24), and at least
# 100 ms, so a real slow-down shows and noise does not.
TARGETS_MS = {
    "bare_view": 50,
    "dashboard_built": 200,
    "dashboard_cached": 100,
    "group_list": 100,
    "group_detail": 100,
    "attendance_sheet": 100,
    "grant_report": 150,
    "grant_report_kept": 100,
    "build_grant_report": 100,
    "report_pdf": 1500,
    "report_xlsx": 100,
}


@dataclass
class Result:
    name: str
    median_ms: float
    max_ms: float
    queries: int
    target_ms: int
    floor_ms: float | None = None  # the bare view's median, for pages

    @property
    def times_floor(self) -> float | None:
        if self.floor_ms is None or self.floor_ms <= 0:
            return None
        return self.median_ms / self.floor_ms

    @property
    def ok(self) -> bool:
        return self.median_ms <= self.target_ms

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "median_ms": round(self.median_ms, 1),
            "max_ms": round(self.max_ms, 1),
            "queries": self.queries,
            "target_ms": self.target_ms,
            "ok": self.ok,
            "times_bare_view": None if self.times_floor is None else round(self.times_floor, 1),
        }


class Command(BaseCommand):
    help = (
        "Time the heaviest pages and the fund report on a synthetic programme built inside a "
        "transaction that is always rolled back (the database is left unchanged)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--groups",
            type=int,
            default=40,
            help="How many groups the synthetic programme has (default: %(default)s).",
        )
        parser.add_argument(
            "--existing",
            action="store_true",
            help="Build nothing: measure a programme written by seed_scale.",
        )
        parser.add_argument(
            "--programme",
            type=int,
            help="With --existing: the programme's id (default: the newest synthetic one).",
        )
        parser.add_argument(
            "--against",
            metavar="DB",
            help=(
                "With --existing: also measure database DB (same server and settings), "
                "alternating with this one, and compare the two."
            ),
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=3,
            help="How many timed runs per measurement (default: %(default)s).",
        )
        parser.add_argument(
            "--warmup",
            type=int,
            default=1,
            help="Untimed runs per measurement before the timed ones (default: %(default)s).",
        )
        parser.add_argument(
            "--crawl",
            action="store_true",
            help=(
                "With --existing --against: instead of the named pages, every page each "
                "persona reaches from their home page, on both databases."
            ),
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit with status 1 when a median is above its target.",
        )
        parser.add_argument(
            "--json", dest="json_path", metavar="FILE", help="Also write the results as JSON."
        )

    def handle(
        self,
        *args,
        groups,
        existing,
        programme,
        against,
        repeat,
        warmup,
        strict,
        json_path,
        crawl=False,
        **options,
    ):
        if programme is not None and not existing:
            raise CommandError("--programme needs --existing.")
        if against is not None and not existing:
            raise CommandError("--against needs --existing.")
        if crawl and against is None:
            raise CommandError("--crawl needs --existing --against.")
        if groups < 1:
            raise CommandError("--groups must be at least 1.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        if warmup < 0:
            raise CommandError("--warmup cannot be negative.")
        self.repeat = repeat
        self.warmup = warmup
        connection = connections[DEFAULT_DB_ALIAS]
        if crawl:
            self._crawl(
                small=connection.settings_dict["NAME"],
                large=against,
                programme=programme,
                json_path=json_path,
            )
            return
        if against is not None:
            self._compare(
                small=connection.settings_dict["NAME"],
                large=against,
                programme=programme,
                strict=strict,
                json_path=json_path,
            )
            return
        results: list[Result] = []
        with transaction.atomic():
            try:
                started = time.perf_counter()
                if existing:
                    try:
                        bench = existing_bench(programme)
                    except LookupError as error:
                        raise CommandError(str(error)) from None
                    verb = f"found programme {bench.programme.pk}:"
                else:
                    self.stdout.write(f"building {groups} groups…")
                    bench = build_programme(groups)
                    verb = "built"
                built_ms = (time.perf_counter() - started) * 1000
                self.stdout.write(
                    f"{verb} "
                    + ", ".join(f"{n} {what}" for what, n in bench.counts.items())
                    + f" in {built_ms:.0f} ms"
                )
                groups = bench.counts["groups"]
                results = self._time_all(bench, connection)
            finally:
                # Whatever happened, nothing of the synthetic programme is kept.
                transaction.set_rollback(True)

        self._print_table(results)
        slow = [r.name for r in results if not r.ok]
        if json_path:
            payload = {
                "groups": groups,
                "repeat": repeat,
                "database": connection.vendor,
                "results": [r.as_dict() for r in results],
            }
            self._write_json(json_path, payload)
        if slow:
            message = "slower than the target: " + ", ".join(slow)
            if strict:
                raise CommandError(message, returncode=1)
            self.stdout.write(message)
        else:
            self.stdout.write("all within their targets")

    def _compare(self, *, small, large, programme, strict, json_path) -> None:
        with override_settings(**self._page_settings()):
            rows = compare.compare(
                small=small,
                large=large,
                programme_id=programme,
                repeat=self.repeat,
                warmup=self.warmup,
                progress=self.stdout.write,
            )
        self.stdout.write("")
        for line in compare.table(rows):
            self.stdout.write(line)
        if json_path:
            self._write_json(
                json_path,
                {
                    "small": str(small),
                    "large": large,
                    "repeat": self.repeat,
                    "database": connections[DEFAULT_DB_ALIAS].vendor,
                    "results": [row.as_dict() for row in rows],
                },
            )
        slow = [row.name for row in rows if row.ok is False]
        if slow:
            message = "outside the targets: " + ", ".join(slow)
            if strict:
                raise CommandError(message, returncode=1)
            self.stdout.write(message)
        else:
            self.stdout.write("all within the targets")

    def _crawl(self, *, small, large, programme, json_path) -> None:
        """Every page each persona reaches, on both databases (synthetic/crawl.py): a
        list to read, slowest ratio first, without a verdict."""
        with override_settings(**self._page_settings()):
            rows, untimed = crawl.crawl(
                small=small,
                large=large,
                programme_id=programme,
                repeat=self.repeat,
                progress=self.stdout.write,
            )
        self.stdout.write("")
        for line in crawl.table(rows):
            self.stdout.write(line)
        self.stdout.write(f"not timed (not HTML, refused or sent elsewhere): {len(untimed)}")
        for persona, page, small_status, large_status in untimed:
            self.stdout.write(f"  {persona:<12} {page:<44} {small_status} / {large_status}")
        if json_path:
            self._write_json(
                json_path,
                {
                    "small": str(small),
                    "large": large,
                    "repeat": self.repeat,
                    "pages": [row.as_dict() for row in rows],
                    "not_timed": [list(entry) for entry in untimed],
                },
            )

    def _write_json(self, json_path: str, payload: dict) -> None:
        try:
            Path(json_path).write_text(json.dumps(payload, indent=2) + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {json_path}: {exc.strerror}") from None
        self.stdout.write(f"wrote {json_path}")

    @staticmethod
    def _page_settings() -> dict:
        # The pages are measured, not two-factor set-up: a benchmark user has no
        # authenticator, so the two-factor requirement is switched off for the run.
        return {
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "localhost"],
            "STETAPP_MFA_REQUIRED_ROLES": [],
            "STETAPP_MFA_REQUIRED_FOR_STAFF": False,
            "ROOT_URLCONF": "synthetic.bench_urls",
        }

    # --- timing ------------------------------------------------------------------------

    def _time_all(self, bench: Bench, connection) -> list[Result]:
        with override_settings(**self._page_settings()):
            coordinator = Client(HTTP_HOST="localhost")
            coordinator.force_login(bench.coordinator)
            lead = Client(HTTP_HOST="localhost")
            lead.force_login(bench.lead)
            dashboard = reverse("programme_dashboard", args=[bench.programme.pk])
            # The dashboard and the report page twice: built on every request (their
            # cache off), and from the cache (kept five minutes, reporting/
            # selectors_dashboard.py and reporting/report_page.py; the warm-up run fills
            # it). On SQLite the report page is built both times (no data fingerprint).
            pages = [
                ("bare_view", lead, reverse("bench_bare"), 0),
                ("dashboard_built", coordinator, dashboard, 0),
                ("dashboard_cached", coordinator, dashboard, 300),
                ("group_list", lead, reverse("group_list"), 0),
                ("group_detail", lead, reverse("group_detail", args=[bench.group.pk]), 0),
                (
                    "attendance_sheet",
                    lead,
                    reverse("attendance_sheet", args=[bench.meeting.pk]),
                    0,
                ),
                ("grant_report", lead, reverse("grant_report", args=[bench.grant.pk]), 0),
                ("grant_report_kept", lead, reverse("grant_report", args=[bench.grant.pk]), 300),
            ]
            results = []
            for name, client, url, cached in pages:
                with override_settings(
                    STETAPP_DASHBOARD_CACHE_SECONDS=cached,
                    STETAPP_REPORT_PAGE_CACHE_SECONDS=cached,
                ):
                    results.append(self._measure(name, self._page(name, client, url), connection))
            floor = results[0].median_ms
            for result in results[1:]:
                result.floor_ms = floor

        with translation.override(settings.LANGUAGE_CODE):
            results.append(
                self._measure(
                    "build_grant_report",
                    lambda: reports.build_grant_report(bench.grant),
                    connection,
                )
            )
            report = reports.build_grant_report(bench.grant)
            results.append(
                self._measure("report_pdf", lambda: reports.report_pdf(report), connection)
            )
            results.append(
                self._measure("report_xlsx", lambda: reports.report_xlsx(report), connection)
            )
        return results

    @staticmethod
    def _page(name: str, client: Client, url: str) -> Callable[[], object]:
        def get():
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{name}: {url} answered {response.status_code}, not 200.")
            return response

        return get

    def _measure(self, name: str, run: Callable[[], object], connection) -> Result:
        self.stdout.write(f"timing {name}…")
        for _run in range(self.warmup):
            run()
        times = []
        queries = 0
        for _run in range(self.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(captured))
        return Result(
            name=name,
            median_ms=statistics.median(times),
            max_ms=max(times),
            queries=queries,
            target_ms=TARGETS_MS[name],
        )

    def _print_table(self, results: list[Result]) -> None:
        header = f"{'name':<20} {'median ms':>10} {'max ms':>10} {'queries':>8} {'target ms':>10}"
        self.stdout.write("")
        self.stdout.write(header + "  result")
        self.stdout.write("-" * (len(header) + 8))
        for r in results:
            self.stdout.write(
                f"{r.name:<20} {r.median_ms:>10.1f} {r.max_ms:>10.1f} {r.queries:>8} "
                f"{r.target_ms:>10}  {'OK' if r.ok else 'SLOW'}"
            )
        pages = [r for r in results if r.times_floor is not None]
        if pages:
            self.stdout.write("")
            self.stdout.write(
                f"page medians as a multiple of the bare view ({results[0].median_ms:.1f} ms):"
            )
            for r in pages:
                self.stdout.write(f"  {r.name:<20} ×{r.times_floor:.1f}")
