"""meetings.selectors_cocreation.cocreation_share, and its section on the group page.

Every expected number below is worked out by hand from the data each test makes."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Attendance
from meetings.selectors import held_meetings_counted
from meetings.selectors_cocreation import cocreation_share as share_of_held
from tests.factories import AMSTERDAM, IdeaFactory, MeetingFactory, participant_in


def cocreation_share(*, group):
    """The share as the group page computes it: from the group's held meetings."""
    return share_of_held(held=held_meetings_counted(group=group))


def held(group, day, organisers=()):
    meeting = MeetingFactory(group=group, day=day, status="held")
    meeting.organisers.add(*organisers)
    return meeting


def done(group, meeting, *, by=None, staff=None, status="done"):
    return IdeaFactory(
        group=group, meeting=meeting, status=status, proposed_by=by, proposed_by_staff=staff
    )


def test_no_data(world):
    share = cocreation_share(group=world.group_a2)
    assert share.per == ""
    assert share.periods == []
    assert share.proposed_share is None
    assert share.organised_share is None


@pytest.fixture
def three_months(world):
    """January to March 2026 in group A1: fewer than 6 months, so per month."""
    group = world.group_a1
    ayse = world.participant_a1
    fatma = participant_in(group, full_name="Fatma Kaya")
    staff = world.users["facilitator_a1"]
    jan_1 = held(group, dt.date(2026, 1, 6), organisers=[ayse, fatma])  # two organisers: once
    jan_2 = held(group, dt.date(2026, 1, 20))
    mar = held(group, dt.date(2026, 3, 17), organisers=[fatma])
    done(group, jan_1, by=ayse)
    done(group, jan_2, staff=staff)
    done(group, mar, by=fatma, status="reviewed")
    # Not counted: an idea still open, a done idea not linked to a meeting, a planned and a
    # cancelled meeting, and everything of another group.
    IdeaFactory(group=group, meeting=jan_1, status="idea", proposed_by=ayse)
    IdeaFactory(group=group, status="done", proposed_by=ayse)
    MeetingFactory(group=group, day=dt.date(2026, 2, 3))
    MeetingFactory(group=group, day=dt.date(2026, 2, 17), status="cancelled", change_reason="Storm")
    other = held(world.group_a2, dt.date(2026, 2, 10))
    done(world.group_a2, other, staff=staff)
    return group


def test_per_month_when_fewer_than_six_months(three_months):
    share = cocreation_share(group=three_months)
    assert share.per == "month"
    assert [p.start for p in share.periods] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert [p.label for p in share.periods] == ["January 2026", "February 2026", "March 2026"]
    january, february, march = share.periods
    # January: 2 activities, 1 proposed by a participant; 2 held meetings, 1 with organisers.
    assert (january.activities, january.proposed_by_participants) == (2, 1)
    assert (january.meetings_held, january.organised_with_participants) == (2, 1)
    assert (january.proposed_share, january.organised_share) == (50, 50)
    # February: only a planned and a cancelled meeting, which do not count.
    assert (february.activities, february.meetings_held) == (0, 0)
    assert (february.proposed_share, february.organised_share) == (None, None)
    # March: 1 of 1 and 1 of 1.
    assert (march.proposed_share, march.organised_share) == (100, 100)
    # Overall: 2 of 3 proposed, 2 of 3 organised with participants; 66.7 rounds to 67.
    assert (share.proposed_by_participants, share.activities) == (2, 3)
    assert (share.organised_with_participants, share.meetings_held) == (2, 3)
    assert (share.proposed_share, share.organised_share) == (67, 67)


def test_per_quarter_from_six_months(world):
    group = world.group_a1
    ayse = world.participant_a1
    staff = world.users["facilitator_a1"]
    feb = held(group, dt.date(2025, 2, 4), organisers=[ayse])
    mar = held(group, dt.date(2025, 3, 4))
    jul = held(group, dt.date(2025, 7, 1))  # February to July: 6 months of data
    done(group, feb, by=ayse)
    done(group, mar, staff=staff)
    done(group, mar, staff=staff)
    done(group, jul, by=ayse)
    share = cocreation_share(group=group)
    assert share.per == "quarter"
    assert [p.label for p in share.periods] == ["Q1 2025", "Q2 2025", "Q3 2025"]
    q1, q2, q3 = share.periods
    assert q1.start == dt.date(2025, 1, 1)
    # Q1: 3 activities, 1 by a participant (33 %); 2 held meetings, 1 with organisers (50 %).
    assert (q1.activities, q1.proposed_by_participants, q1.proposed_share) == (3, 1, 33)
    assert (q1.meetings_held, q1.organised_with_participants, q1.organised_share) == (2, 1, 50)
    assert (q2.activities, q2.meetings_held) == (0, 0)
    # Q3: 1 of 1 proposed by a participant; the meeting had no participant organising.
    assert (q3.proposed_share, q3.organised_share) == (100, 0)
    # Overall: 2 of 4 (50 %), 1 of 3 (33 %).
    assert (share.proposed_share, share.organised_share) == (50, 33)


def test_five_months_stay_monthly(world):
    held(world.group_a1, dt.date(2025, 1, 7))
    held(world.group_a1, dt.date(2025, 5, 27))
    share = cocreation_share(group=world.group_a1)
    assert share.per == "month"
    assert len(share.periods) == 5


def test_months_are_counted_in_amsterdam_time(world):
    """00:30 on 1 January in Amsterdam is still 31 December in UTC."""
    group = world.group_a1
    MeetingFactory(
        group=group,
        status="held",
        starts_at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=AMSTERDAM),
        ends_at=dt.datetime(2026, 1, 1, 2, 0, tzinfo=AMSTERDAM),
    )
    share = cocreation_share(group=group)
    assert [p.start for p in share.periods] == [dt.date(2026, 1, 1)]


def test_rounding_is_half_up(world):
    group = world.group_a1
    # 1 of 8 = 12.5 % -> 13 (Python's round() would give 12).
    meetings = [held(group, dt.date(2026, 1, 6 + n)) for n in range(8)]
    meetings[0].organisers.add(world.participant_a1)
    assert cocreation_share(group=group).organised_share == 13


@pytest.mark.parametrize("n", [3, 30])
def test_one_query_whatever_the_data(world, n, django_assert_num_queries):
    group = world.group_a1
    second = participant_in(group, full_name="Second Organiser")
    for i in range(n):
        meeting = held(group, dt.date(2025, 1, 1) + dt.timedelta(days=14 * i))
        # Two organisers and two done ideas at every meeting: neither is counted twice.
        meeting.organisers.add(world.participant_a1, second)
        done(group, meeting, by=world.participant_a1)
        done(group, meeting, staff=None)
        # Two marks too: the ideas and the marks are joined side by side.
        Attendance.objects.create(
            meeting=meeting, participant=world.participant_a1, status="present"
        )
        Attendance.objects.create(meeting=meeting, participant=second, status="absent")
    with django_assert_num_queries(1):
        # the held meetings, each with its marks and done ideas counted and whether a
        # participant organised it
        counted = held_meetings_counted(group=group)
    assert {(m.marked, m.present, m.done_ideas, m.done_by_participants) for m in counted} == {
        (2, 1, 2, 1)
    }
    assert all(m.organised for m in counted)
    share = share_of_held(held=counted)
    assert share.activities == 2 * n
    assert share.proposed_share == 50
    assert share.organised_share == 100


# --- the section on the group page ------------------------------------------------------


def _group_url(world):
    return reverse("group_detail", args=[world.group_a1.pk])


def test_group_page_shows_the_numbers(world, three_months):
    response = world.client_for("facilitator_a1").get(_group_url(world))
    text = response.text
    assert "Activities proposed by participants: 2 of 3 (67 %)" in text
    assert "Meetings organised with participants: 2 of 3 (67 %)" in text
    assert "January 2026: 1 of 2" in text  # chart label with the numbers
    assert "Share of activities proposed by participants (%)" in text
    assert "Per month." in text
    assert reverse("idea_board", args=[world.group_a1.pk]) in text
    assert reverse("walking_buddies", args=[world.group_a1.pk]) in text


def test_coordinator_sees_numbers_but_no_links(world, three_months):
    response = world.client_for("coordinator").get(_group_url(world))
    text = response.text
    assert "Activities proposed by participants: 2 of 3 (67 %)" in text
    assert reverse("idea_board", args=[world.group_a1.pk]) not in text
    assert reverse("agreement_list", args=[world.group_a1.pk]) not in text
    assert "Ayse Demir" not in text


def test_volunteer_gets_board_and_agreements_but_not_buddies(world):
    text = world.client_for("volunteer_a1").get(_group_url(world)).text
    assert reverse("idea_board", args=[world.group_a1.pk]) in text
    assert reverse("agreement_list", args=[world.group_a1.pk]) in text
    assert reverse("walking_buddies", args=[world.group_a1.pk]) not in text


def test_group_page_without_data(world):
    text = world.client_for("lead_a").get(reverse("group_detail", args=[world.group_a2.pk])).text
    assert "No held meetings or activities done yet." in text


def test_chart_bars_are_scaled_to_100_percent(world, three_months):
    response = world.client_for("facilitator_a1").get(_group_url(world))
    proposed = response.context["cocreation_charts"][0]
    # January 50 %, March 100 % of a 360-unit bar (not scaled to the largest value).
    assert [(row.display, row.bar_width) for row in proposed.rows] == [
        ("50", "180"),
        ("100", "360"),
    ]
