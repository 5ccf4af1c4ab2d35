"""Read queries for groups: every function takes the user and scopes through their group
ids or visible_to."""

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from stetapp.access import get_visible_or_404
from stetapp.compiled import CompiledQuery
from stetapp.pagination import Sections

from .access import (
    Need,
    organisation_ids_led_by,
    reach_key,
    reached_groups,
    scope_ids_held,
    sole_programme,
)
from .communities import CodedCommunities, coded_by_list, coding_organisation, typed_as
from .models import (
    City,
    Composition,
    Group,
    GroupQuerySet,
    GroupStatus,
    Membership,
    Organisation,
    Programme,
    ProgrammeOrganisationTally,
    ProgrammeTally,
    Role,
    Venue,
)


def venue_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Venue:
    """One venue of an organisation the user belongs to; write needs a project lead."""
    venue: Venue = get_visible_or_404(
        Venue.objects.select_related("organisation", "city"),
        user=user,
        pk=pk,
        write=write,
        writable=lambda venue: (
            Organisation.objects.managed_by(user).filter(pk=venue.organisation_id).exists()
        ),
    )
    return venue


def group_list_for_user(*, user: Any) -> QuerySet[Group]:
    """Groups the user may see, with what the list shows (one query).

    Filtered by the user's groups first (`groups.access.reached_groups`, resolved once
    per request), not by `visible_to`'s subqueries: a page's cost is bounded by what it
    shows (docs/decisions.md, decision 57). Only the columns a line shows, with its city
    and organisation: not the venue, whose join read every venue of a national programme
    (a millisecond at 10,000 groups, for a column the list does not show)."""
    return (
        visible_groups(user=user)
        .select_related("organisation", "city")
        .only(*LIST_COLUMNS)
        .order_by("city__name", "name")
    )


# What a line of the group list shows (templates/groups/_group_table.html), and what it is
# found by: the filter's organisation and city, the coding's organisation.
LIST_COLUMNS = (
    "name",
    "community",
    "composition",
    "status",
    "organisation_id",
    "city_id",
    "organisation__name",
    "city__name",
)


def visible_groups(*, user: Any) -> GroupQuerySet[Group]:
    """The groups `Group.objects.visible_to(user)` gives, as `pk IN (their ids)`: an index
    condition, where visible_to's OR of subqueries makes PostgreSQL read every group. A
    coordinator's are filtered by their programmes' organisations instead
    (`groups.access.reached_groups`)."""
    return reached_groups(user, need=Need.READ)


@dataclass(frozen=True)
class GroupListChoices:
    """The group list filter's choices: the cities and organisations of the user's
    groups, each (pk, name) by name, and their coded communities in the coding's order
    with the coding that labels them. Names and codes only, never the typed text: it may
    be kept in the cache (`group_list_choices`)."""

    cities: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    codes: list[str]
    coding: CodedCommunities


# Typed community texts per code: (`coding_organisation`, text) pairs (decision 77).
CommunityTexts = dict[str, list[tuple[int | None, str]]]


# The name PostgreSQL raises the group list's version under (migration 0009).
GROUP_LIST_VERSION = "group-list"


def group_list_version() -> str | None:
    """The version of the tables a programme's group list depends on, as PostgreSQL
    raised it in the last committed write (groups.models.TableVersion), with the row's
    own transaction id: a database restored from a backup does not repeat an earlier
    version. One query; None on a database that raises none (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version, xmin::text FROM groups_tableversion WHERE name = %s",
            [GROUP_LIST_VERSION],
        )
        row = cursor.fetchone()
    # No row yet: no statement has written those tables since the triggers were made.
    return "0" if row is None else f"{row[0]}.{row[1]}"


@dataclass(frozen=True)
class ListKeeping:
    """What a programme's group list may keep in the cache: under the scope's name
    (`groups.access.reach_key`), at the version of its tables (`group_list_version`;
    None where the database raises none), for `seconds` at most."""

    scope: str
    version: str | None
    seconds: int


def _kept_at(entry: Any, version: str | None) -> Any:
    """What a cache entry of (version, value) holds when it was made at `version`, else
    None: made at another version, or an entry written before versions were kept (a
    deployment does not empty a shared cache)."""
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return entry[1]
    return None


def group_list_keeping(*, user: Any) -> ListKeeping | None:
    """Whether the user's group list keeps anything, and under what: only for a scope
    reached through a programme (a national programme's 10,000 groups), and only while
    the dashboard's figures are kept (STETAPP_DASHBOARD_CACHE_SECONDS). Read once per
    request: the version is one query."""
    scope = reach_key(user, need=Need.READ)
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if scope is None or not seconds:
        return None
    return ListKeeping(scope=scope, version=group_list_version(), seconds=seconds)


def group_list_choices(
    *, user: Any, keeping: ListKeeping | None
) -> tuple[GroupListChoices, CommunityTexts | None, bool]:
    """The filter's choices for the groups `visible_groups` gives the user, the typed
    texts behind each community code when they were read (None when the choices came
    from the cache: `community_texts` reads them for a chosen community), and whether
    they came from the cache. Three queries, a fourth when an organisation keeps its
    own list of communities.

    A scope reached through a programme (`keeping`: a national programme's 10,000
    groups) has its choices kept in the cache under the scope's name: reading them
    spans the whole programme, which a page of 50 groups should not (docs/decisions.md,
    decisions 79 and 81). They are made again when the version of the groups' tables
    has moved since; where the database raises no version, when the entry expires."""
    if keeping is not None:
        kept = _kept_at(cache.get(_choices_key(keeping.scope)), keeping.version)
        if kept is not None:
            return kept, None, True
    programme = tallied_programme(user=user)
    if programme is not None:
        # A programme's groups as PostgreSQL keeps them counted: a few dozen rows and one
        # per organisation, not a pass over 10,000 groups (decision 85).
        tally = ProgrammeTally.objects.filter(programme_id=programme)
        with_cities: QuerySet[Any, Any] = tally.values("city_id")
        with_organisations: QuerySet[Any, Any] = ProgrammeOrganisationTally.objects.filter(
            programme_id=programme
        ).values("organisation_id")
        texts, coding = _texts_by_code(tally, coding=None)
    else:
        visible = visible_groups(user=user)
        with_cities = visible.values("city_id")
        with_organisations = visible.values("organisation_id")
        texts, coding = _texts_by_code(visible, coding=None)
    cities = list(
        City.objects.filter(pk__in=with_cities).order_by("name").values_list("pk", "name")
    )
    organisations = list(
        Organisation.objects.filter(pk__in=with_organisations)
        .order_by("name")
        .values_list("pk", "name")
    )
    choices = GroupListChoices(
        cities=cities,
        organisations=organisations,
        codes=sorted(texts, key=coding.sort_key),
        coding=coding,
    )
    if keeping is not None:
        cache.set(_choices_key(keeping.scope), (keeping.version, choices), keeping.seconds)
    return choices, texts, False


def group_list_keys(
    *, keeping: ListKeeping | None, groups: QuerySet[Group], filters: dict[str, str] | None
) -> Sequence[int] | None:
    """The ids of a programme's group list in its order (`groups`: the list's query,
    filtered by `filters`), kept in the cache while the version of the groups' tables is
    unchanged: a look at the list then sorts and counts none of a national programme's
    10,000 groups, and is never out of date (docs/decisions.md, decision 81). One query
    when they are made. None when nothing is kept: a scope of literal ids, a database
    that raises no version, filters the form did not understand (None), or a community
    (its typed texts are not a column of the groups: that list is read in the request).
    Kept as an array of 64-bit integers: ten thousand ids read back in microseconds,
    where a list of them took a quarter of a millisecond."""
    if keeping is None or keeping.version is None or filters is None or "community" in filters:
        return None
    key = f"group-list-keys:{keeping.scope}:" + "&".join(
        f"{name}={value}" for name, value in sorted(filters.items())
    )
    keys: array[int] | None = _kept_at(cache.get(key), keeping.version)
    if keys is not None:
        return keys
    keys = array("q", groups.values_list("pk", flat=True))
    cache.set(key, (keeping.version, keys), keeping.seconds)
    return keys


# The group list's filters that are columns of a programme's tally, by their column.
_TALLIED_FILTERS = {"city": "city_id", "status": "status", "composition": "composition"}


def group_list_sections(
    *,
    user: Any,
    filters: dict[str, str] | None,
    community: Sequence[tuple[int | None, str]] = (),
) -> Sections | None:
    """The group list (`group_list_for_user`, filtered by `filters`) as sections per
    city name, in its order, with how many groups each has, from what PostgreSQL keeps
    counted for the user's programme (decision 85): the list's count without counting
    its groups, and a page that sorts only the groups of the cities it shows
    (`stetapp.pagination.KeysFirstPaginator`). One query. A community filter finds the
    typed texts `community` gives (`GroupFilter.texts_of`). None when the groups are
    counted instead: another scope (`tallied_programme`), filters the form did not
    understand, or a filter by organisation (the tally has no column for it; an
    organisation's groups are few)."""
    programme = tallied_programme(user=user)
    if programme is None or filters is None or set(filters) - {*_TALLIED_FILTERS, "community"}:
        return None
    from django.contrib.postgres.aggregates import ArrayAgg

    tally = ProgrammeTally.objects.filter(
        programme_id=programme,
        **{_TALLIED_FILTERS[name]: value for name, value in filters.items() if name != "community"},
    )
    if "community" in filters:
        tally = tally.filter(typed_as(community, coded_by="coding_organisation"))
    sizes = (
        tally.values("city__name")
        .annotate(ids=ArrayAgg("city_id", distinct=True), size=Sum("groups"))
        .order_by("city__name")
        .values_list("ids", "size")
    )
    return Sections(field="city_id", sizes=list(sizes))


def community_texts(*, user: Any, coding: CodedCommunities) -> CommunityTexts:
    """The typed texts behind each community code among the user's groups, coded with
    `coding` (the one the choices were made with). One query."""
    programme = tallied_programme(user=user)
    groups: QuerySet[Any] = (
        visible_groups(user=user)
        if programme is None
        else ProgrammeTally.objects.filter(programme_id=programme)
    )
    texts, _coding = _texts_by_code(groups, coding=coding)
    return texts


def tallied_programme(*, user: Any) -> int | None:
    """The programme whose counts PostgreSQL keeps (groups.models.ProgrammeTally) are
    the counts of the user's groups: the user reaches exactly one programme's groups
    (`groups.access.sole_programme`) and the database keeps them (PostgreSQL). None
    otherwise: then the groups are counted."""
    if not _tallied():
        return None
    return sole_programme(user, need=Need.READ)


def _tallied() -> bool:
    """Whether the database keeps programmes' groups counted: PostgreSQL's triggers
    (migration 0010)."""
    return connection.vendor == "postgresql"


def _texts_by_code(
    groups: QuerySet[Any], *, coding: CodedCommunities | None
) -> tuple[CommunityTexts, CodedCommunities]:
    """The typed texts per code among `groups`: groups, or `ProgrammeTally` rows, which
    hold their coding organisation."""
    # One pair per text for the organisations on the defaults, however many groups they
    # have (docs/decisions.md, decision 77).
    if groups.model is Group:
        groups = groups.annotate(coding_organisation=coding_organisation())
    pairs = list(groups.order_by().values_list("coding_organisation", "community").distinct())
    if coding is None:
        coding = coded_by_list(key for key, _text in pairs)
    texts: CommunityTexts = {}
    for key, text in pairs:
        texts.setdefault(coding.code(key, text), []).append((key, text))
    return texts, coding


def _choices_key(reach: str) -> str:
    return f"group-list-choices:{reach}"


def groups_facilitated_by(*, user: Any) -> QuerySet[Group]:
    return (
        Group.objects.filter(
            memberships__user=user, memberships__role__in=[Role.FACILITATOR, Role.VOLUNTEER]
        )
        .with_related()
        .order_by("name")
    )


def status_counts_by(
    queryset: QuerySet[Group], field: str
) -> tuple[list[GroupStatus], list[dict[str, Any]]]:
    """A cross table of groups: one row per value of `field`, one column per status.

    Returns (statuses, rows) where each row is {"label", "counts": [...], "total"}; one
    aggregate query whatever the number of groups.
    """
    return _cross_rows(_status_counts(queryset, field))


def lead_status_counts(*, user: Any) -> tuple[list[GroupStatus], list[dict[str, Any]]]:
    """`status_counts_by` of the groups the user leads (`groups_led_by`) per city: the
    lead's home page. A query compiled once per number of organisations
    (stetapp/compiled.py, docs/decisions.md 70): building it cost ten times running it."""
    organisation_ids = organisation_ids_led_by(user)
    if not organisation_ids:
        return _cross_rows([])
    return _cross_rows(_LED_BY_CITY.rows(organisation_ids=organisation_ids))


def _status_counts(
    queryset: QuerySet[Any], field: str, *, counted: str | None = None
) -> QuerySet[Any, tuple[Any, ...]]:
    """(value of `field`, total, a count per status in GroupStatus's order) per value:
    of groups, or of `ProgrammeTally` rows adding up their `counted` column."""
    annotations = {
        status.value: _counter(counted, Q(status=status.value)) for status in GroupStatus
    }
    # The counts are annotated through **annotations, which django-stubs cannot see.
    rows: QuerySet[Any, tuple[Any, ...]] = (
        queryset.order_by()
        .values(field)
        .annotate(total=_counter(counted, None), **annotations)
        .values_list(field, "total", *annotations)
    )
    return rows


def _counter(counted: str | None, condition: Q | None) -> Any:
    """Groups counted where `condition` holds: one per row, or the rows' `counted`
    numbers added up (0, not NULL, where none holds)."""
    if counted is None:
        return Count("pk", filter=condition)
    return Coalesce(Sum(counted, filter=condition), 0)


def _led_by_city(*, organisation_ids: list[int]) -> QuerySet[Group, tuple[Any, ...]]:
    return _status_counts(groups_of_organisations(organisation_ids), "city__name")


_LED_BY_CITY = CompiledQuery(_led_by_city)


def _cross_rows(data: Iterable[Sequence[Any]]) -> tuple[list[GroupStatus], list[dict[str, Any]]]:
    statuses = list(GroupStatus)
    rows = [
        {"label": label, "counts": list(counts), "total": total} for label, total, *counts in data
    ]
    rows.sort(key=lambda row: str(row["label"]).lower())
    return statuses, rows


def community_by_composition(
    queryset: QuerySet[Group],
) -> tuple[list[Composition], list[dict[str, Any]], dict[str, Any]]:
    """Groups by coded community (groups/communities.py: never the typed text; text not
    on the list counts as "other"; groups of several organisations by the shared codes)
    × composition (women / men / mixed), with totals, as in Table 1 of the manual. One
    aggregate query, grouped by text and by the organisations that keep their own list
    (`coding_organisation`: a row per text for the rest, whatever the number of groups),
    and one for those organisations' lists if any."""
    return _community_rows(*_coded_counts(queryset))


def _coded_counts(
    queryset: QuerySet[Any], *, counted: str | None = None
) -> tuple[dict[str, list[int]], CodedCommunities]:
    """Per coded community, the number of groups per composition (Composition's order),
    and the coding that gave the codes (what labels them). No typed text in either. Of
    groups, or of `ProgrammeTally` rows (which hold their coding organisation) adding up
    their `counted` column."""
    compositions = list(Composition)
    annotations = {c.value: _counter(counted, Q(composition=c.value)) for c in compositions}
    if counted is None:
        queryset = queryset.annotate(coding_organisation=coding_organisation())
    data = list(
        queryset.order_by().values("coding_organisation", "community").annotate(**annotations)
    )
    coding = coded_by_list(row["coding_organisation"] for row in data)
    by_code: dict[str, list[int]] = {}
    for row in data:
        counts = [row[c.value] for c in compositions]
        code = coding.code(row["coding_organisation"], row["community"])
        merged = by_code.setdefault(code, [0] * len(compositions))
        by_code[code] = [a + b for a, b in zip(merged, counts, strict=True)]
    return by_code, coding


def _community_rows(
    by_code: dict[str, list[int]], coding: CodedCommunities
) -> tuple[list[Composition], list[dict[str, Any]], dict[str, Any]]:
    """`community_by_composition`'s table from coded counts, labelled in the active
    language."""
    compositions = list(Composition)
    rows = [
        {"label": coding.label(code), "counts": counts, "total": sum(counts)}
        for code, counts in sorted(by_code.items(), key=lambda item: coding.sort_key(item[0]))
    ]
    column_totals = [
        sum(counts[i] for counts in by_code.values()) for i in range(len(compositions))
    ]
    totals = {"counts": column_totals, "total": sum(column_totals)}
    return compositions, rows, totals


@dataclass(frozen=True)
class _Overview:
    """What the coordinator's home counts over their programmes' groups: the cross table
    by city × status (city names and counts) and the coded communities' counts with the
    coding that labels them. Names, codes and counts only: no personal data, nothing
    typed (it may be kept in the cache)."""

    by_city: list[tuple[Any, ...]]
    by_code: dict[str, list[int]]
    coding: CodedCommunities


def programme_overview(*, user: Any) -> dict[str, Any]:
    """The coordinator's home's overview of the groups in the programmes they coordinate:
    groups by city × status and by coded community × composition (Table 1 of the
    manual), as the home's context. Counted over the whole programme, so kept in the
    cache per set of programmes as long as the dashboard (STETAPP_DASHBOARD_CACHE_SECONDS;
    the scheduler counts it again before it expires, reporting/jobs.py): a page's cost
    is bounded by what it shows (docs/decisions.md, decision 78). On PostgreSQL it is
    counted again as soon as the version of the groups' tables has moved (decision 81):
    one query to read it. Two queries on a miss, a third when an organisation keeps its
    own list of communities."""
    programme_ids = scope_ids_held(user, Role.PROGRAMME_COORDINATOR)
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    version = group_list_version() if seconds else None
    kept = _kept_at(cache.get(overview_key(programme_ids)), version) if seconds else None
    overview: _Overview = (
        kept
        if kept is not None
        else keep_programme_overview(programme_ids=programme_ids, version=version)
    )
    statuses, by_city = _cross_rows(overview.by_city)
    compositions, by_community, totals = _community_rows(overview.by_code, overview.coding)
    return {
        "programme_statuses": statuses,
        "programme_by_city": by_city,
        "compositions": compositions,
        "programme_by_community": by_community,
        "programme_community_totals": totals,
    }


def keep_programme_overview(*, programme_ids: list[int], version: str | None) -> _Overview:
    """Count `programme_overview` for these programmes and keep it (when the dashboard
    is kept) with the version of the groups' tables read before counting
    (`group_list_version`): what a miss does, and what the scheduler does before the
    entry expires."""
    if _tallied() and len(programme_ids) == 1:
        # One programme: from the few rows PostgreSQL keeps counted (decision 85). Of
        # several, a group whose organisation takes part in two counts once: counted.
        tally = ProgrammeTally.objects.filter(programme_id=programme_ids[0])
        by_code, coding = _coded_counts(tally, counted="groups")
        by_city = list(_status_counts(tally, "city__name", counted="groups"))
    else:
        groups = groups_in_programmes(programme_ids)
        by_code, coding = _coded_counts(groups)
        by_city = list(_status_counts(groups, "city__name"))
    overview = _Overview(by_city=by_city, by_code=by_code, coding=coding)
    seconds = settings.STETAPP_DASHBOARD_CACHE_SECONDS
    if seconds:
        cache.set(overview_key(programme_ids), (version, overview), seconds)
    return overview


def overview_key(programme_ids: Iterable[int]) -> str:
    """Where the overview of these programmes' groups is kept."""
    return "programme-overview:" + ",".join(str(pk) for pk in sorted(programme_ids))


def programmes_coordinated_by(*, user: Any) -> QuerySet[Programme]:
    return Programme.objects.visible_to(user).order_by("name")


def organisations_led_by(*, user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.managed_by(user).select_related("city").order_by("name")


def _staff_query(*, group_id: int) -> QuerySet[Membership]:
    # Only what the staff list shows: a name (or the address) and the role.
    return (
        Membership.objects.filter(group_id=group_id)
        .select_related("user")
        .only("role", "group_id", "user__full_name", "user__email")
        .order_by("role", "user__full_name")
    )


# Compiled once per process (stetapp/compiled.py; docs/decisions.md, decision 70).
_STAFF = CompiledQuery(_staff_query)


def staff_of_group(*, group: Group) -> list[Membership]:
    """The group's staff (facilitators and volunteers) with their names, by role and
    name, for the group page. One query."""
    return _STAFF.objects(group_id=group.pk)  # type: ignore[return-value]


def _memberships_of_either(
    first: QuerySet[Membership], second: QuerySet[Membership]
) -> QuerySet[Membership]:
    """The memberships either query finds, as `pk IN (a UNION of their ids)`: an OR of
    conditions across the memberships' joins made PostgreSQL read every membership."""
    ids = first.order_by().values("pk").union(second.order_by().values("pk"))
    return Membership.objects.filter(pk__in=ids)


def members_of_organisation(*, organisation: Organisation) -> QuerySet[Membership]:
    """Everyone holding a role in the organisation or one of its groups (one query).
    Found as a UNION of the two kinds' ids: an OR of the two made PostgreSQL read every
    membership of a national programme (12 ms to count ten at 10,000 groups)."""
    return (
        _memberships_of_either(
            Membership.objects.filter(organisation=organisation),
            Membership.objects.filter(group__organisation=organisation),
        )
        .select_related("user", "organisation", "group")
        .order_by("user__email", "role")
    )


def members_of_programme(*, programme: Programme) -> QuerySet[Membership]:
    """Coordinators of the programme and project leads of its organisations (one query).
    Found as a UNION of the two kinds' ids: an OR of the two made PostgreSQL read every
    membership (a national programme has one per group)."""
    return (
        _memberships_of_either(
            Membership.objects.filter(programme=programme),
            Membership.objects.filter(role=Role.PROJECT_LEAD, organisation__programmes=programme),
        )
        .select_related("user", "organisation", "programme")
        .order_by("user__email", "role")
    )


# How many of their groups the project lead's home page lists at a time.
LEAD_HOME_GROUPS_PER_PAGE = 20


def page_of_counted(
    queryset: QuerySet[Any], *, count: int, number: Any, per_page: int
) -> Page[Any]:
    """One page of `queryset` (the project's Paginator, so `partials/pagination.html`
    shows it) when the page already knows how many rows there are — from an aggregate it
    shows anyway — so that paging costs one query, not two. A page number out of range
    gives the last page, as `Paginator.get_page` does."""
    paginator = Paginator(queryset, per_page)
    paginator.__dict__["count"] = count  # Paginator.count is a cached property
    return paginator.get_page(number)


def groups_led_by(*, user: Any) -> GroupQuerySet[Group]:
    """Groups of the organisations the user leads as project lead, by the
    organisations' literal ids (`groups.access.organisation_ids_led_by`: from the
    memberships the access rule loaded, free in a request). A page's cost is bounded by
    what it shows (docs/decisions.md, decision 57): the home page filters three queries
    by these ids, and a subquery on the memberships made each of them slower to plan
    than to run."""
    return groups_of_organisations(organisation_ids_led_by(user))


def groups_of_organisations(organisation_ids: list[int]) -> GroupQuerySet[Group]:
    """The groups of these organisations (`groups_led_by`'s filter, for a query compiled
    with the ids as its values)."""
    return Group.objects.filter(organisation_id__in=organisation_ids)


def groups_in_programmes(programme_ids: list[int]) -> QuerySet[Group]:
    """Groups of every organisation in these programmes."""
    return Group.objects.filter(
        organisation_id__in=Programme.organisations.through.objects.filter(
            programme_id__in=programme_ids
        ).values("organisation_id")
    )


def organisations_for_staff(*, user: Any) -> QuerySet[Organisation]:
    """Organisations the user leads (project lead) or coordinates (through a programme),
    not those a facilitator merely works for, by name, with their city (one query;
    `organisations_page` pages them with their numbers of groups)."""
    if user.is_superuser:
        base = Organisation.objects.all()
    else:
        coordinated = Programme.organisations.through.objects.filter(
            programme_id__in=Membership.objects.filter(
                user=user, role=Role.PROGRAMME_COORDINATOR
            ).values("programme_id")
        ).values("organisation_id")
        led = Membership.objects.filter(user=user, role=Role.PROJECT_LEAD).values("organisation_id")
        base = Organisation.objects.filter(Q(pk__in=led) | Q(pk__in=coordinated))
    return base.select_related("city").order_by("name")


# How many organisations a page of the organisation list shows (a national programme
# has a thousand).
ORGANISATIONS_PER_PAGE = 50


def organisations_page(*, user: Any, number: Any, name: str = "") -> Page[Any]:
    """A page of `organisations_for_staff` (those whose name holds `name`, when given),
    each with its number of groups (`group_count`): counted by a subquery that
    PostgreSQL runs for the page's rows only, after the sort and the limit. So a page
    costs a count of the organisations and the page, not a join of a national
    programme's 10,000 groups with its thousand organisations (a page's cost is bounded
    by what it shows: docs/decisions.md, decision 83)."""
    groups = (
        Group.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    listed = organisations_for_staff(user=user).annotate(group_count=Coalesce(Subquery(groups), 0))
    if name:
        listed = listed.filter(name__icontains=name)
    return Paginator(listed, ORGANISATIONS_PER_PAGE).get_page(number)


def organisation_get_for_user(*, user: Any, pk: Any) -> Organisation:
    """One organisation the user leads or coordinates, else 404. Both may change it:
    project leads their own, coordinators those of their programmes (they onboard them)."""
    organisation: Organisation = get_visible_or_404(
        Organisation.objects.select_related("city"), user=user, pk=pk
    )
    if not organisations_for_staff(user=user).filter(pk=organisation.pk).exists():
        # Facilitators and volunteers can see the name of their organisation on their
        # group pages, but not the organisation's own pages.
        raise Http404
    return organisation
