"""The programme dashboard (reporting/views_dashboard.py, reporting/selectors_dashboard.py): every
number on a scripted programme, the at-risk rules on a fixed day, suppression, no personal
data in the page or the workbook, access, and a fixed number of queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from funding.models import VolunteerHours
from groups.models import Role
from meetings.models import Attendance
from participants.models import Enrolment, Participant
from tests.factories import (
    AMSTERDAM,
    EnrolmentFactory,
    GroupFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
    VolunteerFactory,
    city,
    grant_role,
)

# Sunday 22 November 2026, noon in Amsterdam.
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()
ROTTERDAM, THE_HAGUE = "GM0599", "GM0518"
PERSON = "Fatma Testperson"  # every participant's name starts with this
HELPER = "Hasan Helper"  # every volunteer's name starts with this


def _people(group, n, *, joined=dt.date(2025, 1, 15), left=None, prefix=""):
    people = []
    for i in range(n):
        person = ParticipantFactory(
            group=group, full_name=f"{PERSON} {group.name} {prefix}{i}", status="joined"
        )
        EnrolmentFactory(
            participant=person,
            group=group,
            joined_on=joined,
            left_on=left,
            leave_reason="moved" if left else "",
        )
        people.append(person)
    return people


def _meeting(group, day, *, status="planned", present=(), absent=(), guest=False, reason=""):
    meeting = MeetingFactory(group=group, day=day, status=status, change_reason=reason)
    marks = [Attendance(meeting=meeting, participant=p, status="present") for p in present]
    marks += [Attendance(meeting=meeting, participant=p, status="absent") for p in absent]
    if guest:
        marks.append(Attendance(meeting=meeting, guest_name="A guest", status="present"))
    Attendance.objects.bulk_create(marks)
    return meeting


class Scripted:
    """A programme with two organisations and five groups:

    - Sunrise (X, Rotterdam, Turkish, women, running): 12 meetings every other week from
      2 June to 3 November, 4 of 5 present at each; a past meeting without attendance on
      17 November; two planned in December. Meets the norm, not at risk.
    - Harbour (X, Rotterdam, Moroccan, men, running): six meetings from 1 September to
      10 November with 5, 5, 4, 4, 3, 3 of 5 present (a guest too on 10 November); one
      planned in December and one cancelled. Falling attendance (93 → 67), 7 projected.
    - Lighthouse (Y, The Hague, Surinamese, mixed, running): held monthly (status held, no
      attendance) on 9 December 2025 and from January to 27 October 2026; an older one on
      10 November 2025. 11 in the last 12 months; no meeting for 26 days.
    - Garden (Y, The Hague, Turkish, women, recruiting): no meetings.
    - Bridge (X, The Hague, Moroccan, mixed, ended): two meetings in January (one marked
      held, one with 2 of 3 present), participants who left on 1 February.
    """

    def __init__(self):
        self.programme = ProgrammeFactory(name="North programme")
        self.org_x = OrganisationFactory(name="Organisation X", city=city(ROTTERDAM))
        self.org_y = OrganisationFactory(name="Organisation Y", city=city(THE_HAGUE))
        self.programme.organisations.add(self.org_x, self.org_y)
        self.coordinator = UserFactory(email="north.coordinator@example.org")
        grant_role(self.coordinator, Role.PROGRAMME_COORDINATOR, self.programme)
        hague = city(THE_HAGUE)
        self.sunrise = GroupFactory(
            organisation=self.org_x, name="Sunrise", community="Turkish", composition="women"
        )
        self.harbour = GroupFactory(
            organisation=self.org_x, name="Harbour", community="Moroccan", composition="men"
        )
        self.lighthouse = GroupFactory(
            organisation=self.org_y, name="Lighthouse", community="Surinamese", composition="mixed"
        )
        self.garden = GroupFactory(
            organisation=self.org_y,
            name="Garden",
            community="Turkish",
            composition="women",
            status="recruiting",
        )
        self.bridge = GroupFactory(
            organisation=self.org_x,
            name="Bridge",
            city=hague,
            community="Moroccan",
            composition="mixed",
            status="ended",
        )

        # Sunrise: 5 participants, 12 meetings, 4 present each.
        sunrise = _people(self.sunrise, 5)
        first = dt.date(2026, 6, 2)
        for k in range(12):
            _meeting(
                self.sunrise,
                first + dt.timedelta(weeks=2 * k),
                status="held" if k % 2 else "planned",
                present=sunrise[:4],
                absent=sunrise[4:],
            )
        _meeting(self.sunrise, dt.date(2026, 11, 17))
        _meeting(self.sunrise, dt.date(2026, 12, 1))
        _meeting(self.sunrise, dt.date(2026, 12, 15))

        # Harbour: 5 current participants, one who left this year, one who left last year.
        harbour = _people(self.harbour, 5)
        _people(self.harbour, 1, left=dt.date(2026, 3, 1), prefix="left ")
        _people(self.harbour, 1, left=dt.date(2025, 6, 1), prefix="long gone ")
        for day, n_present in zip(
            [dt.date(2026, 9, 1) + dt.timedelta(weeks=2 * k) for k in range(6)],
            [5, 5, 4, 4, 3, 3],
            strict=True,
        ):
            _meeting(
                self.harbour,
                day,
                status="held",
                present=harbour[:n_present],
                absent=harbour[n_present:],
                guest=day == dt.date(2026, 11, 10),
            )
        _meeting(self.harbour, dt.date(2026, 12, 8))
        _meeting(self.harbour, dt.date(2026, 11, 24), status="cancelled", reason="Holiday")

        # Lighthouse: 7 participants; held without attendance.
        _people(self.lighthouse, 7)
        _meeting(self.lighthouse, dt.date(2025, 11, 10), status="held")
        _meeting(self.lighthouse, dt.date(2025, 12, 9), status="held")
        for month in range(1, 11):
            _meeting(self.lighthouse, dt.date(2026, month, 13 if month < 10 else 27), status="held")

        # Garden: 2 joined in November, and one of Sunrise's participants joined too.
        _people(self.garden, 2, joined=dt.date(2026, 11, 1))
        EnrolmentFactory(participant=sunrise[0], group=self.garden, joined_on=dt.date(2026, 11, 1))

        # Bridge: 3 who left on 1 February; 2 of 3 present on 27 January.
        bridge = _people(self.bridge, 3, left=dt.date(2026, 2, 1))
        _meeting(self.bridge, dt.date(2026, 1, 13), status="held")
        _meeting(self.bridge, dt.date(2026, 1, 27), present=bridge[:2], absent=bridge[2:])

        # Volunteers: X has 6 active ones with a group (one in two groups), an inactive one
        # and one without a group; Y has 2.
        x_volunteers = [
            VolunteerFactory(organisation=self.org_x, full_name=f"{HELPER} X{i}") for i in range(6)
        ]
        for volunteer in x_volunteers:
            volunteer.groups.add(self.sunrise)
        x_volunteers[0].groups.add(self.harbour)
        inactive = VolunteerFactory(
            organisation=self.org_x, full_name=f"{HELPER} inactive", active=False
        )
        inactive.groups.add(self.sunrise)
        VolunteerFactory(organisation=self.org_x, full_name=f"{HELPER} without a group")
        y_volunteers = [
            VolunteerFactory(organisation=self.org_y, full_name=f"{HELPER} Y{i}") for i in range(2)
        ]
        for volunteer in y_volunteers:
            volunteer.groups.add(self.lighthouse)
        for volunteer, group, day, hours in [
            (x_volunteers[0], self.sunrise, dt.date(2026, 6, 2), "2.5"),
            (x_volunteers[0], self.harbour, dt.date(2026, 9, 1), "4"),
            (x_volunteers[1], self.sunrise, dt.date(2026, 10, 6), "1.25"),
            (x_volunteers[1], self.sunrise, dt.date(2025, 12, 1), "3"),  # last year
            (y_volunteers[0], self.lighthouse, dt.date(2026, 3, 13), "3"),
        ]:
            VolunteerHours.objects.create(
                volunteer=volunteer, group=group, worked_on=day, hours=Decimal(hours)
            )

    def client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.coordinator)
        return client

    def url(self, **query):
        from urllib.parse import urlencode

        base = reverse("programme_dashboard", args=[self.programme.pk])
        return f"{base}?{urlencode(query)}" if query else base


@pytest.fixture
def traveller():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def scripted(db, traveller):
    return Scripted()


def _dashboard(scripted, **query):
    response = scripted.client().get(scripted.url(**query))
    assert response.status_code == 200
    return response, response.context["dashboard"]


def _table(cross):
    return {row["label"]: (row["counts"], row["total"]) for row in cross.rows}


# --- every number ----------------------------------------------------------------------


def test_groups_by_city_and_status(scripted):
    _response, dashboard = _dashboard(scripted)
    assert [c.value for c in dashboard.by_city_status.columns] == [
        "preparing",
        "recruiting",
        "running",
        "continuing",
        "ended",
    ]
    assert _table(dashboard.by_city_status) == {
        "'s-Gravenhage": ([0, 1, 1, 0, 1], 3),
        "Rotterdam": ([0, 0, 2, 0, 0], 2),
    }
    assert dashboard.by_city_status.totals == {"counts": [0, 1, 3, 0, 1], "total": 5}
    assert dashboard.group_count == 5


def test_table_1_groups_by_community_and_composition(scripted):
    response, dashboard = _dashboard(scripted)
    assert [c.value for c in dashboard.by_community_composition.columns] == [
        "women",
        "men",
        "mixed",
    ]
    assert _table(dashboard.by_community_composition) == {
        "Moroccan": ([0, 1, 1], 2),
        "Surinamese": ([0, 0, 1], 1),
        "Turkish": ([2, 0, 0], 2),
    }
    assert dashboard.by_community_composition.totals == {"counts": [2, 1, 2], "total": 5}
    body = response.content.decode()
    assert "Groups by community and composition" in body
    assert "Surinamese" in body


def test_meetings_held_against_the_norm(scripted):
    _response, dashboard = _dashboard(scripted)
    held = {row.group.name: (row.held_last_year, row.meets_norm) for row in dashboard.norm_rows}
    # Sunrise: the 17 November meeting has no attendance, so it was not held.
    # Lighthouse: 9 December 2025 and ten in 2026; 10 November 2025 is over a year ago.
    # Bridge (ended) is listed because it met; Garden (recruiting, no meetings) is not.
    assert held == {
        "Sunrise": (12, True),
        "Harbour": (6, False),
        "Lighthouse": (11, True),
        "Bridge": (2, False),
    }
    assert dashboard.meeting_norm_count == 2
    assert dashboard.since == dt.date(2025, 11, 22)


def test_attendance_trend_per_month(scripted):
    response, dashboard = _dashboard(scripted)
    months = {m.month: (m.marked_display, m.present_display, m.rate) for m in dashboard.trend}
    assert list(months)[0] == dt.date(2025, 12, 1)
    assert list(months)[-1] == dt.date(2026, 11, 1)
    assert len(months) == 12
    assert months == {
        dt.date(2025, 12, 1): ("0", "0", None),
        # Bridge: 2 of 3 present; too few marks to show, and no rate.
        dt.date(2026, 1, 1): ("<5", "–", None),
        dt.date(2026, 2, 1): ("0", "0", None),
        dt.date(2026, 3, 1): ("0", "0", None),
        dt.date(2026, 4, 1): ("0", "0", None),
        dt.date(2026, 5, 1): ("0", "0", None),
        dt.date(2026, 6, 1): ("15", "12", 80),
        dt.date(2026, 7, 1): ("10", "8", 80),
        dt.date(2026, 8, 1): ("10", "8", 80),
        # Sunrise 8 of 10, Harbour 5 + 5 + 4 of 15: 22 of 25.
        dt.date(2026, 9, 1): ("25", "22", 88),
        # Sunrise 8 of 10, Harbour 4 + 3 of 10: 15 of 20.
        dt.date(2026, 10, 1): ("20", "15", 75),
        # Sunrise 4 of 5, Harbour 3 of 5 (the guest does not count): 7 of 10.
        dt.date(2026, 11, 1): ("10", "7", 70),
    }
    chart = dashboard.trend_chart
    assert [p.rate for p in chart.points] == [80, 80, 80, 88, 75, 70]
    assert len(chart.lines) == 1  # June to November, unbroken
    body = response.content.decode()
    assert "<polyline" in body and "style=" not in body
    assert "88 %" in body


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # The scripted day: Harbour's attendance falls and it has 7 meetings this year;
        # Lighthouse last met on 27 October, 26 days ago.
        (
            dt.datetime(2026, 11, 22, 12, tzinfo=AMSTERDAM),
            {
                "Harbour": ["falling_attendance", "few_meetings_projected"],
                "Lighthouse": ["no_recent_meeting"],
            },
        ),
        # 17 November: Lighthouse's last meeting was 21 days ago, not yet more.
        (
            dt.datetime(2026, 11, 17, 12, tzinfo=AMSTERDAM),
            {"Harbour": ["falling_attendance", "few_meetings_projected"]},
        ),
        # 12 October: Harbour has had only three meetings (nothing to compare yet);
        # Sunrise's last meeting was 6 October.
        # Lighthouse's last meeting was 13 September (27 October is still to come).
        (
            dt.datetime(2026, 10, 12, 12, tzinfo=AMSTERDAM),
            {"Harbour": ["few_meetings_projected"], "Lighthouse": ["no_recent_meeting"]},
        ),
        # 25 November: Sunrise's last held meeting (3 November) is 22 days ago.
        (
            dt.datetime(2026, 11, 25, 12, tzinfo=AMSTERDAM),
            {
                "Sunrise": ["no_recent_meeting"],
                "Harbour": ["falling_attendance", "few_meetings_projected"],
                "Lighthouse": ["no_recent_meeting"],
            },
        ),
    ],
)
def test_groups_at_risk(scripted, day, expected):
    with time_machine.travel(day, tick=False):
        _response, dashboard = _dashboard(scripted)
    assert {item.group.name: item.codes for item in dashboard.at_risk} == expected


def test_at_risk_reasons_are_explained(scripted):
    response, dashboard = _dashboard(scripted)
    reasons = {item.group.name: [r.text for r in item.reasons] for item in dashboard.at_risk}
    assert reasons["Harbour"] == [
        "Attendance fell from 93 % to 67 % on average.",
        "Only 7 meetings held or planned in 2026.",
    ]
    assert reasons["Lighthouse"] == [
        "No meeting held in the last 21 days (the last on 27 October 2026).",
    ]
    body = response.content.decode()
    assert "10 percentage points or more" in body
    assert 'data-reason="falling_attendance"' in body


def test_falling_by_less_than_ten_points_is_not_a_risk(scripted):
    """Harbour's last two meetings get more people present: 100, 100, 80 before and
    80, 80, 100 after, a fall of 6.7 points."""
    meetings = list(scripted.harbour.meetings.filter(status="held").order_by("starts_at"))
    fifth = Attendance.objects.filter(meeting=meetings[4], status="absent")
    fifth.filter(pk=fifth.first().pk).update(status="present")
    Attendance.objects.filter(meeting=meetings[5], status="absent").update(status="present")
    _response, dashboard = _dashboard(scripted)
    harbour = next(i for i in dashboard.at_risk if i.group.name == "Harbour")
    assert harbour.codes == ["few_meetings_projected"]


@pytest.mark.parametrize(("after", "falling"), [((8, 8, 8), True), ((8, 8, 9), False)])
def test_a_fall_of_exactly_ten_points_counts(scripted, after, falling):
    """Ten participants: 90 %, 90 %, 90 % and then 80 %, 80 %, 80 % (exactly 10 points
    down) or 80 %, 80 %, 90 % (6.7 points)."""
    group = GroupFactory(organisation=scripted.org_y, name="Boundary", community="Kurdish")
    people = _people(group, 10)
    first = dt.date(2026, 9, 1)
    for k, n in enumerate((9, 9, 9, *after)):
        day = first + dt.timedelta(weeks=2 * k)
        _meeting(group, day, status="held", present=people[:n], absent=people[n:])
    _response, dashboard = _dashboard(scripted)
    item = next(i for i in dashboard.at_risk if i.group.pk == group.pk)
    assert ("falling_attendance" in item.codes) is falling


def test_an_empty_group_that_runs_is_at_risk_for_both_counts(scripted):
    empty = GroupFactory(organisation=scripted.org_y, name="Newcomer", community="Kurdish")
    _response, dashboard = _dashboard(scripted)
    item = next(i for i in dashboard.at_risk if i.group.pk == empty.pk)
    assert item.codes == ["no_recent_meeting", "few_meetings_projected"]
    assert item.reasons[0].text == (
        "No meeting held in the last 21 days (none in the last 12 months)."
    )


def test_reach_with_suppression(scripted):
    response, dashboard = _dashboard(scripted)
    reach = dashboard.reach
    rows = {
        row.label: (row.participants_now, row.participants_year, row.volunteers, row.hours)
        for row in reach.rows
    }
    # X: Sunrise 5 + Harbour 5 now; + Harbour's leaver this year + Bridge's 3 = 14.
    # Y: Lighthouse 7 + Garden 2 + Sunrise's participant who joined Garden = 10.
    # Volunteers: X 6 (one in two groups counted once; inactive and groupless left out),
    # Y 2 → "<5", so X becomes "≥5" (otherwise Y follows from the total).
    assert rows == {
        "Organisation X": ("10", "14", "≥5", Decimal("7.75")),
        "Organisation Y": ("10", "10", "<5", Decimal("3.00")),
    }
    # Someone in groups of both organisations is counted once in the totals.
    assert (reach.participants_now, reach.participants_year) == (19, 23)
    assert (reach.total.participants_now, reach.total.participants_year) == ("19", "23")
    assert (reach.volunteers, reach.total.volunteers) == (8, "8")
    assert reach.hours == Decimal("10.75")
    body = response.content.decode()
    assert "&lt;5" in body and "≥5" in body


def test_small_totals_are_suppressed(scripted):
    # Only The Hague's Organisation X groups: Bridge, whose 3 left this year.
    response, dashboard = _dashboard(
        scripted, organisation=scripted.org_x.pk, city=city(THE_HAGUE).pk
    )
    assert dashboard.group_count == 1
    assert [(r.label, r.participants_now, r.participants_year) for r in dashboard.reach.rows] == [
        ("Organisation X", "0", "<5")
    ]
    assert dashboard.reach.total.participants_year == "<5"


def test_filter_by_organisation(scripted):
    _response, dashboard = _dashboard(scripted, organisation=scripted.org_y.pk)
    assert dashboard.organisation == "Organisation Y"
    assert dashboard.group_count == 2
    assert _table(dashboard.by_city_status) == {"'s-Gravenhage": ([0, 1, 1, 0, 0], 2)}
    assert [row.group.name for row in dashboard.norm_rows] == ["Lighthouse"]
    assert [r.label for r in dashboard.reach.rows] == ["Organisation Y"]
    assert not any(m.marked for m in dashboard.trend)


def test_filter_by_city(scripted):
    _response, dashboard = _dashboard(scripted, city=city(ROTTERDAM).pk)
    assert dashboard.city == "Rotterdam"
    assert {row.group.name for row in dashboard.norm_rows} == {"Sunrise", "Harbour"}
    assert [r.label for r in dashboard.reach.rows] == ["Organisation X"]
    # Sunrise's participant who also joined Garden (The Hague) is not counted twice.
    assert dashboard.reach.participants_now == 10


@pytest.mark.parametrize("query", [{"organisation": "999999"}, {"city": "x"}, {"city": "utrecht"}])
def test_a_bad_filter_shows_an_error_and_everything(scripted, query):
    if query.get("city") == "utrecht":  # a real city, without a group of the programme
        query = {"city": city("GM0344").pk}
    response, dashboard = _dashboard(scripted, **query)
    assert response.context["form"].errors
    assert dashboard.group_count == 5


def test_an_organisation_outside_the_programme_cannot_be_chosen(scripted, world):
    response, dashboard = _dashboard(scripted, organisation=world.org_a.pk)
    assert "organisation" in response.context["form"].errors
    assert "Group A1" not in response.content.decode()


# --- the workbook ----------------------------------------------------------------------


def _workbook(scripted, **query):
    response = scripted.client().get(scripted.url(format="xlsx", **query))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_has_a_sheet_per_table_with_the_same_numbers(scripted):
    workbook = _workbook(scripted)
    assert workbook.sheetnames == [
        "Summary",
        "Groups by city and status",
        "Community and composition",
        "Meetings against the norm",
        "Attendance per month",
        "Groups at risk",
        "Reach",
    ]
    summary = dict(_rows(workbook["Summary"])[1:])
    assert summary["Programme"] == "North programme"
    assert summary["Groups"] == 5
    assert summary["Groups meeting the norm"] == "2 / 4"
    assert summary["Groups at risk"] == 2

    city_status = _rows(workbook["Groups by city and status"])
    assert city_status[0] == [
        "City",
        "Preparing",
        "Recruiting",
        "Running",
        "Continuing",
        "Ended",
        "Total",
    ]
    assert city_status[1:] == [
        ["'s-Gravenhage", 0, 1, 1, 0, 1, 3],
        ["Rotterdam", 0, 0, 2, 0, 0, 2],
        ["Total", 0, 1, 3, 0, 1, 5],
    ]
    assert _rows(workbook["Community and composition"]) == [
        ["Community", "Women", "Men", "Mixed", "Total"],
        ["Moroccan", 0, 1, 1, 2],
        ["Surinamese", 0, 0, 1, 1],
        ["Turkish", 2, 0, 0, 2],
        ["Total", 2, 1, 2, 5],
    ]
    norm = {row[0]: row[4:] for row in _rows(workbook["Meetings against the norm"])[1:]}
    assert norm == {
        "Bridge": [2, 10, "no"],
        "Harbour": [6, 10, "no"],
        "Lighthouse": [11, 10, "yes"],
        "Sunrise": [12, 10, "yes"],
    }
    months = _rows(workbook["Attendance per month"])
    assert months[0] == ["Month", "Participant marks", "Present", "Attendance rate (percent)"]
    assert months[1][1:] == [0, 0, "–"]
    assert months[2][1:] == ["<5", "–", "–"]
    assert [m[1:] for m in months[7:]] == [
        [15, 12, 80],
        [10, 8, 80],
        [10, 8, 80],
        [25, 22, 88],
        [20, 15, 75],
        [10, 7, 70],
    ]
    risk = {row[0]: row[3] for row in _rows(workbook["Groups at risk"])[1:]}
    assert set(risk) == {"Harbour", "Lighthouse"}
    assert "93 %" in risk["Harbour"] and "Only 7 meetings" in risk["Harbour"]
    assert _rows(workbook["Reach"]) == [
        [
            "Organisation",
            "Participants now",
            "Participants this year",
            "Active volunteers",
            "Volunteer hours this year",
        ],
        ["Organisation X", 10, 14, "≥5", 7.75],
        ["Organisation Y", 10, 10, "<5", 3],
        ["Total", 19, 23, 8, 10.75],
    ]


def test_workbook_follows_the_filters(scripted):
    workbook = _workbook(scripted, organisation=scripted.org_y.pk)
    summary = dict(_rows(workbook["Summary"])[1:])
    assert summary["Organisation"] == "Organisation Y"
    assert summary["Groups"] == 2
    assert [row[0] for row in _rows(workbook["Reach"])[1:]] == ["Organisation Y", "Total"]


# --- no personal data -------------------------------------------------------------------


def test_no_names_or_contact_details_in_the_page_or_the_workbook(scripted):
    from funding.models import Volunteer
    from participants.models import Participant

    names = list(Participant.objects.values_list("full_name", flat=True))
    names += list(Volunteer.objects.values_list("full_name", flat=True))
    phones = list(Participant.objects.values_list("phone", flat=True))
    assert len(names) > 30
    body = scripted.client().get(scripted.url()).content.decode()
    workbook = _workbook(scripted)
    cells = " ".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    for text in (body, cells):
        assert PERSON not in text
        assert HELPER not in text
        assert "A guest" not in text
        for value in names + phones:
            assert value not in text
    assert "Sunrise" in body and "Sunrise" in cells  # group names are fine


def test_world_participants_do_not_appear(world):
    client = world.client_for("coordinator")
    url = reverse("programme_dashboard", args=[world.programme.pk])
    body = client.get(url).content.decode()
    assert "Group A1" in body
    assert world.participant_a1.full_name not in body
    assert world.participant_b1.full_name not in body
    assert world.participant_a1.phone not in body
    assert world.volunteer_a.full_name not in body
    cells = str(
        [
            row
            for sheet in load_workbook(
                io.BytesIO(client.get(url + "?format=xlsx").content)
            ).worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
    )
    assert world.participant_a1.full_name not in cells
    assert world.volunteer_a.full_name not in cells


# --- access ----------------------------------------------------------------------------


def test_a_coordinator_of_another_programme_gets_404(scripted, world):
    other = world.client_for("coordinator")
    assert other.get(scripted.url()).status_code == 404
    assert other.get(scripted.url(format="xlsx")).status_code == 404
    mine = reverse("programme_dashboard", args=[world.programme.pk])
    assert scripted.client().get(mine).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 403),
        ("volunteer_a1", 403),
        ("facilitator_a1", 403),
        ("lead_a", 403),
        ("funder", 403),
        ("coordinator", 200),
    ],
)
def test_only_coordinators(world, persona, status):
    url = reverse("programme_dashboard", args=[world.programme.pk])
    assert world.client_for(persona).get(url).status_code == status
    assert world.client_for(persona).get(url + "?format=xlsx").status_code == status


def test_anonymous_is_sent_to_sign_in(world):
    url = reverse("programme_dashboard", args=[world.programme.pk])
    response = world.client_for("anonymous").get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_post_is_not_allowed(world):
    url = reverse("programme_dashboard", args=[world.programme.pk])
    assert world.client_for("coordinator").post(url).status_code == 405


def test_a_programme_that_does_not_exist_is_404(world):
    url = reverse("programme_dashboard", args=[999999])
    assert world.client_for("coordinator").get(url).status_code == 404


# --- a fixed number of queries ---------------------------------------------------------

# Every signed-in page: 1. session  2. user  3. the user's roles.
BASE = 3
# 4. the programme (visible_to)  5. its organisations  6. their groups (with city names)
# 7. the organisations' lists of communities (groups/communities.py)
# 8. held and planned meetings, a row per group  9. marks per month
# 10. marks at each running group's last six held meetings
# 11. people per organisation and in total  12. volunteers per organisation and in total
# 13. volunteer hours per organisation
DASHBOARD = 10
# A filtered look reads the filter's choices on their own (the programme's organisations,
# the cities of its groups) and builds from the filter's own groups (5 to 7 above): its
# cost follows the filter, not the programme (reporting/selectors_dashboard.py).
CHOICES = 2


def _grow(scripted, n):
    """n more running groups in each organisation, each with 8 participants and 14
    meetings with attendance, volunteers and hours."""
    for i in range(n):
        for organisation in (scripted.org_x, scripted.org_y):
            group = GroupFactory(
                organisation=organisation,
                name=f"Extra {organisation.pk}-{i}",
                community=f"Community {i % 3}",
                composition=("women", "men", "mixed")[i % 3],
            )
            people = _people(group, 8)
            for k in range(14):
                _meeting(
                    group,
                    dt.date(2026, 5, 5) + dt.timedelta(weeks=2 * k),
                    status="held",
                    present=people[: 4 + k % 4],
                    absent=people[4 + k % 4 :],
                )
            volunteer = VolunteerFactory(organisation=organisation, full_name=f"{HELPER} {group}")
            volunteer.groups.add(group)
            VolunteerHours.objects.create(
                volunteer=volunteer, group=group, worked_on=dt.date(2026, 5, 5), hours=2
            )


@pytest.mark.parametrize("extra", [0, 5])
@pytest.mark.parametrize("kind", ["page", "xlsx", "filtered"])
def test_query_count_is_fixed(scripted, extra, kind, django_assert_num_queries):
    _grow(scripted, extra)
    query = {
        "page": {},
        "xlsx": {"format": "xlsx"},
        "filtered": {"city": city(ROTTERDAM).pk, "organisation": scripted.org_x.pk},
    }[kind]
    client = scripted.client()
    client.get(scripted.url())  # warm up: the session and the content types
    with django_assert_num_queries(BASE + DASHBOARD + (CHOICES if kind == "filtered" else 0)):
        response = client.get(scripted.url(**query))
    assert response.status_code == 200
    if extra and kind == "page":
        # 5 + 2 × 5 groups; the twelve-month numbers really grew.
        assert response.context["dashboard"].group_count == 15
        assert Enrolment.objects.count() > 100
        assert Attendance.objects.count() > 500


def test_with_nothing_yet(world):
    """A programme without organisations: every section says so, nothing breaks."""
    empty = ProgrammeFactory(name="Empty programme")
    grant_role(world.users["coordinator"], Role.PROGRAMME_COORDINATOR, empty)
    client = world.client_for("coordinator")
    url = reverse("programme_dashboard", args=[empty.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "No groups yet." in body
    assert response.context["dashboard"].group_count == 0
    assert client.get(url + "?format=xlsx").status_code == 200


def test_a_meeting_recorded_before_it_started_is_not_counted(scripted):
    """Nothing is counted that has not happened (docs/decisions.md 35): a meeting a few
    days ahead, marked held and with attendance (as the old pages allowed), is planned."""
    _response, before = _dashboard(scripted)
    people = list(scripted.sunrise.enrolments.values_list("participant", flat=True))
    _meeting(
        scripted.sunrise,
        dt.date(2026, 11, 26),
        status="held",
        present=Participant.objects.filter(pk__in=people),
    )
    _response, after = _dashboard(scripted)

    def sunrise(dashboard):
        row = next(r for r in dashboard.norm_rows if r.group.name == "Sunrise")
        return row.held_last_year, row.held_this_year, row.planned_rest_of_year

    held, this_year, planned = sunrise(before)
    assert sunrise(after) == (held, this_year, planned + 1)
    assert [m.marked for m in after.trend] == [m.marked for m in before.trend]
