"""Every template under templates/ is rendered by some test (docs/decisions.md, "CI gates").

Django's test environment (pytest-django calls `setup_test_environment`) makes every
template render send `django.test.signals.template_rendered`, `{% include %}`d and
`{% extends %}`ed templates as well. Each test process records the files under templates/
that it rendered; with pytest-xdist a worker hands its set to the controller through
`workeroutput`, and the controller merges them. With `--template-coverage` (which
`make test` passes) the session fails when a template file was never rendered, unless it
is in `EXEMPT` below with its reason.

The check needs the whole suite: it is off without the option, and with `-k`/`-m`,
explicit test paths or skipped browser tests (no Chromium; CI requires them) it only
reports (a selection renders a fraction of the templates).
"""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
WORKER_KEY = "stetapp_rendered_templates"

# Template files no test renders through Django, each with the reason (paths relative to
# templates/). Keep this empty where a test can render the template instead.
EXEMPT: dict[str, str] = {}

_rendered: set[str] = set()
# Browser tests skipped (no Chromium): some pages are rendered only by them.
_browser_tests_skipped: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--template-coverage",
        action="store_true",
        default=False,
        help="fail when a template under templates/ was not rendered by any test",
    )


def _record(sender, template=None, **kwargs) -> None:
    origin = getattr(template, "origin", None)
    name = getattr(origin, "name", None)
    if not isinstance(name, str):
        return
    try:
        _rendered.add(Path(name).resolve().relative_to(TEMPLATES_DIR).as_posix())
    except ValueError:  # a template of Django or a library, or one made from a string
        return


@pytest.fixture(scope="session", autouse=True)
def _record_rendered_templates(django_test_environment):
    """After pytest-django's `setup_test_environment`, which instruments rendering."""
    from django.test.signals import template_rendered

    template_rendered.connect(_record, dispatch_uid="tests-template-coverage")
    yield
    template_rendered.disconnect(dispatch_uid="tests-template-coverage")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """xdist controller: merge what a worker rendered."""
    _rendered.update(getattr(node, "workeroutput", {}).get(WORKER_KEY, ()))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and report.nodeid.startswith("tests/e2e/"):
        _browser_tests_skipped.append(report.nodeid)


def template_files() -> set[str]:
    return {
        path.relative_to(TEMPLATES_DIR).as_posix()
        for path in TEMPLATES_DIR.rglob("*")
        if path.is_file()
    }


def _whole_suite(config: pytest.Config) -> bool:
    if config.option.keyword or config.option.markexpr or config.option.collectonly:
        return False
    # No paths given: pytest collected the `testpaths` from pyproject.toml.
    return config.args_source != pytest.Config.ArgsSource.ARGS


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller decides
        workeroutput[WORKER_KEY] = sorted(_rendered)
        return
    if not config.getoption("template_coverage"):
        return
    files = template_files()
    stale = sorted(set(EXEMPT) - files)
    unrendered = sorted(files - _rendered - set(EXEMPT))
    enforce = _whole_suite(config) and not _browser_tests_skipped
    lines = [
        f"templates: {len(files)} files, {len(files & _rendered)} rendered by tests, "
        f"{len(EXEMPT)} exempt (tests/template_coverage.py)"
    ]
    if enforce:
        lines += [f"  never rendered: {name}" for name in unrendered]
        lines += [f"  exempt but no such file: {name}" for name in stale]
    else:
        lines.append(f"  {len(unrendered)} not rendered by the tests that ran")
    if _browser_tests_skipped:
        lines.append("  (browser tests were skipped: reported, not enforced)")
    elif not enforce:
        lines.append("  (a selection of the tests ran: reported, not enforced)")
    config.stash[_REPORT] = lines
    if enforce and (unrendered or stale) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_REPORT = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    lines = config.stash.get(_REPORT, None)
    if not lines:
        return
    terminalreporter.section("template coverage")
    for line in lines:
        terminalreporter.write_line(line)
