"""Conflicts are visible (issue 15, item 4; docs/decisions.md 46): when someone else
changed a person's mark after the sheet was shown, a tap still saves and the answer says
in one short line who had marked what, and when. Two clients, as two phones."""

import datetime as dt
import json
import uuid

from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance
from tests.helpers import mark_url, sheet_url

HTMX = {"HTTP_HX_REQUEST": "true"}


def _tap(client, meeting, participant, status, *, base=None, htmx=True):
    data = {"participant": participant.pk, "status": status}
    if base is not None:
        data["base"] = base
    return client.post(mark_url(meeting), data, **(HTMX if htmx else {}))


def _time(mark) -> str:
    return timezone.localtime(mark.tapped_at).strftime("%H:%M")


def test_the_sheet_sends_the_mark_it_showed(world):
    client = world.client_for("facilitator_a1")
    _tap(client, world.meeting_a1, world.participant_a1, "absent")
    page = client.get(sheet_url(world.meeting_a1)).text
    assert '<input type="hidden" name="base" value="absent">' in page


def test_a_tap_over_someone_elses_newer_mark_saves_and_says_who(world):
    facilitator = world.client_for("facilitator_a1")
    volunteer = world.client_for("volunteer_a1")
    person, meeting = world.participant_a1, world.meeting_a1
    # Both load the sheet: not marked yet. The volunteer marks absent first.
    assert _tap(volunteer, meeting, person, "absent", base="").status_code == 200
    theirs = Attendance.objects.get(meeting=meeting, participant=person)
    # The facilitator, from the sheet as it was loaded, taps present.
    response = _tap(facilitator, meeting, person, "present", base="")
    assert response.status_code == 200
    mark = Attendance.objects.get(meeting=meeting, participant=person)
    assert (mark.status, mark.marked_by) == ("present", world.users["facilitator_a1"])
    line = f"{world.users['volunteer_a1']} had marked absent at {_time(theirs)}"
    assert line in response.text
    assert 'class="attendance-replaced' in response.text
    # The row now carries the new mark as its base: the next tap is no conflict.
    assert '<input type="hidden" name="base" value="present">' in response.text
    again = _tap(facilitator, meeting, person, "excused", base="present")
    assert "had marked" not in again.text


def test_no_line_without_a_conflict(world):
    facilitator = world.client_for("facilitator_a1")
    volunteer = world.client_for("volunteer_a1")
    person, meeting = world.participant_a1, world.meeting_a1
    # My own earlier mark, changed by me: no conflict.
    _tap(facilitator, meeting, person, "absent", base="")
    assert "had marked" not in _tap(facilitator, meeting, person, "present", base="").text
    # Someone else's mark that the sheet showed: no conflict.
    assert "had marked" not in _tap(volunteer, meeting, person, "excused", base="present").text
    # Someone else chose the same as I do: nothing to tell.
    assert "had marked" not in _tap(facilitator, meeting, person, "excused", base="").text
    # An older page that does not send what it showed: nothing to compare with.
    _tap(volunteer, meeting, person, "absent", base="excused")
    assert "had marked" not in _tap(facilitator, meeting, person, "present").text


def test_a_plain_post_says_it_on_the_sheet(world):
    facilitator = world.client_for("facilitator_a1")
    volunteer = world.client_for("volunteer_a1")
    person, meeting = world.participant_a1, world.meeting_a1
    _tap(volunteer, meeting, person, "excused", base="")
    response = _tap(facilitator, meeting, person, "absent", base="", htmx=False)
    assert response.status_code == 302
    page = facilitator.get(response.url).text
    assert f"{person.full_name}: {world.users['volunteer_a1']} had marked excused" in page


def test_fifty_races_each_tell_the_one_who_replaced(world):
    """The audit's race: two people mark the same person differently from the same
    sheet. Every time, the second to arrive is told."""
    facilitator = world.client_for("facilitator_a1")
    volunteer = world.client_for("volunteer_a1")
    person, meeting = world.participant_a1, world.meeting_a1
    told = 0
    base = ""
    for i in range(50):
        first, second = (facilitator, volunteer) if i % 2 else (volunteer, facilitator)
        statuses = ("present", "absent") if i % 3 else ("absent", "excused")
        if statuses[0] == base:
            statuses = (statuses[1], statuses[0])
        _tap(first, meeting, person, statuses[0], base=base)
        response = _tap(second, meeting, person, statuses[1], base=base)
        told += "had marked" in response.text
        base = statuses[1]
    assert told == 50


def test_a_synced_tap_over_a_newer_mark_says_it_too(world):
    facilitator = world.client_for("facilitator_a1")
    volunteer = world.client_for("volunteer_a1")
    person, meeting = world.participant_a1, world.meeting_a1
    _tap(volunteer, meeting, person, "absent", base="")
    tap = {
        "client_id": str(uuid.uuid4()),
        "tapped_at": (timezone.now() + dt.timedelta(seconds=1)).isoformat(),
        "participant": person.pk,
        "status": "present",
        "base": "",
    }
    response = facilitator.post(
        reverse("attendance_sync", args=[meeting.pk]),
        json.dumps({"marks": [tap]}),
        content_type="application/json",
    )
    result = response.json()["results"][0]
    assert result["outcome"] == "applied"
    assert (
        f"{person.full_name}: {world.users['volunteer_a1']} had marked absent"
        in (result["message"])
    )
