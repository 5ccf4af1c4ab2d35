"""The load users of `make load` (load/run.py; docs/deployment.md, "Load and capacity").

Three kinds of signed-in user, in the proportions of a real programme: facilitators (who
open their home page, the attendance sheet of their latest meeting and tap a mark, their
participants, follow-ups and group), project leads (home, groups, participants, expenses,
volunteers, the fund report page) and a few coordinators (the programme dashboard). Each
waits 5 to 15 seconds between clicks, like a person, and connects from an address of its
own in 127.0.0.0/8, so the per-address sign-in limit is not what is measured.

The runner passes the accounts in LOAD_PERSONAS (a JSON file from `manage.py
load_personas`) and their password in LOAD_PASSWORD_FILE. Requests are grouped by page
type in the statistics, so that p50/p95/p99 are per page type.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

PERSONAS = json.loads(Path(os.environ["LOAD_PERSONAS"]).read_text())
PASSWORD = Path(os.environ["LOAD_PASSWORD_FILE"]).read_text().strip()
# How many loopback addresses the users are spread over (127.0.0.2 …).
ADDRESSES = int(os.environ.get("LOAD_ADDRESSES", "50"))

_counter = itertools.count()
_lock = threading.Lock()

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ROW = re.compile(
    r'name="participant" value="(\d+)">\s*<input type="hidden" name="base" value="(\w*)"'
)


def next_number() -> int:
    with _lock:
        return next(_counter)


def source_address(number: int) -> str:
    """The loopback address user `number` connects from: 127.0.0.2 and on, round robin."""
    return f"127.0.0.{2 + number % ADDRESSES}"


class SourceAddressAdapter(HTTPAdapter):
    """Connections that leave from one local address."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(5, 15)
    persona: dict = {}

    def personas(self) -> list[dict]:
        raise NotImplementedError

    def on_start(self) -> None:
        number = next_number()
        people = self.personas()
        self.persona = people[number % len(people)]
        adapter = SourceAddressAdapter(source_address(number))
        self.client.mount("http://", adapter)
        page = self.client.get("/accounts/login/", name="sign-in form")
        token = self.csrf(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.persona["email"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("sign-in refused")

    def csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else self.client.cookies.get("csrftoken", "")

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/accounts/login/" in response.url:
                response.failure("signed out")
            return response


class Facilitator(SignedIn):
    weight = 8

    def personas(self) -> list[dict]:
        return PERSONAS["facilitators"]

    @task(3)
    def home(self) -> None:
        self.page("/", "facilitator: home")

    @task(4)
    def attendance(self) -> None:
        meeting = self.persona["meeting"]
        sheet = self.page(f"/meetings/{meeting}/attendance/", "facilitator: attendance sheet")
        rows = ROW.findall(sheet.text or "")
        if not rows:
            return
        participant, base = random.choice(rows)
        self.client.post(
            f"/meetings/{meeting}/attendance/mark/",
            data={
                "participant": participant,
                "status": random.choice(["present", "present", "absent", "excused"]),
                "base": base,
                "csrfmiddlewaretoken": self.csrf(sheet.text),
            },
            headers={"HX-Request": "true", "Referer": f"{self.host}/meetings/{meeting}/"},
            name="facilitator: attendance tap",
        )

    @task(2)
    def participants(self) -> None:
        self.page("/participants/", "facilitator: participants")

    @task(1)
    def follow_ups(self) -> None:
        self.page("/follow-ups/", "facilitator: follow-ups")

    @task(2)
    def group(self) -> None:
        self.page(f"/groups/{self.persona['group']}/", "facilitator: group")


class ProjectLead(SignedIn):
    weight = 2

    def personas(self) -> list[dict]:
        return PERSONAS["leads"]

    @task(3)
    def home(self) -> None:
        self.page("/", "lead: home")

    @task(2)
    def groups(self) -> None:
        self.page("/groups/", "lead: groups")

    @task(2)
    def participants(self) -> None:
        self.page("/participants/", "lead: participants")

    @task(1)
    def expenses(self) -> None:
        self.page("/expenses/", "lead: expenses")

    @task(1)
    def volunteers(self) -> None:
        self.page("/volunteers/", "lead: volunteers")

    @task(1)
    def report(self) -> None:
        self.page(f"/grants/{PERSONAS['grant']}/report/", "lead: fund report")


class Coordinator(SignedIn):
    weight = 1

    def personas(self) -> list[dict]:
        return PERSONAS["coordinators"]

    @task
    def dashboard(self) -> None:
        self.page(f"/programmes/{PERSONAS['programme']}/dashboard/", "coordinator: dashboard")
