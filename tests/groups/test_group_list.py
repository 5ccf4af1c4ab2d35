"""GET /groups/ — the filtered, paginated list of the groups a user may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Composition, GroupStatus, Role
from tests.factories import GroupFactory, VenueFactory, city, grant_role
from tests.helpers import VERSIONED

URL = reverse("group_list")


def _names(response):
    return [group.name for group in response.context["page"].object_list]


# --- access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("volunteer_a1", ["Group A1"]),
        ("facilitator_a1", ["Group A1"]),
        ("facilitator_b1", ["Group B1"]),
        ("lead_a", ["Group A1", "Group A2"]),
        # 's-Gravenhage (B1) sorts before Rotterdam (A1, A2).
        ("coordinator", ["Group B1", "Group A1", "Group A2"]),
    ],
)
def test_lists_the_groups_in_scope(world, org_c, persona, expected):
    response = world.client_for(persona).get(URL)
    assert response.status_code == 200
    assert _names(response) == expected
    for name in ["Group A1", "Group A2", "Group B1", "Group C1"]:
        assert (name in response.text) == (name in expected)


def test_facilitator_b1_sees_nothing_of_organisation_a(world):
    response = world.client_for("facilitator_b1").get(URL)
    assert "Organisation A" not in response.text
    assert "Group A1" not in response.text
    assert "Venue A" not in response.text


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(URL)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + URL


@pytest.mark.parametrize("persona", ["outsider", "funder"])
def test_roles_without_groups_get_403(world, persona):
    assert world.client_for(persona).get(URL).status_code == 403


def test_post_is_not_allowed(world):
    assert world.client_for("lead_a").post(URL).status_code == 405


def test_buttons_by_role(world):
    lead = world.client_for("lead_a").get(URL)
    assert (lead.context["can_create"], lead.context["can_import"]) == (True, True)
    assert reverse("group_create") in lead.text
    coordinator = world.client_for("coordinator").get(URL)
    assert (coordinator.context["can_create"], coordinator.context["can_import"]) == (False, True)
    assert reverse("group_create") not in coordinator.text
    facilitator = world.client_for("facilitator_a1").get(URL)
    assert (facilitator.context["can_create"], facilitator.context["can_import"]) == (False, False)
    assert reverse("group_import") not in facilitator.text


# --- filters (coordinator sees A1, A2 in Rotterdam and B1 in The Hague) ----------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"city": lambda w: city("GM0518").pk}, ["Group B1"]),
        ({"city": lambda w: city("GM0599").pk}, ["Group A1", "Group A2"]),
        ({"organisation": lambda w: w.org_a.pk}, ["Group A1", "Group A2"]),
        ({"organisation": lambda w: w.org_b.pk}, ["Group B1"]),
        ({"status": lambda w: GroupStatus.RECRUITING}, ["Group B1"]),
        ({"status": lambda w: GroupStatus.RUNNING}, ["Group A1", "Group A2"]),
        ({"status": lambda w: GroupStatus.ENDED}, []),
        ({"composition": lambda w: Composition.MEN}, ["Group A2"]),
        ({"composition": lambda w: Composition.WOMEN}, ["Group A1"]),
        ({"community": lambda w: "moroccan"}, ["Group A2"]),  # coded
        ({"community": lambda w: "surinamese"}, ["Group B1"]),
        (
            {"organisation": lambda w: w.org_a.pk, "composition": lambda w: Composition.WOMEN},
            ["Group A1"],
        ),
    ],
)
def test_filters_narrow_the_list(world, params, expected):
    query = {key: value(world) for key, value in params.items()}
    response = world.client_for("coordinator").get(URL, query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_filter_choices_are_limited_to_what_the_user_sees(world, org_c):
    response = world.client_for("lead_a").get(URL)
    form = response.context["filter"].form
    assert [label for value, label in form.fields["organisation"].choices if value] == [
        "Organisation A"
    ]
    assert [label for value, label in form.fields["city"].choices if value] == ["Rotterdam"]
    assert [value for value, _label in form.fields["community"].choices if value] == [
        "moroccan",
        "turkish",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"city": "abc"},
        {"city": "999999"},
        {"organisation": "not-a-number"},
        {"status": "flying"},
        {"composition": "everyone"},
        {"community": "Nobody here"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "999"},
        {"city": "1e9", "status": "", "page": "0"},
    ],
)
def test_bad_filter_values_do_not_break_the_page(world, query):
    response = world.client_for("coordinator").get(URL, query)
    assert response.status_code == 200
    # An invalid value is ignored, not applied: every visible group is still listed.
    assert _names(response) == ["Group B1", "Group A1", "Group A2"]


def test_an_organisation_out_of_scope_cannot_be_filtered_on(world):
    response = world.client_for("lead_a").get(URL, {"organisation": world.org_b.pk})
    assert response.status_code == 200
    assert _names(response) == ["Group A1", "Group A2"]
    assert "organisation" in response.context["filter"].form.errors


# --- pagination ------------------------------------------------------------------------


@pytest.fixture
def fifty_one_groups(world):
    """Organisation A gets 49 more groups, 51 in all; the list shows 50 a page."""
    for n in range(49):
        GroupFactory(organisation=world.org_a, name=f"Paged {n:02d}")


def test_pagination(world, fifty_one_groups):
    client = world.client_for("lead_a")
    first = client.get(URL)
    assert len(_names(first)) == 50
    assert _names(first)[:3] == ["Group A1", "Group A2", "Paged 00"]
    assert "51 groups" in first.text
    assert "1 / 2" in first.text
    assert "page=2" in first.text

    second = client.get(URL, {"page": 2})
    assert _names(second) == ["Paged 48"]
    assert "2 / 2" in second.text


def test_pagination_keeps_the_filters(world, fifty_one_groups):
    response = world.client_for("lead_a").get(URL, {"status": "running", "page": 1})
    assert response.context["query"] == "status=running"
    assert "?status=running&amp;page=2" in response.text


def test_page_past_the_end_shows_the_last_page(world, fifty_one_groups):
    response = world.client_for("lead_a").get(URL, {"page": 7})
    assert _names(response) == ["Paged 48"]


# --- query counts ----------------------------------------------------------------------


@pytest.fixture(params=[0, 27], ids=["3 groups", "30 groups"])
def group_total(request, world):
    """The world's 3 groups, or 30: 14 more in A (facilitator_a1 works in each of them)
    and 13 more in B, in four cities and with venues of their own."""
    extra = request.param
    cities = [city(code) for code in ("GM0599", "GM0518", "GM0344", "GM0363")]
    for n in range(extra):
        organisation = world.org_a if n < 14 else world.org_b
        venue = VenueFactory(organisation=organisation, name=f"Extra venue {n}")
        group = GroupFactory(
            organisation=organisation,
            name=f"Extra {n:02d}",
            city=cities[n % 4],
            community=f"Community {n % 5}",
            venue=venue,
        )
        if organisation == world.org_a:
            grant_role(world.users["facilitator_a1"], Role.FACILITATOR, group)
    return 3 + extra


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("lead_a", {3: 2, 30: 16}),
        ("coordinator", {3: 3, 30: 30}),
        ("facilitator_a1", {3: 1, 30: 15}),
    ],
)
def test_query_count_is_the_same_for_3_and_30_groups(
    world, group_total, persona, visible, warm, django_assert_num_queries
):
    client = world.client_for(persona)
    warm(client, URL)
    # Staff of groups reach them through their memberships (3): no query for 3a. A
    # coordinator's groups are a subquery on their programmes inside each query
    # (groups.access.group_filter_for, decision 76): no query for 3a either.
    scope = 1 if persona == "lead_a" else 0
    with django_assert_num_queries(8 + scope):
        # 1. the session
        # 2. the user
        # 3. the user's roles (access rule; cached on the user for the request)
        # 3a. a lead's groups as ids (the scope, once per request:
        #     groups.access.group_scope)
        # 4. the distinct communities of the visible groups (filter choices), per
        #    organisation only where it keeps a list of its own
        # (4a. the lists of those organisations: none here, groups/communities.py)
        # 5. the number of groups (paginator)
        # 6. the cities of the visible groups (filter choices)
        # 7. the organisations of the visible groups (filter choices)
        # 8. the page of groups, joined with organisation, city and venue
        # (which of them the user works in, typed or coded community: from the scope)
        response = client.get(URL)
    assert response.status_code == 200
    assert len(_names(response)) == visible[group_total]


def test_the_list_and_its_filters_read_the_groups_by_their_ids(world, warm):
    """The scope is resolved once, as group ids; the list, its count and the filter
    choices then filter by `id IN (…)`, not by visible_to's subqueries over the
    memberships, which make PostgreSQL read every group (docs/decisions.md, 57)."""
    client = world.client_for("lead_a")
    warm(client, URL)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"city": world.group_a1.city_id})
    assert response.status_code == 200
    # The scope's one query (groups.access.group_scope): the lead's organisations' groups,
    # each with the role it is reached by ("via").
    scope = [q["sql"] for q in captured if 'AS "via"' in q["sql"]]
    assert len(scope) == 1
    reading_groups = [
        q["sql"] for q in captured if 'FROM "groups_group"' in q["sql"] and q["sql"] not in scope
    ]
    assert len(reading_groups) >= 5  # communities, count, cities, organisations, page
    assert not [sql for sql in reading_groups if "groups_membership" in sql]


def test_a_coordinators_list_filters_by_their_programmes_not_by_every_id(world, warm):
    """A coordinator's scope can be a whole national programme: thousands of literal ids
    cost more to send and plan than the query (decision 76). Their list, its count and
    its filter choices filter by a subquery on their programmes' organisations."""
    client = world.client_for("coordinator")
    warm(client, URL)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(_names(response)) == 3
    reading_groups = [q["sql"] for q in captured if 'FROM "groups_group"' in q["sql"]]
    # The page; on SQLite the count and the filter's communities, cities and
    # organisations too. On PostgreSQL those come from what it keeps counted for the
    # programme (decision 85).
    assert len(reading_groups) >= (1 if VERSIONED else 5)
    for sql in reading_groups:
        assert '"groups_programme_organisations"' in sql
    if VERSIONED:
        tallies = [q["sql"] for q in captured if "tally" in q["sql"]]
        assert len(tallies) == 4  # communities, cities, organisations; the count
        programme = world.programme.pk
        for sql in tallies:
            assert f'"programme_id" = {programme}' in sql
    assert not [q for q in captured if 'AS "via"' in q["sql"]]  # no scope read as ids


# --- a programme's choices, kept (groups.selectors.group_list_choices, decision 79) ----


def _choices(response) -> dict:
    fields = response.context["filter"].form.fields
    return {name: list(fields[name].choices) for name in ("city", "organisation", "community")}


def test_a_coordinators_choices_are_kept_for_their_programme(
    world, dashboard_cache, warm, django_assert_num_queries
):
    client = world.client_for("coordinator")
    warm(client, URL)
    # Session, user, roles and, on PostgreSQL, the version of the groups' tables
    # (decisions 81 and 82: its list and the page's lines are kept too: no count, no
    # page), elsewhere the count and the page. No choices read (they were 4-6).
    with django_assert_num_queries(5 - int(VERSIONED)):
        kept = client.get(URL)
    from django.core.cache import cache

    cache.clear()
    assert _choices(kept) == _choices(client.get(URL))
    assert _names(kept) == ["Group B1", "Group A1", "Group A2"]
    # A community chosen from kept choices still finds its groups (its texts read once).
    community = world.group_b1.community
    code = kept.context["filter"].coding.code(world.group_b1.organisation_id, community)
    warm(client, URL)
    # A community's list is not kept: its texts, the count and the page, and the
    # version on PostgreSQL.
    with django_assert_num_queries(6 + int(VERSIONED)):
        chosen = client.get(URL, {"community": code})
    assert world.group_b1.name in _names(chosen)


def test_a_leads_choices_are_read_in_the_request(world, dashboard_cache, warm):
    """A lead's or a facilitator's groups are a few literal ids: cheap to read, and
    never shared between users; nothing is kept for them."""
    from django.core.cache import cache

    client = world.client_for("lead_a")
    warm(client, URL)
    assert not [key for key in cache._cache if "group-list-choices" in str(key)]  # type: ignore[attr-defined]
    assert _choices(client.get(URL))["organisation"][1:] == [
        (str(world.org_a.pk), "Organisation A")
    ]


def test_dashboard_cache_hold_no_typed_text(world, dashboard_cache, warm):
    import pickle

    from django.core.cache import cache

    from groups.models import Group

    Group.objects.filter(pk=world.group_a2.pk).update(community="Canary Street 12")
    client = world.client_for("coordinator")
    warm(client, URL)
    warm(client, URL)  # with the choices kept, the filter panel is kept too
    keys = [key.split(":", 2)[-1] for key in cache._cache]  # type: ignore[attr-defined]
    assert [key for key in keys if key.startswith("group-list-choices:")]
    if VERSIONED:  # kept under the tables' version (decision 81)
        assert [key for key in keys if key.startswith("template.cache.group_list_filter")]
        assert [key for key in keys if key.startswith("group-list-keys:")]
        assert [key for key in keys if key.startswith("template.cache.group_list_lines")]
    assert all(b"Canary" not in pickle.dumps(cache.get(key)) for key in keys)
