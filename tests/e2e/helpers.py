"""What the browser tests share: sizes, the watched page, signing in, the navigation."""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

PASSWORD = "a-long-test-password"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"

# axe-core rules of WCAG 2.2 AA; a violation of these impacts fails a test.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}

# What Chromium prints for a script, style, image or frame the CSP blocks.
CSP_PATTERN = re.compile(r"content security policy|refused to", re.IGNORECASE)


@dataclass
class Watched:
    """A page plus what happened while the test used it."""

    page: object
    base_url: str
    console: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)

    def url(self, name: str, *args) -> str:
        return self.base_url + reverse(name, args=args)

    def csp_problems(self) -> list[str]:
        return [text for text in self.console + self.errors if CSP_PATTERN.search(text)]

    def screenshot(self, name: str) -> None:
        """Keep a picture for people to look at (test-artifacts/ is git-ignored)."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def size_name(viewport: dict) -> str:
    return "phone" if viewport["width"] < 768 else "desktop"


def sign_in(watched: Watched, email: str) -> None:
    """Sign in through the real sign-in form. It is in Dutch: no label texts are used."""
    page = watched.page
    page.goto(watched.url("account_login"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_url(watched.url("home"))


def open_main_nav(watched: Watched) -> None:
    """Below Bootstrap's lg breakpoint the navbar is collapsed behind the toggler."""
    page = watched.page
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#main-nav.show").wait_for()


def go_to_group_list(watched: Watched) -> None:
    open_main_nav(watched)
    watched.page.locator(f'#main-nav a[href="{reverse("group_list")}"]').click()
    watched.page.wait_for_url(watched.url("group_list"))


def blocking_violations(page, label: str) -> list[str]:
    """One line per serious/critical rule: page, rule id, impact and the failing nodes."""
    from axe_playwright_python.sync_playwright import Axe

    # A link just clicked may still be replacing the document: axe on a page without
    # one fails ("reading 'documentElement'"). Wait until the current one has loaded.
    page.wait_for_load_state("load")
    # Colours mid-transition (a button just clicked, still fading to its hover colours)
    # are not what anyone reads: let running CSS transitions end first. On a busy
    # machine axe otherwise measured the contrast of a half-faded button.
    for _ in range(50):
        if page.evaluate("document.getAnimations().every(a => a.playState !== 'running')"):
            break
        page.wait_for_timeout(100)
    results = Axe().run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
            lines.append(f"{label}: {violation['id']} ({violation['impact']}) at {targets}")
    return lines


def assert_clean(watched):
    """Nothing blocked by the Content-Security-Policy, no script errors, nothing external."""
    assert watched.csp_problems() == [], watched.csp_problems()
    assert watched.errors == [], watched.errors
    assert watched.foreign_requests == [], watched.foreign_requests
