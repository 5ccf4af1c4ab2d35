"""Read functions of groups/selectors.py: access helpers, lists and the cross tables."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import override

from groups import selectors
from groups.models import Composition, Group, GroupStatus, Role
from tests.factories import (
    GroupFactory,
    OrganisationFactory,
    UserFactory,
    VenueFactory,
    city,
    grant_role,
)

# --- access helpers --------------------------------------------------------------------


def test_venue_get_for_user(world, lead_b):
    assert selectors.venue_get_for_user(user=world.users["coordinator"], pk=world.venue_a.pk)
    assert selectors.venue_get_for_user(user=world.users["lead_a"], pk=world.venue_a.pk, write=True)
    with pytest.raises(PermissionDenied):
        selectors.venue_get_for_user(
            user=world.users["coordinator"], pk=world.venue_a.pk, write=True
        )
    with pytest.raises(Http404):
        selectors.venue_get_for_user(user=lead_b, pk=world.venue_a.pk, write=True)
    with pytest.raises(Http404):
        selectors.venue_get_for_user(user=world.users["facilitator_b1"], pk=world.venue_a.pk)


def test_organisation_get_for_user(world, lead_b, org_c):
    lead_a, coordinator = world.users["lead_a"], world.users["coordinator"]
    assert selectors.organisation_get_for_user(user=lead_a, pk=world.org_a.pk) == world.org_a
    assert selectors.organisation_get_for_user(user=coordinator, pk=world.org_b.pk) == world.org_b
    # A facilitator sees the organisation's name on group pages, not its own pages.
    with pytest.raises(Http404):
        selectors.organisation_get_for_user(user=world.users["facilitator_a1"], pk=world.org_a.pk)
    with pytest.raises(Http404):
        selectors.organisation_get_for_user(user=lead_b, pk=world.org_a.pk)
    with pytest.raises(Http404):
        selectors.organisation_get_for_user(user=coordinator, pk=org_c.pk)


# --- lists -----------------------------------------------------------------------------


def test_group_list_for_user_orders_by_city_then_name(world):
    GroupFactory(organisation=world.org_a, name="Aardige groep", city=city("GM0599"))
    names = [g.name for g in selectors.group_list_for_user(user=world.users["coordinator"])]
    # 's-Gravenhage sorts before Rotterdam.
    assert names == ["Group B1", "Aardige groep", "Group A1", "Group A2"]


def test_groups_facilitated_by(world):
    volunteer = world.users["volunteer_a1"]
    grant_role(volunteer, Role.FACILITATOR, world.group_b1)
    names = [g.name for g in selectors.groups_facilitated_by(user=volunteer)]
    assert names == ["Group A1", "Group B1"]
    assert list(selectors.groups_facilitated_by(user=world.users["lead_a"])) == []


def test_groups_led_by_and_in_programmes(world, org_c):
    assert sorted(g.name for g in selectors.groups_led_by(user=world.users["lead_a"])) == [
        "Group A1",
        "Group A2",
    ]
    assert sorted(g.name for g in selectors.groups_in_programmes([world.programme.pk])) == [
        "Group A1",
        "Group A2",
        "Group B1",
    ]
    assert list(selectors.groups_led_by(user=world.users["coordinator"])) == []


def test_organisations_page_with_group_counts(world, org_c):
    GroupFactory(organisation=world.org_b, name="Group B2")
    page = selectors.organisations_page(user=world.users["coordinator"], number=1)
    assert [(o.name, o.group_count) for o in page] == [
        ("Organisation A", 2),
        ("Organisation B", 2),
    ]
    page = selectors.organisations_page(user=world.users["lead_a"], number=None)
    assert [(o.name, o.group_count) for o in page] == [("Organisation A", 2)]
    assert list(selectors.organisations_for_staff(user=world.users["facilitator_a1"])) == []


def test_organisations_page_pages_them(world, settings, monkeypatch):
    monkeypatch.setattr(selectors, "ORGANISATIONS_PER_PAGE", 1)
    coordinator = world.users["coordinator"]
    first = selectors.organisations_page(user=coordinator, number="1")
    second = selectors.organisations_page(user=coordinator, number="2")
    assert first.paginator.count == 2 and first.has_next()
    assert [(o.name, o.group_count) for o in second] == [("Organisation B", 1)]
    # A page out of range, or no number at all, as `Paginator.get_page`.
    assert list(selectors.organisations_page(user=coordinator, number="9")) == list(second)


def test_organisations_for_staff_superuser_sees_all(world, org_c):
    admin = UserFactory(email="root@example.org", is_superuser=True)
    names = [o.name for o in selectors.organisations_for_staff(user=admin)]
    assert names == ["Organisation A", "Organisation B", "Organisation C"]


def test_members_of_organisation(world, lead_b):
    rows = selectors.members_of_organisation(organisation=world.org_a)
    assert [(m.user.email, m.role) for m in rows] == [
        ("facilitator.a1@example.org", "facilitator"),
        ("lead.a@example.org", "project_lead"),
        ("volunteer.a1@example.org", "volunteer"),
    ]


def test_members_of_organisation_shows_scope_in_one_query(world, django_assert_num_queries):
    for n in range(3):
        grant_role(UserFactory(email=f"extra.lead{n}@example.org"), Role.PROJECT_LEAD, world.org_a)
    with django_assert_num_queries(1):
        # 1. memberships joined with user, organisation and group (scope needs no query)
        scopes = [str(m.scope) for m in selectors.members_of_organisation(organisation=world.org_a)]
    assert scopes == [
        "Organisation A",
        "Organisation A",
        "Organisation A",
        "Group A1",
        "Organisation A",
        "Group A1",
    ]


def test_members_of_programme(world, lead_b, org_c):
    lead_c = UserFactory(email="lead.c@example.org")
    grant_role(lead_c, Role.PROJECT_LEAD, org_c)
    rows = selectors.members_of_programme(programme=world.programme)
    assert [(m.user.email, m.role) for m in rows] == [
        ("coordinator@example.org", "programme_coordinator"),
        ("lead.a@example.org", "project_lead"),
        ("lead.b@example.org", "project_lead"),
    ]


def test_programmes_and_organisations_led(world):
    assert [
        p.name for p in selectors.programmes_coordinated_by(user=world.users["coordinator"])
    ] == ["STE programme"]
    assert list(selectors.programmes_coordinated_by(user=world.users["lead_a"])) == []
    assert [o.name for o in selectors.organisations_led_by(user=world.users["lead_a"])] == [
        "Organisation A"
    ]


# --- cross tables ----------------------------------------------------------------------


@pytest.fixture
def known_groups(db):
    """Eight groups in three cities with known statuses, communities and compositions."""
    rotterdam, den_haag, utrecht = city("GM0599"), city("GM0518"), city("GM0344")
    org = OrganisationFactory(name="Known", city=rotterdam)
    VenueFactory(organisation=org)
    rows = [
        # city, community, composition, status
        (rotterdam, "Turks", Composition.WOMEN, GroupStatus.RUNNING),
        (rotterdam, "Turks", Composition.MEN, GroupStatus.RUNNING),
        (rotterdam, "Marokkaans", Composition.WOMEN, GroupStatus.PREPARING),
        (den_haag, "Marokkaans", Composition.MIXED, GroupStatus.RECRUITING),
        (den_haag, "Moluks", Composition.MIXED, GroupStatus.CONTINUING),
        (den_haag, "Turks", Composition.WOMEN, GroupStatus.RUNNING),
        (utrecht, "chinees", Composition.MIXED, GroupStatus.ENDED),
        (utrecht, "Turks", Composition.WOMEN, GroupStatus.ENDED),
    ]
    for n, (place, community, composition, status) in enumerate(rows):
        GroupFactory(
            organisation=org,
            name=f"Known {n}",
            city=place,
            community=community,
            composition=composition,
            status=status,
        )
    return Group.objects.filter(organisation=org)


def test_status_counts_by_city(known_groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1. one aggregate over the groups, grouped by city name
        statuses, rows = selectors.status_counts_by(known_groups, "city__name")
    assert [s.value for s in statuses] == [
        "preparing",
        "recruiting",
        "running",
        "continuing",
        "ended",
    ]
    # Columns: preparing, recruiting, running, continuing, ended.
    assert rows == [
        {"label": "'s-Gravenhage", "counts": [0, 1, 1, 1, 0], "total": 3},
        {"label": "Rotterdam", "counts": [1, 0, 2, 0, 0], "total": 3},
        {"label": "Utrecht", "counts": [0, 0, 0, 0, 2], "total": 2},
    ]


@pytest.mark.parametrize("also_led", [False, True])
def test_a_leads_counts_by_city_are_those_of_the_groups_they_lead(
    known_groups, world, also_led, django_assert_num_queries
):
    # The lead's home page counts through a compiled query (one per number of
    # organisations): the same table as status_counts_by over groups_led_by.
    from tests.factories import UserFactory, grant_role

    lead = UserFactory(email="telt@example.org")
    grant_role(lead, Role.PROJECT_LEAD, known_groups.first().organisation)
    if also_led:
        grant_role(lead, Role.PROJECT_LEAD, world.org_a)
    expected = selectors.status_counts_by(selectors.groups_led_by(user=lead), "city__name")
    # The lead's memberships (read again outside a request) and the counts.
    with django_assert_num_queries(2):
        found = selectors.lead_status_counts(user=lead)
    assert found == expected
    assert sum(row["total"] for row in found[1]) == 8 + (2 if also_led else 0)


def test_a_user_who_leads_nothing_has_an_empty_table(db):
    from tests.factories import UserFactory

    _statuses, rows = selectors.lead_status_counts(user=UserFactory(email="niets@example.org"))
    assert rows == []


def test_status_counts_by_organisation_name_on_world(world):
    _statuses, rows = selectors.status_counts_by(Group.objects.all(), "organisation__name")
    assert rows == [
        {"label": "Organisation A", "counts": [0, 0, 2, 0, 0], "total": 2},
        {"label": "Organisation B", "counts": [0, 1, 0, 0, 0], "total": 1},
    ]


def test_status_counts_by_empty(db):
    _statuses, rows = selectors.status_counts_by(Group.objects.none(), "city__name")
    assert rows == []


def test_community_by_composition(known_groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1. one aggregate over the groups, grouped by community (and by organisation
        #    only where it keeps a list of its own: none does here, so no list is read)
        compositions, rows, totals = selectors.community_by_composition(known_groups)
    assert [c.value for c in compositions] == ["women", "men", "mixed"]
    # By coded community (groups/communities.py), sorted by label: the typed Dutch
    # words ("Turks", lower-case "chinees") land on their codes.
    assert rows == [
        {"label": "Chinese", "counts": [0, 0, 1], "total": 1},
        {"label": "Moluccan", "counts": [0, 0, 1], "total": 1},
        {"label": "Moroccan", "counts": [1, 0, 1], "total": 2},
        {"label": "Turkish", "counts": [3, 1, 0], "total": 4},
    ]
    assert totals == {"counts": [4, 1, 3], "total": 8}


@pytest.fixture
def own_and_shared(db):
    """Organisation "Own" keeps a list of its own ("Riffian", and "Turkish" renamed to
    "Turkish Dutch"); organisation "Shared" keeps the defaults. Both type the same texts."""
    from groups.services_communities import community_category_add, community_category_update

    own, shared = OrganisationFactory(name="Own"), OrganisationFactory(name="Shared")
    community_category_add(
        organisation=own, code="riffian", label_nl="Riffijns", label_en="Riffian"
    )
    community_category_update(
        organisation=own,
        code="turkish",
        label_nl="Turks-Nederlands",
        label_en="Turkish Dutch",
        active=True,
        version=0,
    )
    rows = [
        (own, "Riffijns", Composition.WOMEN),
        (own, "Turks-Nederlands", Composition.MEN),
        (own, "Turks", Composition.MIXED),
        (shared, "Riffijns", Composition.WOMEN),
        (shared, "Turks-Nederlands", Composition.MEN),
        (shared, "Turks", Composition.WOMEN),
        (shared, "Turks", Composition.MEN),
    ]
    for n, (org, community, composition) in enumerate(rows):
        GroupFactory(organisation=org, name=f"G{n}", community=community, composition=composition)
    return own, shared


def test_community_by_composition_codes_each_organisations_text_on_its_list(
    own_and_shared, django_assert_num_queries
):
    own, shared = own_and_shared
    both = Group.objects.filter(organisation__in=[own, shared])
    with django_assert_num_queries(2):
        # 1. the aggregate, grouped by community and by "Own" (which keeps its list)
        # 2. that organisation's list
        _compositions, rows, totals = selectors.community_by_composition(both)
    # Across organisations the shared codes. "Own"'s Riffian counts as "other" and its
    # "Turks-Nederlands" is Turkish; at "Shared", "Riffijns" is a spelling of Moroccan
    # and "Turks-Nederlands" is on no list ("other").
    assert rows == [
        {"label": "Moroccan", "counts": [1, 0, 0], "total": 1},
        {"label": "Turkish", "counts": [1, 2, 1], "total": 4},
        {"label": "other", "counts": [1, 1, 0], "total": 2},
    ]
    assert totals == {"counts": [3, 3, 1], "total": 7}

    # One organisation: its own list and labels.
    with override("en"):
        _compositions, rows, _totals = selectors.community_by_composition(
            Group.objects.filter(organisation=own)
        )
    assert rows == [
        {"label": "Riffian", "counts": [1, 0, 0], "total": 1},
        {"label": "Turkish Dutch", "counts": [0, 1, 1], "total": 2},
    ]


def test_community_by_composition_empty(db):
    _compositions, rows, totals = selectors.community_by_composition(Group.objects.none())
    assert rows == []
    assert totals == {"counts": [0, 0, 0], "total": 0}
