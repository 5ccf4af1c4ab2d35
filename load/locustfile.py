"""Locust users for `make load` (started by load/run.py; docs/deployment.md, "Load and
capacity").

Each virtual user signs in as its own synthetic account (password, then the
authenticator app's code, as production requires for these roles), from one of several
127.0.0.x source addresses, and then opens the pages of its role with 5–15 s of thinking
between clicks. Every request is named by its page type; anything but the expected status
is an error. The plan (accounts and page addresses) comes from load/prepare.py through
LOAD_PLAN; the raw timings go to LOAD_REPORT as JSON when locust stops.

The client speaks plain HTTP to gunicorn on loopback and says, as the TLS proxy in front
of a real deployment does, that the request came through HTTPS (X-Forwarded-Proto), so
the production settings run unchanged: the session and CSRF cookies are Secure, which the
client is told to accept on this loopback connection.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections import defaultdict
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.adapters import HTTPAdapter

from load.common import ADDRESSES, SIGN_IN, seconds_to_fresh_code, source_address, totp_code

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read()) if "LOAD_PLAN" in os.environ else {}  # noqa: SIM115
THINK = [float(s) for s in os.environ.get("LOAD_THINK", "5,15").split(",")]
SPREAD = int(os.environ.get("LOAD_ADDRESSES", ADDRESSES))
# Page timings count from this many seconds after the start: the users sign in first
# (password hashing is slow on purpose), the pages are measured with everyone signed in.
# Sign-in timings and every error count from the start.
MEASURE_FROM = time.monotonic() + float(os.environ.get("LOAD_WARMUP", "0"))

_numbers = itertools.count()
_next_account: defaultdict[str, itertools.count[int]] = defaultdict(itertools.count)
_times: dict[str, list[float]] = defaultdict(list)
_errors: dict[str, int] = defaultdict(int)
_samples: list[str] = []


class SourceAddressAdapter(HTTPAdapter):
    """Connections from one local address (the client side of the socket)."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@events.request.add_listener
def _record(name, response_time, exception, response=None, **kwargs):
    if exception is None:
        if name.startswith(SIGN_IN) or time.monotonic() >= MEASURE_FROM:
            _times[name].append(response_time)
        return
    _errors[name] += 1
    if len(_samples) < 20:
        status = getattr(response, "status_code", None)
        # Page type, status and the path only: no form data, no page content.
        path = urlsplit(getattr(response, "url", "") or "").path if response is not None else ""
        _samples.append(f"{name}: {status} {path} {type(exception).__name__}: {exception}"[:300])


@events.user_error.add_listener
def _user_error(user_instance, exception, tb, **kwargs):
    """An exception inside a task (not a failed request) is an error too."""
    _errors["task exception"] += 1
    if len(_samples) < 20:
        _samples.append(f"task exception: {type(exception).__name__}: {exception}"[:300])


@events.quitting.add_listener
def _write_report(environment, **kwargs):
    target = os.environ.get("LOAD_REPORT")
    if target:
        with open(target, "w") as out:
            json.dump({"times": _times, "errors": _errors, "samples": _samples}, out)


def _status(response) -> str:
    """The status for an error line: with what went wrong when there was none (locust
    reports a request that never got an answer, a refused or dropped connection, as 0)."""
    if response.status_code == 0 and getattr(response, "error", None) is not None:
        return f"0 ({type(response.error).__name__}: {response.error})"
    return str(response.status_code)


class SignedInUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(THINK[0], THINK[1])

    def on_start(self) -> None:
        accounts = PLAN["accounts"][self.role]
        self.account = accounts[next(_next_account[self.role]) % len(accounts)]
        self.client.mount("http://", SourceAddressAdapter(source_address(next(_numbers), SPREAD)))
        origin = "https://" + urlsplit(str(self.host)).netloc
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin})
        self.sign_in()

    def csrf(self) -> str:
        self.keep_cookies()
        for cookie in self.client.cookies:
            if cookie.name.endswith("csrftoken"):
                return cookie.value or ""
        return ""

    def keep_cookies(self) -> None:
        """Send the Secure cookies back over this loopback HTTP connection (the client
        would keep them to HTTPS otherwise; requests copies the jar per request, so its
        policy cannot be changed instead)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def sign_in(self) -> None:
        urls = PLAN["urls"]
        self.page("sign-in page", urls["login"])
        with self.client.post(
            urls["login"],
            data={
                "login": self.account["email"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            signed_in = response.status_code == 302 and response.headers.get(
                "Location", ""
            ).startswith(urls["mfa"])
            if not signed_in:
                response.failure(f"sign-in answered {_status(response)}, not the code page")
        if not signed_in:
            # One error, not one per page it would open without a session.
            raise StopUser()
        self.page("sign-in code page", urls["mfa"])
        wait = seconds_to_fresh_code()
        if wait:
            gevent.sleep(wait)
            # gunicorn closes a connection left idle for its keepalive (2 s); a request
            # written on it as it closes gets no answer at all (locust's status 0: three
            # of twenty codes once, in CI, under the sign-in phase's load). A browser sends
            # such a request again on a new connection; this client opens a new one after
            # its wait instead. Any answer the server gives still counts.
            self.client.close()
        with self.client.post(
            urls["mfa"],
            data={"code": totp_code(self.account["totp"]), "csrfmiddlewaretoken": self.csrf()},
            name="sign-in code",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            signed_in = response.status_code == 302
            if not signed_in:
                response.failure(f"code answered {_status(response)}, not a redirect")
        if not signed_in:
            raise StopUser()

    def page(self, name: str, url: str, *, preparing: bool = False) -> None:
        """GET `url`; anything but 200 (a redirect to sign-in too) is an error. Where the
        page may say it is being prepared (`preparing`: a large programme's dashboard
        while the worker counts it), that answer (202) is timed as a page type of its
        own, "… (being prepared)", so that it does not flatter the page's times."""
        self.keep_cookies()
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if preparing and r.status_code == 202:
                r.request_meta["name"] = f"{name} (being prepared)"
            elif r.status_code != 200:
                r.failure(f"answered {_status(r)}")


class Facilitator(SignedInUser):
    role = "facilitator"
    weight = 7

    @task(3)
    def home(self) -> None:
        self.page("facilitator home", PLAN["urls"]["home"])

    @task(3)
    def attendance(self) -> None:
        """The sheet, then two taps as the phone sends them (htmx)."""
        self.page("attendance sheet", self.account["attendance_sheet"])
        for _ in range(2):
            with self.client.post(
                self.account["attendance_mark"],
                data={
                    "participant": random.choice(self.account["participants"]),  # noqa: S311
                    "status": random.choice(["present", "absent", "excused"]),  # noqa: S311
                },
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf()},
                name="attendance save",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                if r.status_code != 200:
                    r.failure(f"answered {_status(r)}")

    @task(2)
    def participants(self) -> None:
        self.page("participant list", self.account["participant_list"])

    @task(1)
    def follow_ups(self) -> None:
        self.page("follow-up list", self.account["follow_up_list"])


class ProjectLead(SignedInUser):
    role = "project_lead"
    weight = 2

    @task(3)
    def home(self) -> None:
        self.page("lead home", PLAN["urls"]["home"])

    @task(2)
    def groups(self) -> None:
        self.page("group list", self.account["group_list"])

    @task(1)
    def group(self) -> None:
        self.page("group page", self.account["group_detail"])

    @task(1)
    def expenses(self) -> None:
        self.page("expense list", self.account["expense_list"])

    @task(1)
    def volunteers(self) -> None:
        self.page("volunteer list", self.account["volunteer_list"])

    @task(1)
    def report(self) -> None:
        self.page("grant report", self.account["grant_report"])


class Coordinator(SignedInUser):
    role = "programme_coordinator"
    weight = 1

    @task(3)
    def dashboard(self) -> None:
        self.page("dashboard", self.account["dashboard"], preparing=True)

    @task(1)
    def home(self) -> None:
        self.page("coordinator home", PLAN["urls"]["home"])

    @task(1)
    def groups(self) -> None:
        self.page("group list", self.account["group_list"])
