"""Browser tests: Playwright (sync API) driving Debian's Chromium against `live_server`.

Never `playwright install`: the browser is the system's /usr/bin/chromium. Without it the
tests are skipped, unless E2E_REQUIRED=1 is set (CI), in which case they fail.

Every test here uses `live_server` and therefore a transactional database that is flushed
after each test. The municipalities come from a data migration, so every test asks for a
serialized rollback to get them back first, and `_restore_migration_data` puts them back
at the end of the session, so a kept (--reuse-db) PostgreSQL test database is not left
empty for the next run.
"""

import os
import shutil
import time
from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import Watched
from tests.helpers import put_back_migration_data

# Playwright's sync API runs an asyncio event loop in this thread; without this Django's
# ORM refuses to work in the test code (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: browser test (Playwright + system Chromium)")


def _chromium_path() -> str | None:
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _unavailable(reason: str):
    """Skip, but never silently in CI: E2E_REQUIRED=1 turns this into a failure."""
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    from django.db import connections

    # Once Playwright's event loop runs in this thread, asgiref treats the thread as
    # "async" and Django's `connections` would hand the test code new connection objects
    # (without the serialized migration data, outside the test's transaction state).
    # Put the connections the test database was set up with back in place.
    before = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in before.items():
        connections[alias] = connection
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _unavailable(f"Chromium ({executable}) does not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def _restore_migration_data(django_db_setup, django_db_blocker):
    """After the last browser test, put back what the migrations loaded (see above)."""
    yield
    put_back_migration_data(django_db_blocker)


@pytest.fixture(autouse=True)
def _e2e_database(_restore_migration_data, django_db_serialized_rollback, live_server):
    """Every browser test gets the live server and the migrations' data (municipalities).

    At the end it waits for the requests the server is still answering (a page the browser
    asked for just before its context closed, the service worker's fetches): the database
    flush that follows takes exclusive locks, and a request still reading in its own
    connection would deadlock with it and leave the database unflushed for the next test.
    """
    yield
    _wait_for_requests_in_flight(live_server)


def _wait_for_requests_in_flight(live_server, timeout: float = 15.0) -> None:
    server = getattr(live_server.thread, "httpd", None)
    # socketserver.ThreadingMixIn keeps its request threads in `_threads` (block_on_close).
    threads = list(getattr(server, "_threads", None) or [])
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(viewport)`: a fresh browser context (no cookies) and a watched page."""
    contexts = []
    server = urlsplit(live_server.url)

    def _open(viewport: dict) -> Watched:
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        context.set_default_timeout(10_000)  # fail in seconds, not Playwright's 30
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page=page, base_url=live_server.url)
        # Chromium reports CSP violations on the console; report the DOM event there too.
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'Refused by the Content Security Policy: ' + e.violatedDirective + ' '"
            " + e.blockedURI));"
        )
        page.on("console", lambda message: watched.console.append(message.text))
        page.on("pageerror", lambda error: watched.errors.append(str(error)))

        def on_request(request):
            parts = urlsplit(request.url)
            if parts.scheme in {"http", "https", "ws", "wss"} and (
                parts.scheme != server.scheme or parts.netloc != server.netloc
            ):
                watched.foreign_requests.append(request.url)

        page.on("request", on_request)
        return watched

    yield _open
    for context in contexts:
        context.close()
