"""The version of a programme's group list's tables, raised by PostgreSQL itself
(groups.models.TableVersion, migration 0009), and what the group list keeps under it:
its groups' order and its filter panel, never out of date (docs/decisions.md, 81)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.filters import GroupFilter
from groups.models import (
    City,
    Group,
    GroupStatus,
    Organisation,
    OrganisationCommunity,
    Programme,
    TableVersion,
)
from groups.selectors import group_list_for_user, group_list_version
from participants.models import Participant
from tests.factories import GroupFactory, OrganisationFactory
from tests.helpers import VERSIONED, postgresql_only

URL = reverse("group_list")


def _names(response) -> list[str]:
    return [group.name for group in response.context["page"].object_list]


# --- the version -----------------------------------------------------------------------


def _writes(world):
    """One write of each kind to each table the list depends on, none through a
    model's save(): what a service, an admin action, an import or a migration may do."""
    group = world.group_a1
    return {
        "a group's name (update)": lambda: Group.objects.filter(pk=group.pk).update(name="Z"),
        "a new group (insert)": lambda: GroupFactory(organisation=world.org_a),
        "a group deleted": lambda: GroupFactory(organisation=world.org_b).delete(),
        "a city's name": lambda: City.objects.filter(pk=group.city_id).update(name="Aa"),
        "an organisation's name": lambda: Organisation.objects.filter(pk=world.org_a.pk).update(
            name="Renamed"
        ),
        "an organisation's own community": lambda: OrganisationCommunity.objects.create(
            organisation=world.org_a, code="x", label_nl="X", label_en="X"
        ),
        "a programme's organisations": lambda: world.programme.organisations.add(
            OrganisationFactory()
        ),
        "raw SQL": lambda: connection.cursor().execute(
            "UPDATE groups_group SET status = %s WHERE id = %s", [GroupStatus.ENDED, group.pk]
        ),
    }


# The kinds of `_writes`, named where the test is collected (before any database).
WRITE_KINDS = [
    "a group's name (update)",
    "a new group (insert)",
    "a group deleted",
    "a city's name",
    "an organisation's name",
    "an organisation's own community",
    "a programme's organisations",
    "raw SQL",
]


@postgresql_only
@pytest.mark.parametrize("write", WRITE_KINDS)
def test_every_write_to_the_lists_tables_raises_the_version(world, write):
    before = group_list_version()
    _writes(world)[write]()
    assert group_list_version() not in (None, before)


@postgresql_only
def test_writes_to_other_tables_leave_it(world):
    before = group_list_version()
    Participant.objects.filter(pk=world.participant_a1.pk).update(full_name="Other")
    Programme.objects.filter(pk=world.programme.pk).update(name="Other")
    assert group_list_version() == before


@postgresql_only
def test_a_version_number_written_back_is_still_a_new_version(world):
    """A database restored from a backup goes back to an earlier number; the row's own
    transaction id makes it a version never seen before. (Each write in a transaction of
    its own: a savepoint has an id of its own.)"""
    with transaction.atomic():
        GroupFactory(organisation=world.org_a)
    number = TableVersion.objects.get().version
    with transaction.atomic():
        GroupFactory(organisation=world.org_a)
    before = group_list_version()
    with transaction.atomic():
        TableVersion.objects.update(version=number + 1)
    assert group_list_version() != before


@pytest.mark.skipif(VERSIONED, reason="the other databases' answer")
def test_no_version_where_the_database_raises_none(world):
    assert group_list_version() is None


# --- what the list keeps ---------------------------------------------------------------


@pytest.fixture
def kept(world, dashboard_cache, warm):
    """The coordinator's client, after one look that kept the list."""
    client = world.client_for("coordinator")
    warm(client, URL)
    return client


def _forget_lines(cache) -> None:
    for key in [key for key in cache._cache if "group_list_lines" in key]:
        cache.delete(key.split(":", 2)[-1])


@postgresql_only
def test_a_kept_look_reads_no_group(world, kept):
    """Its ids, its panel and the page's lines were kept at the first look (decisions
    81 and 82): no count, no sort, not even the page's fifty rows."""
    with CaptureQueriesContext(connection) as captured:
        response = kept.get(URL)
    sql = " ".join(q["sql"] for q in captured)
    assert 'FROM "groups_group"' not in sql
    assert "groups_tableversion" in sql
    assert response.context["page"].paginator.count == 3
    shown = response.content.decode()
    positions = [shown.index(f">{name}<") for name in ("Group B1", "Group A1", "Group A2")]
    assert positions == sorted(positions)


@postgresql_only
def test_a_page_whose_lines_are_not_kept_reads_them_by_their_ids(world, kept, dashboard_cache):
    """Another page, or another language: the kept ids give the page's rows, read by
    their ids, without counting or sorting the programme."""
    _forget_lines(dashboard_cache)
    with CaptureQueriesContext(connection) as captured:
        response = kept.get(URL)
    reading_groups = [q["sql"] for q in captured if 'FROM "groups_group"' in q["sql"]]
    (page,) = reading_groups  # the page's rows, by their ids
    assert "COUNT(" not in page and "LIMIT" not in page
    assert "groups_venue" not in page  # not shown, so not read
    assert _names(response) == ["Group B1", "Group A1", "Group A2"]


@postgresql_only
def test_the_kept_lines_are_per_language(world, kept):
    Group.objects.filter(pk=world.group_a2.pk).update(status=GroupStatus.ENDED)
    coordinator = world.users["coordinator"]
    for _ in range(2):  # drawn and kept, then read from the cache
        for language, ended in (("nl", "Afgerond"), ("en", "Ended")):
            coordinator.language = language
            coordinator.save(update_fields=["language"])
            assert f'status-ended">{ended}<' in kept.get(URL).content.decode()


@postgresql_only
def test_lines_with_typed_text_are_never_kept(world, dashboard_cache, warm):
    """A coordinator who also works in a group sees that group's community as typed:
    their lines are drawn in every request, never kept."""
    from groups.models import Membership, Role

    coordinator = world.users["coordinator"]
    Membership.objects.create(user=coordinator, role=Role.FACILITATOR, group=world.group_a1)
    Group.objects.filter(pk=world.group_a1.pk).update(community="Canary Street 12")
    client = world.client_for("coordinator")
    warm(client, URL)
    assert "Canary Street 12" in client.get(URL).content.decode()
    assert not [key for key in dashboard_cache._cache if "group_list_lines" in key]


@postgresql_only
def test_a_new_group_shows_at_once(world, kept):
    GroupFactory(organisation=world.org_a, name="Aa new group", city=world.group_a1.city)
    response = kept.get(URL)
    assert "Aa new group" in _names(response)
    assert response.context["page"].paginator.count == 4


@postgresql_only
def test_a_renamed_city_reorders_the_list_at_once(world, kept):
    before = _names(kept.get(URL))
    first = Group.objects.get(name=before[0])
    City.objects.filter(pk=first.city_id).update(name="Zzz")
    after = _names(kept.get(URL))
    assert after[-1] == first.name != before[-1]


@postgresql_only
def test_the_kept_panel_shows_a_renamed_organisation_at_once(world, kept):
    before = kept.get(URL).content.decode()
    assert "Organisation A<" in before
    Organisation.objects.filter(pk=world.org_a.pk).update(name="Renamed organisation")
    after = kept.get(URL).content.decode()
    assert "Renamed organisation<" in after and "Organisation A<" not in after


@postgresql_only
def test_each_filter_keeps_its_own_list(world, kept, dashboard_cache):
    Group.objects.filter(pk=world.group_a2.pk).update(status=GroupStatus.ENDED)
    for _ in range(2):  # made, then kept
        ended = kept.get(URL, {"status": GroupStatus.ENDED})
        everything = kept.get(URL)
        assert _names(ended) == ["Group A2"]
        assert len(_names(everything)) == 3
    keys = [key for key in dashboard_cache._cache if "group-list-keys" in key]
    assert len(keys) == 2
    # Selected in the kept panel too.
    assert f'value="{GroupStatus.ENDED}" selected' in ended.content.decode()


@postgresql_only
def test_a_value_written_another_way_is_read_in_the_request(world, kept, dashboard_cache, settings):
    query = {"city": f"00{world.group_a1.city_id}"}
    response = kept.get(URL, query)
    assert not [key for key in dashboard_cache._cache if "city" in key]
    settings.STETAPP_DASHBOARD_CACHE_SECONDS = 0
    assert _names(response) == _names(kept.get(URL, query))


def test_nothing_is_kept_for_a_lead(world, dashboard_cache, warm):
    warm(world.client_for("lead_a"), URL)
    assert not [key for key in dashboard_cache._cache if "group-list" in key]


@pytest.mark.parametrize(
    ("data", "understood"),
    [
        (None, {}),
        ({}, {}),
        ({"status": GroupStatus.RUNNING}, {"status": GroupStatus.RUNNING}),
        ({"status": GroupStatus.RUNNING, "page": "2", "other": "x"}, {"status": "running"}),
        ({"status": "no such status"}, None),
        ({"city": "0{city}"}, None),
        ({"city": "{city}"}, {"city": "{city}"}),
    ],
)
def test_what_the_filter_understood(world, data, understood):
    city = str(world.group_a1.city_id)
    if data is not None:
        data = {key: value.format(city=city) for key, value in data.items()}
    if understood is not None:
        understood = {key: value.format(city=city) for key, value in understood.items()}
    user = world.users["coordinator"]
    group_filter = GroupFilter(data, queryset=group_list_for_user(user=user), user=user)
    assert group_filter.understood() == understood


def test_entries_kept_before_versions_were_are_made_again(world, dashboard_cache, warm):
    """A deployment does not empty a shared cache: an entry written by the code before
    decision 81 (the value without its version) is made again, not misread."""
    from groups.selectors import group_list_choices, overview_key

    user = world.users["coordinator"]
    choices, _texts, _kept = group_list_choices(user=user, keeping=None)
    client = world.client_for("coordinator")
    warm(client, URL)
    warm(client, reverse("home"))
    for key in list(dashboard_cache._cache):
        if "group-list-choices" in key:
            dashboard_cache.set(key.split(":", 2)[-1], choices)
    dashboard_cache.set(overview_key([world.programme.pk]), object())
    assert _names(client.get(URL)) == ["Group B1", "Group A1", "Group A2"]
    assert client.get(reverse("home")).context["programme_by_city"]


# --- the scheduler warms them after a change (groups/jobs.py) ---------------------------


@postgresql_only
def test_after_a_change_the_scheduler_counts_the_list_and_home_again(world, kept):
    from groups.jobs import warm_programme_lists

    kept.get(reverse("home"))  # the home's overview kept too
    Group.objects.filter(pk=world.group_a2.pk).update(status=GroupStatus.ENDED)
    assert warm_programme_lists() == 1  # one coordinator, one set of programmes
    with CaptureQueriesContext(connection) as captured:
        response = kept.get(URL)
    reading_groups = [q["sql"] for q in captured if 'FROM "groups_group"' in q["sql"]]
    (page,) = reading_groups  # the page's rows by their kept ids: no count, no sort
    assert "COUNT(" not in page and "LIMIT" not in page
    assert not [q for q in captured if 'FROM "groups_city"' in q["sql"]]  # choices kept
    assert 'status-ended">' in response.content.decode()
    with CaptureQueriesContext(connection) as captured:
        home = kept.get(reverse("home"))
    assert not [q for q in captured if 'FROM "groups_group"' in q["sql"]]
    assert home.context["programme_by_city"]


@postgresql_only
def test_when_nothing_moved_the_scheduler_reads_one_version(world, dashboard_cache):
    from groups.jobs import warm_programme_lists

    warm_programme_lists()
    with CaptureQueriesContext(connection) as captured:
        assert warm_programme_lists() == 0
    assert len(captured) == 1


def test_the_warming_job_runs_only_with_a_cache_the_web_servers_share(world, dashboard_cache):
    from unittest import mock

    from groups import jobs
    from stetapp.scheduler import registered_jobs

    assert "warm-group-lists" in {item.name for item in registered_jobs()}
    with mock.patch.object(jobs, "warm_programme_lists") as warm:
        jobs.warm_group_lists()  # the test settings' cache is in this process
        warm.assert_not_called()
        with mock.patch.object(jobs, "cache_is_shared", return_value=True):
            jobs.warm_group_lists()
        warm.assert_called_once_with()
    assert jobs.warm_programme_lists() == (0 if not VERSIONED else 1)
