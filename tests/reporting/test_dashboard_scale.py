"""The programme dashboard at scale (reporting/selectors_dashboard.py): its figures,
counted in the database, equal what the earlier version computed in Python from a row
per meeting, on a varied programme (three organisations, two cities, cancelled, planned
and early-recorded meetings, guests, people in groups of two organisations, small numbers
suppressed); the figures are cached per programme, filter and language without personal
data; the per-group lists are paged."""

import datetime as dt
import pickle
import random
import re
import threading
from decimal import Decimal
from unittest import mock
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation

from funding.models import Volunteer, VolunteerHours
from groups.models import Role
from meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from participants.models import Enrolment
from reporting import selectors_dashboard as selectors
from reporting import services_dashboard
from stetapp.suppression import suppress, suppress_breakdown
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

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=AMSTERDAM)
PERSON = "Fatma Scaleperson"
TYPED_COMMUNITY = "Mevrouw Jansen, Dorpsstraat 1"  # a typing mistake: personal data


# --- the earlier computation, kept here as the oracle -----------------------------------


def _previous(scope, organisation_id=None, city_id=None):
    """What the dashboard computed before it counted in the database: every meeting row
    with its marks counted, folded per group and month in Python; reach per organisation
    with the same suppression. Returns the figures `_figures` compares."""
    now = timezone.now()
    today = timezone.localdate(now)
    groups = [
        g
        for g in scope.groups
        if (organisation_id is None or g.organisation_id == organisation_id)
        and (city_id is None or g.city_id == city_id)
    ]
    ids = [g.pk for g in groups]
    since = today - selectors.YEAR
    jan1 = dt.date(today.year, 1, 1)
    trend_start = selectors._months_back(today, selectors.TREND_MONTHS - 1)
    start = selectors._local_midnight(min(since, jan1, trend_start))
    end = selectors._local_midnight(dt.date(today.year + 1, 1, 1))
    participant = Q(attendance__participant__isnull=False)
    rows = (
        Meeting.objects.filter(group_id__in=ids, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
        .with_held(now)
        .annotate(
            marked=Count("attendance", filter=participant),
            present=Count(
                "attendance", filter=participant & Q(attendance__status=AttendanceStatus.PRESENT)
            ),
        )
        .values_list("group_id", "starts_at", "is_started", "is_held", "marked", "present")
    )
    per_group = {
        pk: {"last_year": 0, "this_year": 0, "planned": 0, "last": None, "rated": []} for pk in ids
    }
    months = {}
    for index in range(selectors.TREND_MONTHS):
        first = selectors._months_back(today, selectors.TREND_MONTHS - 1 - index)
        months[(first.year, first.month)] = [0, 0]
    for group_id, starts_at, started, held, marked, present in rows:
        row = per_group[group_id]
        day = timezone.localtime(starts_at).date()
        if not started:
            if day.year == today.year:
                row["planned"] += 1
            continue
        if (day.year, day.month) in months:
            months[(day.year, day.month)][0] += marked
            months[(day.year, day.month)][1] += present
        if not held:
            continue
        if day >= since:
            row["last_year"] += 1
            if marked:
                row["rated"].append((starts_at, present, marked))
        if day >= jan1:
            row["this_year"] += 1
        if row["last"] is None or day > row["last"]:
            row["last"] = day

    enrolments = Enrolment.objects.filter(group_id__in=ids, joined_on__lte=today).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=jan1)
    )
    current = Q(left_on__isnull=True) | Q(left_on__gt=today)
    now_count = Count("participant_id", distinct=True, filter=current)
    year_count = Count("participant_id", distinct=True)
    per_org = {
        r["group__organisation_id"]: r
        for r in enrolments.order_by()
        .values("group__organisation_id")
        .annotate(now=now_count, year=year_count)
    }
    total = enrolments.aggregate(now=now_count, year=year_count)
    helping = Volunteer.groups.through.objects.filter(group_id__in=ids, volunteer__active=True)
    per_org_volunteers = {
        r["group__organisation_id"]: r["n"]
        for r in helping.order_by()
        .values("group__organisation_id")
        .annotate(n=Count("volunteer_id", distinct=True))
    }
    total_volunteers = helping.aggregate(n=Count("volunteer_id", distinct=True))["n"]
    hours = {
        r["group__organisation_id"]: r["h"]
        for r in VolunteerHours.objects.filter(
            group_id__in=ids, worked_on__gte=jan1, worked_on__lte=today
        )
        .order_by()
        .values("group__organisation_id")
        .annotate(h=Sum("hours"))
    }
    orgs = [pk for pk, _n in scope.organisations if any(g.organisation_id == pk for g in groups)]

    def column(values):
        return suppress_breakdown({pk: values.get(pk) or 0 for pk in orgs})

    reach = list(
        zip(
            orgs,
            column({pk: r["now"] for pk, r in per_org.items()}).values(),
            column({pk: r["year"] for pk, r in per_org.items()}).values(),
            column(per_org_volunteers).values(),
            [hours.get(pk) or Decimal("0") for pk in orgs],
            strict=True,
        )
    )
    at_risk = []
    for g in groups:  # the at-risk rule as it was applied, to the figures as they were
        if g.status != "running":
            continue
        r = per_group[g.pk]
        row = selectors.GroupMeetings(
            group=g,
            organisation="",
            held_last_year=r["last_year"],
            held_this_year=r["this_year"],
            planned_rest_of_year=r["planned"],
            last_held=r["last"],
            rated=r["rated"],
        )
        reasons = selectors._risk_reasons(row, today=today, year=today.year)
        if reasons:
            at_risk.append((g.pk, [(x.code, x.text) for x in reasons]))
    running = {g.pk for g in groups if g.status == "running"}
    return {
        "groups": {
            pk: (
                r["last_year"],
                r["this_year"],
                r["planned"],
                r["last"],
                r["rated"][-6:] if pk in running else [],
            )
            for pk, r in per_group.items()
        },
        "at_risk": at_risk,
        "months": [tuple(v) for v in months.values()],
        "reach": reach,
        "totals": (
            suppress(total["now"] or 0),
            suppress(total["year"] or 0),
            suppress(total_volunteers or 0),
            sum(hours.values(), Decimal("0")),
        ),
    }


def _figures(dashboard):
    """The same figures from the dashboard as built now."""
    names = {name: pk for pk, name in dashboard_scope.organisations}
    return {
        "groups": {
            row.group.pk: (
                row.held_last_year,
                row.held_this_year,
                row.planned_rest_of_year,
                row.last_held,
                row.rated[-6:],
            )
            for row in dashboard.norm_rows
        },
        "at_risk": [
            (item.group.pk, [(x.code, x.text) for x in item.reasons]) for item in dashboard.at_risk
        ],
        "months": [(m.marked, m.present) for m in dashboard.trend],
        "reach": [
            (
                names[r.label],
                r.participants_now,
                r.participants_year,
                r.volunteers,
                r.hours,
            )
            for r in dashboard.reach.rows
        ],
        "totals": (
            dashboard.reach.total.participants_now,
            dashboard.reach.total.participants_year,
            dashboard.reach.total.volunteers,
            dashboard.reach.total.hours,
        ),
    }


dashboard_scope = None  # set by the test: _figures maps organisation names back to keys


# --- the varied programme ---------------------------------------------------------------


class Varied:
    """Three organisations (two in Rotterdam, one in The Hague) with three groups each:
    running, continuing, recruiting or ended, from 1 to 9 participants, meetings every
    other week from 14 months ago to 7 weeks ahead, each planned, held, or cancelled at
    random (a fixed seed), marks for past meetings and a few recorded ahead of time,
    guests, volunteers and hours. One person is in groups of two organisations."""

    def __init__(self):
        rng = random.Random(14)
        self.programme = ProgrammeFactory(name="Varied programme")
        self.coordinator = UserFactory(email="varied.coordinator@example.org")
        grant_role(self.coordinator, Role.PROGRAMME_COORDINATOR, self.programme)
        self.organisations = [
            OrganisationFactory(name=f"Varied {letter}", city=city(code))
            for letter, code in (("A", "GM0599"), ("B", "GM0599"), ("C", "GM0518"))
        ]
        self.programme.organisations.add(*self.organisations)
        statuses = ["running", "running", "continuing", "recruiting", "ended"]
        self.groups = []
        first_person = None
        for o, organisation in enumerate(self.organisations):
            for g in range(3):
                group = GroupFactory(
                    organisation=organisation,
                    name=f"Varied {o}-{g}",
                    city=city("GM0518" if (o + g) % 3 == 0 else "GM0599"),
                    community=TYPED_COMMUNITY if (o, g) == (0, 0) else "Turks",
                    status=statuses[(o * 3 + g) % len(statuses)],
                )
                self.groups.append(group)
                people = []
                for i in range(rng.randint(1, 9)):
                    person = ParticipantFactory(
                        group=group, full_name=f"{PERSON} {o}{g}{i}", status="joined"
                    )
                    left = rng.choice([None, None, None, dt.date(2026, 3, 1)])
                    EnrolmentFactory(
                        participant=person,
                        group=group,
                        joined_on=dt.date(2025, 6, 1),
                        left_on=left,
                        leave_reason="moved" if left else "",
                    )
                    people.append(person)
                if first_person is None:
                    first_person = people[0]
                elif o == 1 and g == 0:  # someone in groups of two organisations
                    EnrolmentFactory(
                        participant=first_person, group=group, joined_on=dt.date(2026, 2, 1)
                    )
                day = dt.date(2025, 9, 2) + dt.timedelta(days=o + g)
                while day < dt.date(2027, 1, 10):
                    past = day < NOW.date()
                    status = rng.choice(["planned", "held", "held", "cancelled"])
                    meeting = MeetingFactory(group=group, day=day, status=status)
                    if status != "cancelled" and (past or rng.random() < 0.1):
                        marks = [
                            Attendance(
                                meeting=meeting,
                                participant=p,
                                status=rng.choice(["present", "present", "absent", "excused"]),
                            )
                            for p in people
                            if rng.random() < 0.85
                        ]
                        if rng.random() < 0.2:
                            marks.append(
                                Attendance(meeting=meeting, guest_name="Guest", status="present")
                            )
                        Attendance.objects.bulk_create(marks)
                    day += dt.timedelta(weeks=2)
                if g < 2:
                    volunteer = VolunteerFactory(
                        organisation=organisation, full_name=f"Helper {o}{g}", active=g == 0
                    )
                    volunteer.groups.add(group)
                    VolunteerHours.objects.create(
                        volunteer=volunteer,
                        group=group,
                        worked_on=dt.date(2026, 4, 1 + g),
                        hours=Decimal("1.5"),
                    )

    def url(self, **query):
        base = reverse("programme_dashboard", args=[self.programme.pk])
        return f"{base}?{urlencode(query)}" if query else base

    def client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.coordinator)
        return client


@pytest.fixture
def varied(db):
    with time_machine.travel(NOW, tick=False):
        yield Varied()


def _filters(varied):
    a, _b, _c = varied.organisations
    return [
        {},
        {"organisation_id": a.pk},
        {"city_id": city("GM0518").pk},
        {"organisation_id": a.pk, "city_id": city("GM0599").pk},
    ]


def test_the_figures_equal_the_earlier_computation(varied):
    global dashboard_scope
    scope = selectors.programme_scope(varied.programme)
    dashboard_scope = scope
    for filters in _filters(varied):
        expected = _previous(scope, **filters)
        dashboard = selectors.build_dashboard(scope, **filters)
        got = _figures(dashboard)
        # The norm table lists running and continuing groups and any that met; the
        # earlier computation has every group: compare the listed ones, and the rest
        # held nothing.
        for pk, figures in expected["groups"].items():
            assert got["groups"].get(pk, (0, 0, figures[2], None, [])) == figures, pk
        assert got["at_risk"] == expected["at_risk"]
        assert got["months"] == expected["months"]
        assert got["reach"] == expected["reach"]
        assert got["totals"] == expected["totals"]


def _every_filter(varied):
    """`_filters`, and an organisation in a city where the programme has no group."""
    _a, _b, c = varied.organisations
    return [*_filters(varied), {"organisation_id": c.pk, "city_id": city("GM0344").pk}]


def test_a_filtered_dashboard_is_built_from_the_filters_groups_alone(varied):
    # Its cost follows the filter, not the programme: only the groups it covers (and
    # their organisations) are read, and the dashboard is the one the whole scope gives.
    whole = selectors.programme_scope(varied.programme)
    for filters in _every_filter(varied):
        scope = selectors.programme_scope(varied.programme, **filters)
        covered = [
            g
            for g in whole.groups
            if g.organisation_id == filters.get("organisation_id", g.organisation_id)
            and g.city_id == filters.get("city_id", g.city_id)
        ]
        assert scope.groups == covered, filters
        assert {pk for pk, _name in scope.organisations} <= {pk for pk, _ in whole.organisations}
        expected = selectors.build_dashboard(whole, **filters)
        assert selectors.build_dashboard(scope, **filters) == expected, filters
        if filters:
            assert len(scope.groups) < len(whole.groups)
        if "organisation_id" in filters:
            assert expected.organisation.startswith("Varied")


def test_the_filters_choices_are_read_without_the_groups(varied, django_assert_num_queries):
    whole = selectors.programme_scope(varied.programme)
    with django_assert_num_queries(2):  # the organisations, the cities with a group
        choices = selectors.filter_choices(varied.programme)
    assert (choices.organisations, choices.cities) == (whole.organisations, whole.cities)
    assert choices.scope is None


def test_an_organisations_slice_of_the_programmes_counts_is_its_filtered_dashboard(varied):
    # The programme's counts are kept per organisation too (decision 75): one
    # organisation's slice makes the dashboard its filter would build, figure for figure,
    # for every organisation (people in groups of two organisations included).
    whole = selectors.programme_scope(varied.programme)
    counts = selectors.count_dashboard(whole)
    slices = selectors.organisation_slices(whole, counts)
    assert set(slices) == {pk for pk, _name in whole.organisations}
    for organisation_id, (scope, sliced) in slices.items():
        own = selectors.programme_scope(varied.programme, organisation_id=organisation_id)
        assert scope == own, organisation_id
        built = selectors.build_dashboard(own, organisation_id=organisation_id)
        assert selectors.dashboard_from_counts(scope, sliced) == built, organisation_id
    # The programme's own trend is the sum of its organisations'.
    summed = selectors.dashboard_from_counts(whole, counts).trend
    assert [(m.marked, m.present) for m in summed] == [
        (m.marked, m.present) for m in selectors.build_dashboard(whole).trend
    ]
    assert sum(m.marked for m in summed) > 0


def test_the_varied_programme_has_what_the_comparison_needs(varied):
    """The comparison means something: small numbers are suppressed, some groups are at
    risk, some meetings are cancelled, planned, or recorded ahead of time."""
    scope = selectors.programme_scope(varied.programme)
    dashboard = selectors.build_dashboard(scope)
    cells = [r.participants_now for r in dashboard.reach.rows] + [
        r.volunteers for r in dashboard.reach.rows
    ]
    assert "<5" in cells
    assert dashboard.at_risk
    assert any("falling_attendance" in item.codes for item in dashboard.at_risk) or any(
        len(row.rated) >= 6 for row in dashboard.norm_rows
    )
    meetings = Meeting.objects.filter(group__in=varied.groups)
    assert meetings.filter(status="cancelled").exists()
    assert meetings.filter(starts_at__gt=NOW, attendance__isnull=False).exists()
    assert any(row.planned_rest_of_year for row in dashboard.norm_rows)


def test_no_group_row_holds_typed_community_text(varied):
    scope = selectors.programme_scope(varied.programme)
    assert TYPED_COMMUNITY not in {g.community for g in scope.groups}
    table = selectors.build_dashboard(scope).by_community_composition
    labels = {row["label"] for row in table.rows}
    assert TYPED_COMMUNITY not in labels


# --- the cache ---------------------------------------------------------------------------

BASE = 3  # session, user, the user's roles
DASHBOARD = 10  # tests/reporting/test_dashboard.py: the programme, the scope (3), six counts
SCOPE = 3  # the programme's organisations, its groups, their lists of communities
# The programme (access) only: the scope and the dashboard both come from the cache.
CACHED = 1
# On a miss, the groups the dashboard covers are counted first: a large one is prepared
# in the background instead of built in the request (decision 73).
COUNTED = 1
# The filter's choices read on their own (a filtered look with nothing kept).
CHOICES = 2
# A large dashboard missed in the cache: the programme and the groups counted.
PREPARING = CACHED + COUNTED


def test_a_second_look_comes_from_the_cache(varied, dashboard_cache, django_assert_num_queries):
    client = varied.client()
    with django_assert_num_queries(BASE + DASHBOARD + COUNTED):
        first = client.get(varied.url())
    with django_assert_num_queries(BASE + CACHED):
        second = client.get(varied.url())
    # Another filter: a dashboard of its own, with the choices already kept, built from
    # the filter's own groups (the scope's three queries, a row per group it covers).
    other = varied.url(city=city("GM0518").pk)
    with django_assert_num_queries(BASE + DASHBOARD + COUNTED):
        filtered = client.get(other)
    assert first.status_code == second.status_code == filtered.status_code == 200
    assert _plain(first.context["dashboard"]) == _plain(second.context["dashboard"])
    assert _plain(filtered.context["dashboard"]) != _plain(first.context["dashboard"])


def test_a_filtered_first_look_never_reads_the_whole_scope(
    varied, dashboard_cache, django_assert_num_queries
):
    # Nothing kept (nobody looked in the last minutes): the choices are read on their
    # own, the dashboard is built from the filter's groups, and the programme's whole
    # scope is neither read nor kept.
    a = varied.organisations[0]
    client = varied.client()
    with django_assert_num_queries(BASE + DASHBOARD + COUNTED + CHOICES):
        response = client.get(varied.url(organisation=a.pk))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert {row.group.organisation_id for row in dashboard.norm_rows} == {a.pk}
    assert cache.get(f"dashboard-scope:{varied.programme.pk}") is None
    assert cache.get(f"dashboard-choices:{varied.programme.pk}") is not None
    # The unfiltered page then reads the whole scope, once.
    with django_assert_num_queries(BASE + DASHBOARD + COUNTED):
        assert client.get(varied.url()).status_code == 200


def test_an_organisation_chosen_after_the_programmes_page_comes_from_its_slice(
    varied, dashboard_cache, django_assert_num_queries
):
    # The coordinator looks at the programme, then chooses an organisation: its
    # dashboard is made from the programme's counts, kept per organisation, without a
    # query of its own; a city is still counted in the request.
    a = varied.organisations[0]
    client = varied.client()
    assert client.get(varied.url()).status_code == 200
    with django_assert_num_queries(BASE + CACHED):
        response = client.get(varied.url(organisation=a.pk))
    assert response.status_code == 200
    scope = selectors.programme_scope(varied.programme, organisation_id=a.pk)
    built = selectors.build_dashboard(scope, organisation_id=a.pk)
    assert _plain(response.context["dashboard"]) == _plain(built)
    assert response.context["dashboard"].organisation == built.organisation
    # Then kept as the filter's own dashboard.
    with django_assert_num_queries(BASE + CACHED):
        assert client.get(varied.url(organisation=a.pk)).status_code == 200
    in_city = varied.url(city=city("GM0518").pk)
    in_city_of_a = varied.url(organisation=a.pk, city=city("GM0599").pk)
    with django_assert_num_queries(BASE + DASHBOARD + COUNTED):
        assert client.get(in_city).status_code == 200
    with django_assert_num_queries(BASE + DASHBOARD + COUNTED):
        assert client.get(in_city_of_a).status_code == 200


def test_a_slice_is_never_shown_older_than_the_programmes_page(varied, dashboard_cache):
    # A slice is as old as the programme's counts: the filter's dashboard made from it
    # is kept only for what is left of their five minutes, then counted afresh.
    a, b, _c = varied.organisations
    selectors.cached_dashboard(varied.programme)
    with time_machine.travel(NOW + dt.timedelta(seconds=240), tick=False):
        assert selectors.kept_dashboard(varied.programme, organisation_id=a.pk) is not None
    with time_machine.travel(NOW + dt.timedelta(seconds=290), tick=False):
        assert selectors.kept_dashboard(varied.programme, organisation_id=a.pk) is not None
    with time_machine.travel(NOW + dt.timedelta(seconds=301), tick=False):
        # Both the slices and the page made from one have expired.
        assert selectors.kept_dashboard(varied.programme, organisation_id=a.pk) is None
        assert selectors.kept_dashboard(varied.programme, organisation_id=b.pk) is None


def test_the_scheduler_and_the_worker_keep_the_slices(varied, dashboard_cache):
    a = varied.organisations[0]
    key = f"dashboard-slice:{varied.programme.pk}:{a.pk}"
    selectors.cached_dashboard(varied.programme)
    assert cache.get(key) is not None
    cache.delete(key)
    selectors.refresh_cached_dashboard(varied.programme, languages=["nl"])
    assert cache.get(key) is not None
    cache.clear()
    selectors.build_and_keep(varied.programme, organisation_id=None, city_id=None)
    assert cache.get(key) is not None
    # A filtered build keeps no slices.
    cache.clear()
    selectors.build_and_keep(varied.programme, organisation_id=a.pk, city_id=None)
    assert cache.get(key) is None


def test_the_slices_hold_no_personal_data(varied, dashboard_cache):
    selectors.cached_dashboard(varied.programme)
    for pk, _name in selectors.programme_scope(varied.programme).organisations:
        stored = pickle.dumps(cache.get(f"dashboard-slice:{varied.programme.pk}:{pk}"))
        assert PERSON.encode() not in stored
        assert TYPED_COMMUNITY.encode() not in stored


def test_the_cached_scope_holds_no_personal_data(varied, dashboard_cache):
    selectors.cached_programme_scope(varied.programme)
    for key in ("dashboard-scope", "dashboard-choices"):
        stored = pickle.dumps(cache.get(f"{key}:{varied.programme.pk}"))
        assert str(varied.organisations[0].name).encode() in stored
        for text in (PERSON, "Helper", TYPED_COMMUNITY, "@example.org", "Dorpsstraat"):
            assert text.encode() not in stored


def test_the_cache_is_kept_per_language(varied, dashboard_cache):
    with translation.override("nl"):
        dutch = selectors.cached_dashboard(varied.programme)
    with translation.override("en"):
        english = selectors.cached_dashboard(varied.programme)
    assert dutch.trend[0].label != english.trend[0].label


def test_cached_figures_are_as_old_as_the_time_to_live(varied, dashboard_cache):
    """Invalidation is by time only (docs/decisions.md): a change shows after the TTL."""
    before = selectors.cached_dashboard(varied.programme)
    Meeting.objects.filter(group__in=varied.groups).update(status=MeetingStatus.CANCELLED)
    assert _plain(selectors.cached_dashboard(varied.programme)) == _plain(before)
    cache.clear()
    assert selectors.cached_dashboard(varied.programme).meeting_norm_count == 0


def _stored(programme, language=None):
    """Every cache entry of the programme's unfiltered dashboard: its head, then each page
    of its three lists."""
    key = f"dashboard:{programme.pk}:::{language or translation.get_language()}"
    head = cache.get(key)
    assert head is not None
    _dashboard, lengths = head
    pages = {
        f"{key}:{kind}:{i}": cache.get(f"{key}:{kind}:{i}")
        for kind, length in lengths.items()
        for i in range(-(-length // selectors.PAGE_SIZE))
    }
    return {key: head, **pages}


def test_nothing_the_dashboard_leaves_in_the_cache_holds_personal_data(varied, dashboard_cache):
    """The figures, the filter's choices, the scope and the page's kept HTML."""
    client = varied.client()
    for query in ({}, {"norm_page": 2}, {"organisation": varied.organisations[0].pk}):
        assert client.get(varied.url(**query)).status_code == 200
    stored = list(cache._cache.items())  # LocMemCache: the pickled values by key
    assert any(b"programme_dashboard" in key.encode() for key, _value in stored)
    for _key, value in stored:
        for text in (PERSON, "Helper", TYPED_COMMUNITY, "@example.org", "Dorpsstraat"):
            assert text.encode() not in value


def test_the_cached_entry_holds_no_personal_data(varied, dashboard_cache):
    selectors.cached_dashboard(varied.programme)
    entries = _stored(varied.programme)
    assert len(entries) >= 4  # a head and a page of each list at least
    for value in entries.values():
        stored = pickle.dumps(value)
        assert stored
        for text in (PERSON, "Helper", TYPED_COMMUNITY, "@example.org", "Dorpsstraat"):
            assert text.encode() not in stored


def _meetings(row):
    return (
        row.group,
        row.organisation,
        row.held_last_year,
        row.held_this_year,
        row.planned_rest_of_year,
        row.last_held,
        row.meets_norm,
        row.projected,
    )


def _risk(item):
    return (item.group, item.organisation, item.reasons, item.codes)


def _reach(row):
    return (row.label, row.participants_now, row.participants_year, row.volunteers, row.hours)


def _lists(dashboard):
    return (
        [_meetings(r) for r in dashboard.norm_rows],
        [_risk(i) for i in dashboard.at_risk],
        [_reach(r) for r in dashboard.reach.rows],
    )


@pytest.mark.parametrize("page_size", [50, 2])
def test_the_cached_rows_read_as_the_built_ones(varied, dashboard_cache, monkeypatch, page_size):
    """The cache keeps the long lists as tuples, in pages of PAGE_SIZE rows under keys of
    their own (selectors.CachedRows), and gives back rows that say the same as the built
    ones: whole, sliced across pages, by index from either end."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", page_size)
    built = selectors.cached_dashboard(varied.programme)  # built, and stored in pages
    again = selectors.cached_dashboard(varied.programme)
    assert isinstance(again.norm_rows, selectors.CachedRows)
    assert isinstance(again.reach.rows, selectors.CachedRows)
    assert built.at_risk and len(again.at_risk) == len(built.at_risk)
    assert _lists(again) == _lists(built)
    again = selectors.cached_dashboard(varied.programme)
    assert [_meetings(r) for r in again.norm_rows[1:4]] == [
        _meetings(r) for r in built.norm_rows[1:4]
    ]
    assert _meetings(again.norm_rows[-1]) == _meetings(built.norm_rows[-1])
    assert _reach(again.reach.rows[-1]) == _reach(built.reach.rows[-1])
    with pytest.raises(IndexError):
        again.at_risk[len(built.at_risk)]
    assert again.meeting_norm_count == built.meeting_norm_count


def test_a_cached_look_reads_only_the_pages_it_shows(varied, dashboard_cache, monkeypatch):
    """A page's cost is bounded by what it shows: a cached look reads the dashboard's
    head, then the page's kept HTML: two round trips, never the scope (a row per group),
    the filter's choices (a thousand organisations at national scale) or a list's rows.
    Another page of a list is drawn from the one page of each list it shows."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = varied.client()
    client.get(varied.url(norm_page=2))  # built and stored, the page drawn and kept
    read: list[list[str]] = []
    get_many, get = cache.get_many, cache.get
    inside: list[bool] = []

    def reading_many(keys, **kwargs):
        read.append(list(keys))
        inside.append(True)
        try:
            return get_many(keys, **kwargs)
        finally:
            inside.pop()

    def reading(key, *args, **kwargs):
        if not inside:  # the cache's own get_many reads key by key
            read.append([key])
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", reading_many)
    monkeypatch.setattr(cache, "get", reading)
    response = client.get(varied.url(norm_page=2))
    assert response.status_code == 200
    pk = varied.programme.pk
    head = f"dashboard:{pk}:::{translation.get_language()}"

    def dashboard_reads():
        return [keys for keys in read if "dashboard" in " ".join(keys)]

    figures, drawn = dashboard_reads()
    assert figures == [head]
    # The page's HTML as drawn the first time: kept under the figures' version.
    assert len(drawn) == 1 and drawn[0].startswith("template.cache.programme_dashboard.")
    built = selectors.build_dashboard(selectors.programme_scope(varied.programme))
    assert [_meetings(r) for r in response.context["norm_page"].object_list] == [
        _meetings(r) for r in built.norm_rows[2:4]
    ]
    # A page not drawn yet: the one page of each list it shows, and the choices.
    read.clear()
    third = client.get(varied.url(norm_page=3))
    assert [_meetings(r) for r in third.context["norm_page"].object_list] == [
        _meetings(r) for r in built.norm_rows[4:6]
    ]
    lists = sorted(keys[0] for keys in dashboard_reads() if keys[0].startswith(f"{head}:"))
    assert lists == [f"{head}:norm:2", f"{head}:reach:0", f"{head}:risk:0"]
    assert [f"dashboard-choices:{pk}"] in read
    # With a filter, its choices are read to check the value (and the figures built).
    read.clear()
    organisation = varied.organisations[0]
    filtered = client.get(varied.url(organisation=organisation.pk))
    assert filtered.context["dashboard"].organisation == organisation.name
    assert [f"dashboard-choices:{pk}"] in read


def test_a_page_gone_from_the_cache_is_built_again(varied, dashboard_cache, monkeypatch):
    """Should one page of a list expire before its head, the reader still gets every
    row: the dashboard is built again (and stored again), never shown with a gap."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    built = selectors.cached_dashboard(varied.programme)
    key = f"dashboard:{varied.programme.pk}:::{translation.get_language()}"
    cache.delete(f"{key}:norm:0")  # the page a look asks for first: a miss
    again = selectors.cached_dashboard(varied.programme)
    assert _lists(again) == _lists(built)
    assert cache.get(f"{key}:norm:0") is not None  # stored again
    cache.delete(f"{key}:norm:1")  # a page read later, while rendering: built again
    later = selectors.cached_dashboard(varied.programme)
    assert isinstance(later.norm_rows, selectors.CachedRows)
    assert [_meetings(r) for r in later.norm_rows] == [_meetings(r) for r in built.norm_rows]
    # A page number out of range is not a miss: the paginator shows the last page.
    client = varied.client()
    response = client.get(varied.url(risk_page=99))
    assert response.context["risk_page"].number == response.context["risk_page"].paginator.num_pages


def _plain(dashboard):
    return (
        [(r.group.pk, r.held_last_year, r.planned_rest_of_year) for r in dashboard.norm_rows],
        [(m.marked, m.present) for m in dashboard.trend],
        [item.codes for item in dashboard.at_risk],
    )


# --- paging ----------------------------------------------------------------------------


def test_the_per_group_lists_are_paged(varied, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = varied.client()
    response = client.get(varied.url())
    dashboard = response.context["dashboard"]
    assert len(dashboard.norm_rows) > 2
    norm = response.context["norm_page"]
    assert list(norm.object_list) == dashboard.norm_rows[:2]
    body = response.content.decode()
    assert "norm_page=2" in body
    second = client.get(varied.url(norm_page=2, risk_page=2))
    assert list(second.context["norm_page"].object_list) == dashboard.norm_rows[2:4]
    assert list(second.context["risk_page"].object_list) == dashboard.at_risk[2:4]
    # The other list's page and the filters stay in each list's links.
    assert "risk_page=2&amp;norm_page=1" in second.content.decode()
    workbook = client.get(varied.url(format="xlsx"))
    assert workbook.status_code == 200  # the workbook has every group (test_dashboard.py)


def test_reach_is_paged_per_organisation_with_the_total_on_every_page(varied, monkeypatch):
    """At national scale the reach table has a row per organisation (a thousand): it is
    paged like the per-group lists, and the programme's total stays under every page."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = varied.client()
    response = client.get(varied.url())
    dashboard = response.context["dashboard"]
    assert len(dashboard.reach.rows) == 3
    assert list(response.context["reach_page"].object_list) == dashboard.reach.rows[:2]
    body = response.content.decode()
    assert "reach_page=2" in body
    third = dashboard.reach.rows[2].label
    second = client.get(varied.url(reach_page=2)).content.decode()
    reach_section = second.split('aria-label="Participants and volunteers reached"')[1]
    assert third in reach_section
    assert dashboard.reach.rows[0].label not in reach_section.split("<tfoot>")[0]
    assert dashboard.reach.total.label in reach_section.split("<tfoot>")[1]


# --- kept warm by the scheduler ---------------------------------------------------------


def test_the_scheduler_rebuilds_the_dashboard_before_it_expires(
    varied, dashboard_cache, django_assert_num_queries
):
    """reporting/jobs.py: each programme's unfiltered dashboard, in its coordinators'
    languages, is built again and stored, so the coordinator's first look is a cached
    one and shows figures at most one interval old."""
    from django.conf import settings

    from reporting import jobs

    assert jobs.DASHBOARD_REFRESH.total_seconds() < 300  # the entry's time to live
    Meeting.objects.filter(group__in=varied.groups[:1]).update(status=MeetingStatus.CANCELLED)
    varied.coordinator.language = "en"
    varied.coordinator.save(update_fields=["language"])
    jobs.refresh_all_dashboards()

    client = varied.client()
    with django_assert_num_queries(BASE + CACHED):
        first = client.get(varied.url())
    assert first.status_code == 200
    with translation.override("en"):
        expected = selectors.build_dashboard(selectors.programme_scope(varied.programme))
    assert _plain(first.context["dashboard"]) == _plain(expected)
    assert cache.get(f"dashboard:{varied.programme.pk}:::{settings.LANGUAGE_CODE}") is None

    # A change shows after the next refresh, without waiting for the entry to expire.
    Meeting.objects.filter(group__in=varied.groups).update(status=MeetingStatus.CANCELLED)
    jobs.refresh_all_dashboards()
    again = client.get(varied.url())
    assert again.context["dashboard"].meeting_norm_count == 0
    # The page's kept HTML goes with the figures it was drawn from, not the old ones.
    assert 'id="stat-norm">0 /' in again.content.decode()
    assert 'id="stat-norm">0 /' not in first.content.decode()


def test_the_refresh_counts_once_for_every_language(
    varied, dashboard_cache, django_assert_num_queries
):
    # The counts are the same in every language: only the texts are made per language.
    with django_assert_num_queries(SCOPE + 6):  # the scope, and the six counts once
        selectors.refresh_cached_dashboard(varied.programme, languages=["en", "nl"])
    scope = selectors.programme_scope(varied.programme)
    for language, month in (("en", "November 2026"), ("nl", "november 2026")):
        with translation.override(language):
            kept = selectors.kept_dashboard(varied.programme)
            expected = selectors.build_dashboard(scope)
        assert kept is not None
        assert _plain(kept) == _plain(expected)
        assert kept.trend[-1].label == month
        texts = [[reason.text for reason in item.reasons] for item in kept.at_risk]
        assert texts == [[reason.text for reason in item.reasons] for item in expected.at_risk]
        assert texts and all(texts)


def test_the_refresh_job_leaves_a_cache_of_one_process_alone(varied, dashboard_cache):
    """The demo's cache lives in each process: the scheduler's would help no web server."""
    from reporting import jobs

    jobs.refresh_dashboards()  # the test settings' cache is in this process
    assert cache.get(f"dashboard-scope:{varied.programme.pk}") is None


def _fragments() -> list[str]:
    """The keys of the dashboard's kept HTML (LocMemCache: its keys as stored)."""
    return [key for key in cache._cache if "template.cache.programme_dashboard" in key]


def test_the_kept_html_has_one_version_per_real_view(varied, dashboard_cache):
    """What else an address carries neither makes another copy of the page's HTML nor
    comes back in its links: they are built from the valid filters and the pages."""
    client = varied.client()
    for junk in ("x=1", "x=2", "norm_page=nothing", "utm_source=mail&risk_page=1"):
        response = client.get(f"{varied.url()}?{junk}")
        assert response.status_code == 200
        links = re.findall(r'href="\?([^"]*)"', response.content.decode())
        assert links  # the Excel download, at least
        assert not [link for link in links if "x=" in link or "utm" in link or "nothing" in link]
    assert len(_fragments()) == 1
    organisation = varied.organisations[0]
    filtered = client.get(varied.url(organisation=organisation.pk) + "&x=3")
    assert f'href="?organisation={organisation.pk}&amp;format=xlsx"' in filtered.content.decode()
    assert len(_fragments()) == 2


def test_a_refused_filter_is_drawn_for_its_request_only(varied, dashboard_cache):
    client = varied.client()
    refused = client.get(f"{varied.url()}?organisation=not-a-number")
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert _fragments() == []
    plain = client.get(varied.url())
    assert not plain.context["form"].errors
    assert len(_fragments()) == 1


# --- one build at a time (selectors.BUILD_LOCK_SECONDS) --------------------------------


def _lock(programme, language="en") -> tuple[str, str]:
    key = selectors._dashboard_key(programme.pk, None, None, language)
    return key, f"{key}:building"


def test_a_look_while_another_builds_waits_for_that_build(varied, dashboard_cache, monkeypatch):
    # After a restart of the cache every coordinator's first look would count the same
    # marks at once; the second look waits for the first one's result instead.
    monkeypatch.setattr(selectors, "BUILD_POLL_SECONDS", 0.01)
    key, lock = _lock(varied.programme)
    with translation.override("en"):
        built = selectors.cached_dashboard(varied.programme)
        assert cache.get(lock) is None  # taken for the build, then let go
        head = cache.get(key)
        cache.delete(key)
        assert cache.add(lock, True, 60)  # another request is building it
        stored = threading.Timer(0.1, lambda: cache.set(key, head, 300))
        stored.start()
        with mock.patch.object(selectors, "count_dashboard") as build:
            waited = selectors.cached_dashboard(varied.programme)
        stored.join()
    build.assert_not_called()
    assert waited.group_count == built.group_count
    assert [row.group.pk for row in waited.norm_rows] == [row.group.pk for row in built.norm_rows]


def test_a_build_that_never_comes_is_not_waited_for_long(varied, dashboard_cache, monkeypatch):
    monkeypatch.setattr(selectors, "BUILD_POLL_SECONDS", 0.01)
    monkeypatch.setattr(selectors, "BUILD_WAIT_SECONDS", 0.05)
    key, lock = _lock(varied.programme)
    cache.add(lock, True, 60)  # a build whose process died before it let go
    with translation.override("en"):
        dashboard = selectors.cached_dashboard(varied.programme)
    assert dashboard.group_count == len(varied.groups)
    assert cache.get(key) is not None  # built and kept by this look


def test_a_build_that_fails_lets_go_of_the_lock(varied, dashboard_cache):
    _key, lock = _lock(varied.programme)
    with (
        translation.override("en"),
        mock.patch.object(selectors, "count_dashboard", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        selectors.cached_dashboard(varied.programme)
    assert cache.get(lock) is None


# --- a large dashboard prepared in the background (decision 73) -------------------------


@pytest.fixture
def large(monkeypatch):
    """Every programme counts as large: its dashboard is never built inside a page's
    request when the cache misses it."""
    monkeypatch.setattr(selectors, "PREPARE_FROM_GROUPS", 1)


@pytest.fixture
def no_worker(monkeypatch):
    """A queue whose worker has not started yet: what is queued is only recorded."""
    queued = []
    monkeypatch.setattr(
        services_dashboard, "enqueue", lambda task, *args, **kwargs: queued.append(kwargs)
    )
    return queued


def _poll(client, url):
    return client.get(url, headers={"HX-Request": "true"})


def test_a_large_dashboard_is_prepared_not_built_in_the_request(
    varied, dashboard_cache, large, no_worker, django_assert_num_queries
):
    client = varied.client()
    with (
        mock.patch.object(selectors, "count_dashboard", wraps=selectors.count_dashboard) as build,
        django_assert_num_queries(BASE + PREPARING),
    ):
        first = client.get(varied.url(), headers={"Accept-Language": "en"})
    build.assert_not_called()
    assert first.status_code == 202
    assert "figures are being counted" in first.content.decode()
    assert "Groups by city" not in first.content.decode()
    assert len(no_worker) == 1 and no_worker[0]["organisation_id"] is None
    # Another look while it waits for a worker queues nothing more.
    again = client.get(varied.url())
    assert again.status_code == 202
    assert len(no_worker) == 1


def test_the_preparing_page_shows_the_dashboard_once_it_is_built(
    varied, dashboard_cache, large, no_worker
):
    client = varied.client()
    organisation = varied.organisations[0]
    url = varied.url(organisation=organisation.pk)
    assert client.get(url).status_code == 202
    waiting = _poll(client, url)
    assert waiting.status_code == 202
    assert f'hx-get="{url}"' in waiting.content.decode().replace("&amp;", "&")
    assert "HX-Refresh" not in waiting.headers
    # The worker runs the queued task.
    (queued,) = no_worker
    assert services_dashboard.dashboard_run(varied.programme.pk, **queued)
    ready = _poll(client, url)
    assert ready.status_code == 200
    assert ready.headers["HX-Refresh"] == "true"
    page = client.get(url)
    assert page.status_code == 200
    with translation.override(queued["language"]):
        built = selectors.build_dashboard(
            selectors.programme_scope(varied.programme), organisation_id=organisation.pk
        )
    shown = page.context["dashboard"]
    assert shown.group_count == built.group_count < len(varied.groups)
    assert shown.trend == built.trend
    assert [r.group.pk for r in shown.norm_rows] == [r.group.pk for r in built.norm_rows]
    # The lock was let go: a later miss queues a build again.
    cache.clear()
    client.get(url)
    assert len(no_worker) == 2


def test_with_tasks_run_at_once_the_large_dashboard_shows_at_once(varied, dashboard_cache, large):
    response = varied.client().get(varied.url())
    assert response.status_code == 200
    assert response.context["dashboard"].group_count == len(varied.groups)


def test_a_small_dashboard_is_still_built_in_the_request(varied, dashboard_cache, no_worker):
    response = varied.client().get(varied.url())
    assert response.status_code == 200
    assert no_worker == []


def test_a_failed_background_build_is_said_and_not_queued_again_at_once(
    varied, dashboard_cache, large, no_worker, caplog
):
    client = varied.client()
    client.get(varied.url(), headers={"Accept-Language": "en"})
    (queued,) = no_worker
    canary = "Canary Participant Name"
    with mock.patch.object(selectors, "count_dashboard", side_effect=ValueError(canary)):
        assert not services_dashboard.dashboard_run(varied.programme.pk, **queued)
    assert canary not in caplog.text
    assert "ValueError" in caplog.text
    failed = _poll(client, varied.url())
    assert failed.status_code == 202
    assert "could not be counted" in failed.content.decode()
    assert "hx-get" not in failed.content.decode()  # it stops asking
    client.get(varied.url())
    assert len(no_worker) == 1
    cache.delete(selectors._failed(selectors._dashboard_key(varied.programme.pk, None, None, "en")))
    client.get(varied.url())
    assert len(no_worker) == 2


def test_a_queue_that_refuses_the_task_leaves_no_lock_behind(
    varied, dashboard_cache, large, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(services_dashboard, "enqueue", refuse)
    with translation.override("en"):
        services_dashboard.prepare_dashboard(
            programme=varied.programme, organisation_id=None, city_id=None
        )
        lock = selectors.build_lock(varied.programme, organisation_id=None, city_id=None)
    assert cache.get(lock) is None
