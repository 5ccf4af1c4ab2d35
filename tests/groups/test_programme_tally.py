"""A programme's groups counted by PostgreSQL itself (groups.models.ProgrammeTally,
migration 0010): after any write, in whatever code it was made, the coordinator's
overview read from the tally is the overview counted from the groups
(docs/decisions.md, decision 85)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.filters import GroupFilter
from groups.models import Composition, GroupStatus, Programme, ProgrammeTally, Role
from groups.selectors import (
    _coded_counts,
    _status_counts,
    group_list_choices,
    group_list_for_user,
    group_list_sections,
    groups_in_programmes,
    keep_programme_overview,
    tallied_programme,
)
from tests.factories import GroupFactory, OrganisationFactory, ProgrammeFactory, grant_role
from tests.groups.test_table_version import WRITE_KINDS, _writes
from tests.helpers import postgresql_only

pytestmark = postgresql_only


def _counted(programme_ids: list[int]):
    """The overview counted from the groups themselves."""
    groups = groups_in_programmes(programme_ids)
    by_code, coding = _coded_counts(groups)
    labels = {code: coding.label(code) for code in by_code}
    return sorted(_status_counts(groups, "city__name")), by_code, labels


def _from_tally(programme_ids: list[int]):
    overview = keep_programme_overview(programme_ids=programme_ids, version=None)
    labels = {code: overview.coding.label(code) for code in overview.by_code}
    return sorted(overview.by_city), overview.by_code, labels


@pytest.mark.parametrize("write", WRITE_KINDS)
def test_after_every_write_the_tally_is_the_count(world, write):
    GroupFactory(
        organisation=world.org_a,
        status=GroupStatus.RECRUITING,
        composition=Composition.WOMEN,
        community="Turks",
    )
    _writes(world)[write]()
    programme_ids = [world.programme.pk]
    assert _from_tally(programme_ids) == _counted(programme_ids)
    assert sum(row[1] for row in _from_tally(programme_ids)[0]) == (
        groups_in_programmes(programme_ids).count()
    )


def test_an_organisation_leaving_the_programme_takes_its_groups_out(world):
    programme_ids = [world.programme.pk]
    before = sum(row[1] for row in _from_tally(programme_ids)[0])
    leaving = world.org_b.stet_groups.count()
    assert leaving
    world.programme.organisations.remove(world.org_b)
    assert sum(row[1] for row in _from_tally(programme_ids)[0]) == before - leaving
    assert _from_tally(programme_ids) == _counted(programme_ids)


def test_a_group_counts_in_each_programme_its_organisation_takes_part_in(world):
    other = ProgrammeFactory(name="Second programme")
    other.organisations.add(world.org_a)
    groups_of_a = world.org_a.stet_groups.count()
    assert ProgrammeTally.objects.filter(programme=other).values_list("groups", flat=True)
    assert sum(ProgrammeTally.objects.filter(programme=other).values_list("groups", flat=True)) == (
        groups_of_a
    )
    # Of two programmes sharing an organisation, its groups count once: counted.
    both = [world.programme.pk, other.pk]
    assert _from_tally(both) == _counted(both)


def test_a_deleted_programme_leaves_no_rows(world):
    other = ProgrammeFactory(name="Short-lived programme")
    other.organisations.add(world.org_a)
    pk = other.pk
    Programme.objects.filter(pk=pk).delete()
    assert not ProgrammeTally.objects.filter(programme_id=pk).exists()


def test_one_programme_reads_the_tally_not_the_groups(world):
    with CaptureQueriesContext(connection) as captured:
        keep_programme_overview(programme_ids=[world.programme.pk], version=None)
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "groups_programmetally" in tables
    assert '"groups_group"' not in tables


# --- the group list's filter choices (groups.selectors.group_list_choices) ------------


def _choices(user):
    offered, texts, _kept = group_list_choices(user=user, keeping=None)
    return offered.cities, offered.organisations, offered.codes, texts


def test_a_coordinators_choices_from_the_tally_are_those_of_the_groups(world, monkeypatch):
    coordinator = world.users["coordinator"]
    assert tallied_programme(user=coordinator) == world.programme.pk
    GroupFactory(organisation=world.org_b, community="Marokkanen")
    _writes(world)["an organisation's own community"]()
    with CaptureQueriesContext(connection) as captured:
        tallied = _choices(coordinator)
    assert not [q for q in captured if '"groups_group"' in q["sql"]]
    monkeypatch.setattr("groups.selectors.tallied_programme", lambda *, user: None)
    assert tallied == _choices(coordinator)


def test_a_coordinator_who_also_leads_counts_the_groups(world):
    coordinator = world.users["coordinator"]
    grant_role(coordinator, Role.PROJECT_LEAD, OrganisationFactory())
    assert tallied_programme(user=coordinator) is None


# --- the group list's count and sections (groups.selectors.group_list_sections) --------


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": GroupStatus.RUNNING}, {"composition": Composition.WOMEN}, "city"],
)
def test_the_lists_sections_are_its_groups_per_city(world, filters):
    coordinator = world.users["coordinator"]
    GroupFactory(organisation=world.org_b, composition=Composition.WOMEN)
    if filters == "city":
        filters = {"city": str(world.group_a1.city_id)}
    sections = group_list_sections(user=coordinator, filters=filters)
    assert sections is not None
    groups = group_list_for_user(user=coordinator).filter(
        **{name if name != "city" else "city_id": value for name, value in filters.items()}
    )
    per_city: dict[str, int] = {}
    for group in groups:
        per_city[group.city.name] = per_city.get(group.city.name, 0) + 1
    assert [size for _ids, size in sections.sizes] == [per_city[name] for name in sorted(per_city)]


def test_an_organisation_filter_counts_the_groups(world):
    coordinator = world.users["coordinator"]
    for filters in ({"organisation": str(world.org_a.pk)}, None):
        assert group_list_sections(user=coordinator, filters=filters) is None


@pytest.mark.parametrize("own_list", [False, True])
def test_a_community_filters_sections_are_its_groups_per_city(world, own_list):
    """A community chosen in the filter: the sections count the groups the filter
    finds, whether an organisation codes its groups by a list of its own or not."""
    coordinator = world.users["coordinator"]
    GroupFactory(organisation=world.org_b, community="Turks")
    GroupFactory(organisation=world.org_a, community="Turkish")
    if own_list:
        _writes(world)["an organisation's own community"]()
    offered, _texts, _kept = group_list_choices(user=coordinator, keeping=None)
    assert offered.codes
    for code in offered.codes:
        group_filter = GroupFilter(
            {"community": code},
            queryset=group_list_for_user(user=coordinator),
            user=coordinator,
        )
        filters = group_filter.understood()
        assert filters == {"community": code}
        per_city: dict[str, int] = {}
        for group in group_filter.qs:
            per_city[group.city.name] = per_city.get(group.city.name, 0) + 1
        sections = group_list_sections(
            user=coordinator, filters=filters, community=group_filter.texts_of(code)
        )
        assert sections is not None
        assert [size for _ids, size in sections.sizes] == [
            per_city[name] for name in sorted(per_city)
        ]


def test_a_coordinators_list_without_kept_keys_counts_no_group(world):
    client = world.client_for("coordinator")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("group_list"))
    assert response.status_code == 200
    shown = [group.name for group in response.context["page"].object_list]
    assert shown == list(
        group_list_for_user(user=world.users["coordinator"]).values_list("name", flat=True)[:50]
    )
    paginator = response.context["page"].paginator
    assert paginator.keys is None and paginator.sections is not None
    assert paginator.count == len(shown)
    assert not [q for q in captured if "COUNT(" in q["sql"] and '"groups_group"' in q["sql"]]
