"""`manage.py bench --existing --against OTHER --crawl`: every page a persona reaches
from their home page, on two databases, in one run.

The bench times the pages issue 14 names (synthetic/compare.py). A page it does not
name can still grow with the database: a group's measurement page took 1.4 s at 10,000
groups against 29 ms at 26 before docs/decisions.md decision 83. The crawl finds them.
For each persona of the bench (the facilitator of one group, a project lead of one
organisation, the programme's coordinator) it follows every link of the site from their
home page, GET only, on each database, keeping at most `PER_NAME` addresses per page
(its URL name and the names of its query parameters): a thousand organisations are one
page. Then it times each page found on both sides, alternating between them, `repeat`
times after a warm-up, with the cache emptied before each: kept pages are measured as
kept, built once by the warm-up.

Pages that answer with something other than HTML (PDFs, workbooks), refuse (403) or
send elsewhere are listed with their status and not timed. Each side runs inside its own
transaction, rolled back: the access log rows the pages write are not kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, resolve
from django.utils import translation

from synthetic import compare

# At most this many addresses of one page (URL name and query parameters' names).
PER_NAME = 2
# At most this many addresses followed per persona.
MAX_PAGES = 300
# Not pages of the application: sign-in and account pages, files, the admin.
SKIPPED = ("/accounts/", "/static/", "/media/", "/i18n/", "/language/", "/admin/")
_HREF = re.compile(r'href="(/[^"#]*)"')
# The cache settings as deployed: kept pages are measured as they are served.
_DEPLOYED = {"STETAPP_DASHBOARD_CACHE_SECONDS": 300, "STETAPP_REPORT_PAGE_CACHE_SECONDS": 300}


@dataclass
class Found:
    """A page a persona reached on one side: an address of it, and its answer."""

    url: str
    status: int
    html: bool


@dataclass
class CrawlRow(compare.TwoSides):
    """One page of one persona, on both databases."""

    persona: str
    page: str
    small_url: str
    large_url: str
    small_ms: list[float] = field(default_factory=list)
    large_ms: list[float] = field(default_factory=list)
    small_queries: int = 0
    large_queries: int = 0

    def as_dict(self) -> dict:
        return {
            "persona": self.persona,
            "page": self.page,
            "small_url": self.small_url,
            "large_url": self.large_url,
            "small_ms": round(self.small, 2),
            "large_ms": round(self.large, 2),
            "ratio": round(self.ratio, 3),
            "small_queries": self.small_queries,
            "large_queries": self.large_queries,
        }


def page_name(url: str) -> str | None:
    """The page an address shows: its URL name, with the names of its query parameters
    (`?page=2` and `?status=ended` are other pages than the list itself). None for an
    address that is not one of the application's pages."""
    parts = urlsplit(url)
    if parts.path.startswith(SKIPPED):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.url_name or parts.path
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{name}?{'&'.join(keys)}" if keys else name


def discover(client: Client) -> dict[str, Found]:
    """The pages reachable from the home page through the site's links, a few addresses
    of each; per page the first address that answered."""
    found: dict[str, Found] = {}
    per_name: dict[str, int] = {}
    seen: set[str] = set()
    queue = ["/"]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        name = page_name(url)
        if name is None or per_name.get(name, 0) >= PER_NAME:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        response = client.get(url, secure=True)
        html = "text/html" in response.get("Content-Type", "")
        if name not in found or (response.status_code == 200 and found[name].status != 200):
            found[name] = Found(url=url, status=response.status_code, html=html)
        if response.status_code == 200 and html:
            text = response.content.decode()
            queue.extend(link.replace("&amp;", "&") for link in _HREF.findall(text))
    return found


def _time(side: compare.Side, client: Client, url: str) -> tuple[float, int]:
    with compare.using(side), translation.override("nl"):
        cache.clear()  # the other side's page may sit under the same key
        for _ in range(2):  # warm, and keep what the page keeps (a second look may keep more)
            client.get(url, secure=True)
        with CaptureQueriesContext(side.connection) as captured:
            started = time.perf_counter()
            client.get(url, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(captured)


def crawl(
    *,
    small: str,
    large: str,
    programme_id: int | None,
    repeat: int,
    progress: Callable[[str], None],
) -> tuple[list[CrawlRow], list[tuple[str, str, int, int]]]:
    """Crawl both databases; the rows of the pages found on both that answer HTML (by
    ratio, highest first), and the pages not timed: (persona, page, status on the small
    side, on the large side; 0 where not found)."""
    sides = (compare.open_side(small), compare.open_side(large))
    rows: list[CrawlRow] = []
    untimed: list[tuple[str, str, int, int]] = []
    with ExitStack() as stack:
        stack.enter_context(override_settings(**_DEPLOYED))
        for side in sides:
            with compare.using(side):
                atomic = transaction.atomic()
                atomic.__enter__()
            stack.callback(compare._roll_back, side, atomic)
            with compare.using(side):
                compare.prepare(side, programme_id)
        for persona in ("facilitator", "lead", "coordinator"):
            found = []
            for side in sides:
                with compare.using(side), translation.override("nl"):
                    found.append(discover(side.clients[persona]))
            progress(f"{persona}: {len(found[0])} and {len(found[1])} pages found")
            for name in sorted(set(found[0]) | set(found[1])):
                a, b = found[0].get(name), found[1].get(name)
                if a is None or b is None or not (a.status == b.status == 200 and a.html):
                    untimed.append((persona, name, a.status if a else 0, b.status if b else 0))
                    continue
                row = CrawlRow(persona=persona, page=name, small_url=a.url, large_url=b.url)
                for turn in range(repeat):
                    order = (0, 1) if turn % 2 == 0 else (1, 0)
                    for index in order:
                        url = (a, b)[index].url
                        elapsed, queries = _time(sides[index], sides[index].clients[persona], url)
                        if index == 0:
                            row.small_ms.append(elapsed)
                            row.small_queries = queries
                        else:
                            row.large_ms.append(elapsed)
                            row.large_queries = queries
                rows.append(row)
    rows.sort(key=lambda row: row.ratio, reverse=True)
    return rows, untimed


def table(rows: list[CrawlRow]) -> list[str]:
    """The rows as printed lines."""
    lines = [
        f"{'persona':<12} {'page':<44} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'queries':>9}"
    ]
    for row in rows:
        lines.append(
            f"{row.persona:<12} {row.page[:44]:<44} {row.small:>9.1f} {row.large:>9.1f}"
            f" {row.ratio:>6.2f} {row.small_queries:>4}/{row.large_queries:<4}"
        )
    return lines
