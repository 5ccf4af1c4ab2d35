"""Issue 4's promise in a real browser at phone size: a facilitator opens today's meeting,
records 15 people in at most 16 taps, reloads, and every mark is still there. Plus axe
on the attendance sheet and the follow-up pages at phone and desktop size."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Attendance
from tests.e2e.helpers import PHONE, SIZES, assert_clean, blocking_violations, sign_in, size_name
from tests.factories import MeetingFactory, participant_in

pytestmark = pytest.mark.e2e

MAX_TAPS = 16


@pytest.fixture
def todays_meeting(world):
    """Group A1 with 15 enrolled participants (Ayse Demir and 14 more) and a meeting that
    started half an hour ago."""
    for i in range(14):
        participant_in(world.group_a1, full_name=f"Deelnemer {i + 1:02d}")
    now = timezone.now()
    return MeetingFactory(
        group=world.group_a1,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(minutes=90),
    )


def test_fifteen_people_in_at_most_sixteen_taps_on_a_phone(open_page, world, todays_meeting):
    meeting = todays_meeting
    people = list(world.group_a1.enrolments.order_by("participant__full_name"))
    people = [e.participant for e in people]
    assert len(people) == 15
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)

    # Open today's meeting from the home page.
    sheet_url = reverse("attendance_sheet", args=[meeting.pk])
    page.locator(f'main a[href="{sheet_url}"]').first.click()
    page.wait_for_url(watched.url("attendance_sheet", meeting.pk))
    count = page.locator("#attendance-count")
    expect(count).to_have_text("0 of 15 marked · 0 present")
    watched.screenshot("attendance-sheet-empty-phone")

    taps = 0

    def tap(selector):
        nonlocal taps
        button = page.locator(selector)
        button.scroll_into_view_if_needed()
        button.click()
        taps += 1
        return button

    # 1 tap: everyone present, then the exceptions.
    tap("#rest-present")
    expect(count).to_have_text("15 of 15 marked · 15 present")
    absent = [people[3], people[9]]
    excused = [people[12]]
    for person in absent:
        button = tap(f"#mark-{person.pk}-absent")
        expect(button).to_have_attribute("aria-pressed", "true")
    for person in excused:
        button = tap(f"#mark-{person.pk}-excused")
        expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text("15 of 15 marked · 12 present")
    # Tapping the same mark again is harmless.
    again = tap(f"#mark-{excused[0].pk}-excused")
    expect(again).to_have_attribute("aria-pressed", "true")
    assert taps <= MAX_TAPS, f"{taps} taps for 15 people"
    expect(page.locator("#attendance-offline-status")).to_have_text("All marks saved.")
    watched.screenshot("attendance-sheet-marked-phone")

    # Reload: every mark is still there, in the page and in the database.
    page.reload()
    expect(count).to_have_text("15 of 15 marked · 12 present")
    expected = {p.pk: "present" for p in people}
    expected.update({p.pk: "absent" for p in absent})
    expected.update({p.pk: "excused" for p in excused})
    for pk, status in expected.items():
        expect(page.locator(f"#mark-{pk}-{status}")).to_have_attribute("aria-pressed", "true")
    pressed = page.locator('.attendance-btn[aria-pressed="true"]')
    expect(pressed).to_have_count(15)
    stored = dict(
        Attendance.objects.filter(meeting=meeting).values_list("participant_id", "status")
    )
    assert stored == expected
    assert_clean(watched)


def test_a_guest_is_added_on_the_spot(open_page, world, todays_meeting):
    watched = open_page(PHONE)
    page = watched.page
    sign_in(watched, world.users["volunteer_a1"].email)
    page.goto(watched.url("attendance_sheet", todays_meeting.pk))
    page.locator("#id_name").fill("Hatice Arslan")
    page.locator("#id_is_trial").check()
    page.locator(".attendance-guest-form button[type=submit]").click()
    expect(page.get_by_text("Hatice Arslan · newcomer on trial")).to_be_visible()
    # The tap goes through the phone's queue (static/js/offline.js): wait until it is sent.
    expect(page.locator("#attendance-offline-status")).to_have_text("All marks saved.")
    guest = Attendance.objects.get(meeting=todays_meeting, participant__isnull=True)
    assert (guest.guest_name, guest.is_trial) == ("Hatice Arslan", True)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_attendance_pages_have_no_serious_accessibility_problems(
    open_page, world, todays_meeting, viewport
):
    Attendance.objects.create(
        meeting=todays_meeting, participant=world.participant_a1, status="excused"
    )
    Attendance.objects.create(meeting=todays_meeting, guest_name="Gast", status="present")
    watched = open_page(viewport)
    page = watched.page
    size = size_name(viewport)
    sign_in(watched, world.users["facilitator_a1"].email)
    problems = blocking_violations(page, "home with meetings")
    pages = [
        ("attendance sheet", watched.url("attendance_sheet", todays_meeting.pk)),
        ("people to call", watched.url("follow_up_list")),
        ("log a call", watched.url("follow_up_call_create", world.participant_a1.pk)),
        ("group detail", watched.url("group_detail", world.group_a1.pk)),
    ]
    for label, url in pages:
        page.goto(url)
        problems += blocking_violations(page, label)
        watched.screenshot(f"facilitator-{label.replace(' ', '-')}-{size}")
    assert problems == [], "axe found:\n" + "\n".join(problems)
    assert_clean(watched)


@pytest.mark.parametrize("viewport", SIZES)
def test_a_tap_over_someone_elses_newer_mark_says_who(open_page, world, todays_meeting, viewport):
    """Issue 15, item 4: the volunteer marks Ayse absent after the facilitator loaded the
    sheet; the facilitator's tap still saves and the sheet says who had marked what."""
    from meetings import services_attendance

    meeting, person = todays_meeting, world.participant_a1
    watched = open_page(viewport)
    page = watched.page
    sign_in(watched, world.users["facilitator_a1"].email)
    page.goto(watched.url("attendance_sheet", meeting.pk))
    expect(page.locator("#attendance-count")).to_have_text("0 of 15 marked · 0 present")
    services_attendance.attendance_mark(
        meeting=meeting, participant=person, status="absent", marked_by=world.users["volunteer_a1"]
    )
    page.locator(f"#mark-{person.pk}-present").click()
    expect(page.get_by_text(f"{world.users['volunteer_a1']} had marked absent")).to_be_visible()
    mark = Attendance.objects.get(meeting=meeting, participant=person)
    assert (mark.status, mark.marked_by) == ("present", world.users["facilitator_a1"])
    problems = blocking_violations(page, f"attendance conflict {size_name(viewport)}")
    assert problems == [], "\n".join(problems)
    assert_clean(watched)
