"""Issue 13 in a real browser: the attendance sheet without a connection.

Playwright's offline mode (`context.set_offline(True)`) cuts the browser off; the service
worker (static/js/sw.js) serves the kept sheet and static/js/offline.js queues the taps
in IndexedDB. Checked: 15 marks made offline survive a reload and arrive exactly once;
a batch sent twice stays 15; two phones marking one person differently follow decision
34 and the loser is told; sign-out leaves no cache and no database; a slow connection
(taps while a request is in flight); and the fallback without IndexedDB."""

import datetime as dt
import json
import time
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance, AttendanceTap, TapOutcome
from tests.e2e.helpers import (
    PHONE,
    SIZES,
    assert_clean,
    blocking_violations,
    open_main_nav,
    sign_in,
    size_name,
)
from tests.factories import MeetingFactory, participant_in

pytestmark = pytest.mark.e2e

SAVED = "All marks saved."
WAITING_15 = "No connection — 15 marks will be sent when you are online."

KEPT_PAGES = """async () => {
  if (!(await caches.has('stetapp-pages'))) return [];
  const cache = await caches.open('stetapp-pages');
  return (await cache.keys()).map(r => new URL(r.url).pathname);
}"""
QUEUED = """() => new Promise((resolve) => {
  const request = indexedDB.open('stetapp-offline');
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains('queue')) { db.close(); resolve(0); return; }
    const count = db.transaction('queue').objectStore('queue').count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
  request.onerror = () => resolve(-1);
})"""
STORAGE = """async () => ({
  caches: await caches.keys(),
  databases: (await indexedDB.databases()).map(d => d.name),
})"""


@pytest.fixture
def meeting(world):
    """Group A1 with 15 enrolled participants and a meeting that started an hour ago."""
    for i in range(14):
        participant_in(world.group_a1, full_name=f"Deelnemer {i + 1:02d}")
    now = timezone.now()
    return MeetingFactory(
        group=world.group_a1,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )


def _people(world):
    return [e.participant for e in world.group_a1.enrolments.order_by("participant__full_name")]


def _wait_for(page, script, check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last value {value!r}")
        page.wait_for_timeout(100)


def _open_sheet_ready(watched, meeting):
    """Open the sheet online and wait until the service worker controls it and the sheet
    is kept on the phone."""
    page = watched.page
    page.goto(watched.url("attendance_sheet", meeting.pk))
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        # The worker was installed while this page loaded: the next load is its own.
        page.reload()
    page.locator("[data-offline-ready]").wait_for(state="attached")
    _wait_for(page, "() => !!navigator.serviceWorker.controller", bool)
    sheet = watched.url("attendance_sheet", meeting.pk).removeprefix(watched.base_url)
    _wait_for(page, KEPT_PAGES, lambda kept: sheet in kept)
    page.wait_for_load_state("networkidle")


def _expected(people):
    """12 present, 2 absent, 1 excused: one tap each."""
    statuses = {p.pk: "present" for p in people}
    statuses[people[3].pk] = "absent"
    statuses[people[9].pk] = "absent"
    statuses[people[12].pk] = "excused"
    return statuses


def _tap_all(page, statuses):
    for pk, status in statuses.items():
        button = page.locator(f"#mark-{pk}-{status}")
        button.scroll_into_view_if_needed()
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")


def test_fifteen_marks_offline_survive_a_reload_and_arrive_once(open_page, world, meeting):
    people = _people(world)
    assert len(people) == 15
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    _open_sheet_ready(watched, meeting)
    status = page.locator("#attendance-offline-status")
    count = page.locator("#attendance-count")

    page.context.set_offline(True)
    statuses = _expected(people)
    _tap_all(page, statuses)
    expect(status).to_have_text(WAITING_15)
    expect(count).to_have_text("15 of 15 marked · 12 present")
    watched.screenshot("attendance-offline-waiting-phone")

    # Reload without a connection: the kept sheet, with the 15 marks from the queue.
    page.reload()
    page.locator("[data-offline-ready]").wait_for(state="attached")
    expect(count).to_have_text("15 of 15 marked · 12 present")
    expect(status).to_have_text(WAITING_15)
    for pk, mark in statuses.items():
        expect(page.locator(f"#mark-{pk}-{mark}")).to_have_attribute("aria-pressed", "true")
    assert Attendance.objects.filter(meeting=meeting).count() == 0

    # The first batch reaches the server but its answer is lost: the phone sends again.
    sent = []

    def lose_first_answer(route):
        sent.append(json.loads(route.request.post_data))
        response = route.fetch()
        if len(sent) == 1:
            assert response.status == 200
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/attendance/sync", lose_first_answer)
    page.context.set_offline(False)
    expect(status).to_have_text(SAVED, timeout=40_000)
    assert len(sent) >= 2
    first_ids = {m["client_id"] for m in sent[0]["marks"]}
    assert len(first_ids) == 15 and {m["client_id"] for m in sent[1]["marks"]} == first_ids
    stored = dict(
        Attendance.objects.filter(meeting=meeting).values_list("participant_id", "status")
    )
    assert stored == statuses
    assert AttendanceTap.objects.filter(meeting=meeting).count() == 15

    # The same batch sent once more, by hand: still 15.
    page.unroute("**/attendance/sync")
    outcomes = page.evaluate(
        """async ([url, body]) => {
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
            const r = await fetch(url, {method: 'POST', body: JSON.stringify(body),
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
            return (await r.json()).results.map(x => x.outcome);
        }""",
        [sent[0]["marks"][0]["sync_url"], sent[0]],
    )
    assert outcomes == ["duplicate"] * 15
    assert Attendance.objects.filter(meeting=meeting).count() == 15
    assert AttendanceTap.objects.filter(meeting=meeting).count() == 15
    page.reload()
    expect(count).to_have_text("15 of 15 marked · 12 present")
    assert_clean(watched)


def test_two_phones_mark_one_person_differently(open_page, world, meeting, browser):
    person = world.participant_a1
    phone_a = open_page(PHONE)
    phone_b = open_page(PHONE)
    sign_in(phone_a, world.users["facilitator_a1"].email)
    sign_in(phone_b, world.users["volunteer_a1"].email)
    _open_sheet_ready(phone_a, meeting)
    _open_sheet_ready(phone_b, meeting)

    # Phone A has no connection and marks Ayse absent first.
    phone_a.page.context.set_offline(True)
    phone_a.page.locator(f"#mark-{person.pk}-absent").click()
    phone_a.page.wait_for_timeout(300)
    # Phone B, online, marks her present a moment later: saved at once.
    phone_b.page.locator(f"#mark-{person.pk}-present").click()
    expect(phone_b.page.locator("#attendance-offline-status")).to_have_text(SAVED)
    # Phone A comes back: its earlier tap loses, and phone A is told who decided.
    phone_a.page.context.set_offline(False)
    expect(phone_a.page.locator("#attendance-offline-status")).to_have_text(SAVED, timeout=30_000)
    volunteer = str(world.users["volunteer_a1"])
    expect(phone_a.page.locator("#attendance-notes")).to_contain_text(
        f"Ayse Demir: {volunteer} marked present later; that mark stays."
    )
    expect(phone_a.page.locator(f"#mark-{person.pk}-present")).to_have_attribute(
        "aria-pressed", "true"
    )
    mark = Attendance.objects.get(meeting=meeting, participant=person)
    assert (mark.status, mark.marked_by) == ("present", world.users["volunteer_a1"])
    phone_a.screenshot("attendance-offline-conflict-phone")
    assert_clean(phone_a)
    assert_clean(phone_b)


def test_sign_out_leaves_nothing_on_the_phone(open_page, world, meeting):
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["volunteer_a1"].email)
    _open_sheet_ready(watched, meeting)
    page.locator(f"#mark-{world.participant_a1.pk}-present").click()
    expect(page.locator("#attendance-offline-status")).to_have_text(SAVED)
    kept = page.evaluate(STORAGE)
    assert "stetapp-pages" in kept["caches"] and "stetapp-offline" in kept["databases"]

    open_main_nav(watched)
    page.locator("#main-nav .dropdown-toggle").last.click()
    page.locator("form[data-offline-sign-out] button").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.evaluate(STORAGE) == {"caches": [], "databases": []}
    # Without a connection the sheet is gone too.
    page.context.set_offline(True)
    page.goto(watched.url("attendance_sheet", meeting.pk))
    expect(page.locator("h1").first).to_have_text("Geen verbinding")
    assert_clean(watched)


def test_everything_kept_expires_after_48_hours(open_page, world, meeting):
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    _open_sheet_ready(watched, meeting)
    page.context.set_offline(True)
    # Pretend the last contact and the copies are 49 hours old.
    page.evaluate(
        """async () => {
          const old = Date.now() - 49 * 3600 * 1000;
          const db = await new Promise(r => { const q = indexedDB.open('stetapp-offline');
            q.onsuccess = () => r(q.result); });
          await new Promise(r => { const tx = db.transaction('meta', 'readwrite');
            tx.objectStore('meta').put(old, 'contactAt'); tx.oncomplete = r; });
          db.close();
          const cache = await caches.open('stetapp-pages');
          for (const request of await cache.keys()) {
            const response = await cache.match(request);
            const headers = new Headers(response.headers);
            headers.set('X-Stetapp-Stored-At', String(old));
            await cache.put(request, new Response(await response.blob(), {headers}));
          }
        }"""
    )
    page.reload()
    expect(page.locator("h1").first).to_have_text("Geen verbinding")
    assert _wait_for(page, KEPT_PAGES, lambda kept: kept == []) == []


def test_slow_connection_taps_while_a_request_is_in_flight(open_page, world, meeting):
    people = _people(world)
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    _open_sheet_ready(watched, meeting)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 1500,
            "downloadThroughput": 20_000,
            "uploadThroughput": 20_000,
        },
    )
    batches = []
    page.on(
        "request",
        lambda r: (
            batches.append(len(json.loads(r.post_data)["marks"]))
            if r.url.endswith("/attendance/sync")
            else None
        ),
    )
    statuses = _expected(people)
    _tap_all(page, statuses)  # 15 quick taps; the first request is still on its way
    status = page.locator("#attendance-offline-status")
    expect(status).to_have_text(SAVED, timeout=40_000)
    assert 1 < len(batches) < 15, batches  # taps made in flight went in later batches
    assert sum(batches) == 15
    stored = dict(
        Attendance.objects.filter(meeting=meeting).values_list("participant_id", "status")
    )
    assert stored == statuses
    assert AttendanceTap.objects.filter(meeting=meeting).count() == 15
    assert_clean(watched)


def test_without_indexeddb_the_sheet_posts_each_tap_as_before(open_page, world, meeting):
    watched = open_page(PHONE)
    page = watched.page
    page.add_init_script("Object.defineProperty(window, 'indexedDB', {value: undefined});")
    sign_in(watched, world.users["facilitator_a1"].email)
    page.goto(watched.url("attendance_sheet", meeting.pk))
    button = page.locator(f"#mark-{world.participant_a1.pk}-excused")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#attendance-count")).to_have_text("1 of 15 marked · 0 present")
    assert page.locator("[data-offline-ready]").count() == 0
    assert Attendance.objects.get(meeting=meeting, participant=world.participant_a1).status == (
        "excused"
    )
    assert not AttendanceTap.objects.exists()
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_offline_pages_have_no_serious_accessibility_problems(open_page, world, meeting, viewport):
    # A mark kept aside (made offline before the meeting moved) shows its own section.
    AttendanceTap.objects.create(
        client_id=uuid.uuid4(),
        meeting=meeting,
        participant=world.participant_a1,
        status="present",
        tapped_at=meeting.starts_at,
        tapped_by=world.users["volunteer_a1"],
        outcome=TapOutcome.HELD,
    )
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    _open_sheet_ready(watched, meeting)
    page.context.set_offline(True)
    page.locator(f"#mark-{world.participant_a1.pk}-absent").click()
    expect(page.locator("#attendance-offline-status")).to_contain_text("No connection")
    expect(page.locator("#held-heading")).to_be_visible()
    problems = blocking_violations(page, "offline sheet")
    watched.screenshot(f"attendance-offline-{size_name(viewport)}")
    page.goto(watched.url("offline_list"))  # kept: served by the service worker
    expect(page.locator("h1")).to_have_text("Attendance without a connection")
    problems += blocking_violations(page, "offline list")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    assert_clean(watched)


def test_a_paper_list_is_entered_with_one_tap_per_person_not_present(open_page, world):
    """The meeting was three days ago and attendance was kept on paper: everyone else
    present, then one tap per person who was absent or excused."""
    for i in range(14):
        participant_in(world.group_a1, full_name=f"Deelnemer {i + 1:02d}")
    now = timezone.now()
    past = MeetingFactory(
        group=world.group_a1,
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=3) + dt.timedelta(hours=2),
    )
    people = _people(world)
    not_present = {people[2].pk: "absent", people[7].pk: "excused"}
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    page.goto(watched.url("attendance_sheet", past.pk))
    page.locator("[data-offline-ready]").wait_for(state="attached")
    taps = 1
    page.locator("#rest-present").click()
    for pk, status in not_present.items():
        page.locator(f"#mark-{pk}-{status}").click()
        taps += 1
    expect(page.locator("#attendance-offline-status")).to_have_text(SAVED)
    expect(page.locator("#attendance-count")).to_have_text("15 of 15 marked · 13 present")
    assert taps == 1 + len(not_present)
    stored = dict(Attendance.objects.filter(meeting=past).values_list("participant_id", "status"))
    assert stored == {p.pk: not_present.get(p.pk, "present") for p in people}
    assert_clean(watched)


def test_when_the_role_ends_the_sheets_go_on_the_next_contact(open_page, world, meeting):
    from groups.models import Membership

    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["volunteer_a1"].email)
    _open_sheet_ready(watched, meeting)
    Membership.objects.filter(user=world.users["volunteer_a1"], group=world.group_a1).delete()
    page.goto(watched.url("home"))
    assert _wait_for(page, KEPT_PAGES, lambda kept: kept == []) == []
    page.context.set_offline(True)
    page.goto(watched.url("attendance_sheet", meeting.pk))
    expect(page.locator("h1").first).to_have_text("Geen verbinding")


def test_marks_made_after_the_session_ended_are_sent_after_signing_in(open_page, world, meeting):
    from django.contrib.sessions.models import Session

    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    _open_sheet_ready(watched, meeting)
    page.context.set_offline(True)
    page.locator(f"#mark-{world.participant_a1.pk}-excused").click()
    expect(page.locator("#attendance-offline-status")).to_contain_text("No connection — 1 mark")
    Session.objects.all().delete()  # the session ends while the phone is offline
    page.context.set_offline(False)
    expect(page.locator("#attendance-offline-status")).to_have_text(
        "You are signed out: 1 mark is kept on this phone. Sign in again to send it.",
        timeout=30_000,
    )
    # The names went at once; the tap (no names) stays for the same user.
    assert _wait_for(page, KEPT_PAGES, lambda kept: kept == []) == []
    assert not Attendance.objects.filter(meeting=meeting).exists()
    sign_in(watched, world.users["facilitator_a1"].email)
    deadline = time.monotonic() + 20
    while not Attendance.objects.filter(meeting=meeting).exists():
        assert time.monotonic() < deadline, "the kept tap was not sent after signing in"
        page.wait_for_timeout(200)
    mark = Attendance.objects.get(meeting=meeting, participant=world.participant_a1)
    assert mark.status == "excused"
    assert_clean(watched)


def test_a_stale_security_token_never_costs_a_mark(open_page, world, meeting):
    # The phone's CSRF token is refused (signed in again in another window, say) even
    # after it asked the server for a fresh one. That is not a refusal of the marks: they
    # stay on the phone and go with the next try.
    people = _people(world)
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    _open_sheet_ready(watched, meeting)
    status = page.locator("#attendance-offline-status")
    page.context.set_offline(True)
    statuses = {people[0].pk: "present", people[1].pk: "absent"}
    _tap_all(page, statuses)
    expect(status).to_contain_text("No connection — 2 marks")

    refused = []

    def stale_token(route):
        refused.append(route.request.url)
        route.continue_(headers={**route.request.headers, "x-csrftoken": "stale" + "x" * 59})

    page.route("**/attendance/sync", stale_token)
    page.context.set_offline(False)
    # The first try, then the retry with the token the server gave: both refused by
    # Django's CSRF check.
    deadline = time.monotonic() + 30
    while len(refused) < 2:
        assert time.monotonic() < deadline, "the phone did not send the marks"
        page.wait_for_timeout(100)
    page.wait_for_timeout(1000)
    assert not Attendance.objects.filter(meeting=meeting).exists()
    expect(status).to_contain_text("2 marks")
    assert _wait_for(page, QUEUED, lambda n: n == 2) == 2

    page.unroute("**/attendance/sync")
    expect(status).to_have_text(SAVED, timeout=40_000)  # the phone tries again by itself
    stored = dict(
        Attendance.objects.filter(meeting=meeting).values_list("participant_id", "status")
    )
    assert stored == statuses
