"""May this user act on this group? The one answer, for every app.

The vocabulary (roles, role sets by meaning, `Need`) is in `groups/roles.py` and is
re-exported here; this module turns it into queries:

- `group_get_for_user(*, user, pk, need)` — the entry point of every group-scoped view.
  A group the user cannot see at all is a 404 (indistinguishable from a group that does
  not exist); a group the user sees but may not act on as `need` asks is a 403.
- `roles_in_group(*, user, group)` — the roles through which the user reaches a group
  (pages use it to decide what they show: names, counts only, nothing).
- `can(user, group, need)` — the same test as a boolean, for showing or hiding a button.
- `groups_worked_in(user, need=...)` — the groups a user reaches with a need, as a
  queryset to filter other models with (meetings, stories, …).
- `group_ids_for(user, need=...)` — the same groups as a list of ids, resolved once per
  request (`group_scope`): what the lists and counts filter by first, so a page costs
  what it shows and not what the database holds (decision 57 in `docs/decisions.md`).

The rule is decision 26 in `docs/decisions.md`; `stetapp/access.py` explains the
mechanism as a whole (declared rules, scoped querysets, access helpers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import CharField, Model, Q, QuerySet, Value
from django.http import Http404

from stetapp.access import (
    Held,
    Rule,
    get_visible_or_404,
    load_memberships,
    roles,
    user_memberships,
)
from stetapp.compiled import CompiledQuery

from .models import Group, GroupQuerySet, Programme, no_access
from .roles import (
    GROUP_KEEPERS,
    GROUP_MANAGERS,
    GROUP_READERS,
    GROUP_STAFF,
    GROUP_WORKERS,
    NEED_ROLES,
    ROLE_SCOPE,
    Need,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from stetapp.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

M = TypeVar("M", bound=Model)

__all__ = [
    "GROUP_KEEPERS",
    "GROUP_MANAGERS",
    "GROUP_READERS",
    "GROUP_STAFF",
    "GROUP_WORKERS",
    "NEED_ROLES",
    "ROLE_SCOPE",
    "Need",
    "Role",
    "VisibleThroughGroup",
    "can",
    "get_in_group_or_404",
    "group_get_for_user",
    "group_filter_for",
    "group_ids_for",
    "group_scope",
    "groups_worked_in",
    "reach_key",
    "reached_groups",
    "roles_in_group",
    "rule_for",
]

_RULES: dict[Need, Rule] = {need: roles(*sorted(NEED_ROLES[need])) for need in Need}


def rule_for(need: Need) -> Rule:
    """The view-level rule (`@access(...)`) for a need: the user must hold one of the
    need's roles somewhere; the group itself is then checked by `group_get_for_user`."""
    return _RULES[need]


def roles_in_group(*, user: AnyUser, group: Group) -> frozenset[str]:
    """The roles through which the user reaches this group: facilitator or volunteer of
    the group itself, project lead of its organisation, programme coordinator of a
    programme it belongs to (`_reach_of`, the rule of `group_scope`). Cached on the
    group object for this user; a superuser holds them all.

    From the user's memberships: in a request those the access rule loaded (no query
    for staff and leads), outside one read afresh (`load_memberships`, one query), so a
    background job never sees an earlier answer. A coordinator costs one more small
    query (is the group's organisation in one of their programmes?) unless the
    request's `group_scope` is already known."""
    if no_access(user):
        return frozenset()
    if user.is_superuser:
        return frozenset(Role.values)
    cache = group.__dict__.setdefault("_roles_by_user", {})
    if user.pk not in cache:
        memo = getattr(user, SCOPE_MEMO, None)
        staff, led, programmes = _reach_of(_memberships(user))
        found = set(staff.get(group.pk, ()))
        if group.organisation_id in led:
            found.add(Role.PROJECT_LEAD)
        if programmes:
            scope: Mapping[int, frozenset[str]] | None = (
                memo.get("groups") if memo is not None else None
            )
            if scope is not None:
                coordinates = Role.PROGRAMME_COORDINATOR in scope.get(group.pk, frozenset())
            else:
                coordinates = Programme.organisations.through.objects.filter(
                    programme_id__in=sorted(programmes), organisation_id=group.organisation_id
                ).exists()
            if coordinates:
                found.add(Role.PROGRAMME_COORDINATOR)
        cache[user.pk] = frozenset(found)
    roles: frozenset[str] = cache[user.pk]
    return roles


def _reach_of(held: Iterable[Held]) -> tuple[dict[int, set[str]], set[int], set[int]]:
    """The user's memberships by how they reach groups (the rule of
    `GroupQuerySet.reached_by`): the staff roles held in each group, the organisations
    they are project lead of, the programmes they coordinate."""
    staff: dict[int, set[str]] = {}
    led: set[int] = set()
    programmes: set[int] = set()
    for h in held:
        # A membership's scope kind is that of its one id that is set (Held).
        scope_id = cast(int, h.scope_id)
        if h.scope_kind == "group" and h.role in GROUP_STAFF:
            staff.setdefault(scope_id, set()).add(h.role)
        elif h.scope_kind == "organisation" and h.role == Role.PROJECT_LEAD:
            led.add(scope_id)
        elif h.scope_kind == "programme" and h.role == Role.PROGRAMME_COORDINATOR:
            programmes.add(scope_id)
    return staff, led, programmes


def can(user: AnyUser, group: Group, need: Need) -> bool:
    """True when the user may act on the group as `need` asks."""
    return bool(roles_in_group(user=user, group=group) & NEED_ROLES[need])


def _group_query(*, pk: int) -> QuerySet[Group]:
    return Group.objects.with_related().filter(pk=pk)


# Compiled once per process (stetapp/compiled.py; docs/decisions.md, decision 70): every
# group-scoped page reads its group first, and building this query cost more than
# running it.
_GROUP = CompiledQuery(_group_query)


def group_get_for_user(*, user: AnyUser, pk: Any, need: Need = Need.READ) -> Group:
    """One group, with its organisation, city and venue.

    404 when the user cannot see the group (or it does not exist); 403 when the user sees
    it but may not act on it as `need` asks. The group is read by its key (one query),
    then the user's roles in it decided by `roles_in_group`: in a request no further
    query for staff and leads, so the page does not build the scope's subqueries.
    """
    if no_access(user):
        raise Http404
    try:
        found = _GROUP.objects(pk=int(pk))
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not found:
        raise Http404
    group = cast(Group, found[0])
    held = roles_in_group(user=user, group=group)
    if not held & GROUP_READERS:
        raise Http404
    if not held & NEED_ROLES[need]:
        raise PermissionDenied
    return group


class VisibleThroughGroup:
    """A queryset mixin for models whose objects are visible exactly when the user
    reaches their group (field `group`) with `group_need`: meetings, ideas, agreements.
    The rule is stated once, here, and `get_in_group_or_404` uses it to read such an
    object by its key and decide from the user's roles in its group (free in a request,
    see `roles_in_group`) instead of building the scope's subqueries."""

    group_need: Need = Need.READ

    def visible_to(self, user: AnyUser) -> Any:
        return cast("QuerySet[Any]", self).filter(
            group__in=groups_worked_in(user, need=self.group_need)
        )


def get_in_group_or_404(
    queryset: QuerySet[M],
    *,
    user: AnyUser,
    pk: Any,
    need: Need = Need.READ,
    group_field: str = "group",
) -> M:
    """One object of a group-scoped model (a meeting, an idea, a story, …) through its
    `visible_to(user)` queryset: 404 when the user cannot see it; 403 unless the user may
    act on its group as `need` asks. Load the group with the object
    (`select_related(group_field)`) to keep this at two queries — at one in a request
    when the model is `VisibleThroughGroup`."""
    if isinstance(queryset, VisibleThroughGroup) and group_field == "group":
        if no_access(user):
            raise Http404
        try:
            found: M = queryset.get(pk=pk)
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise Http404 from None
        held = roles_in_group(user=user, group=getattr(found, group_field))
        if not held & NEED_ROLES[queryset.group_need]:
            raise Http404
    else:
        found = get_visible_or_404(queryset, user=user, pk=pk)
    if need is not Need.READ and not can(user, getattr(found, group_field), need):
        raise PermissionDenied
    return found


def groups_worked_in(user: AnyUser, *, need: Need = Need.WORK) -> QuerySet[Group]:
    """The groups the user reaches with `need` (a queryset to filter other models by
    group): `Need.WORK` — the group's facilitators and volunteers and the project lead;
    `Need.EDIT` — without volunteers; `Need.MANAGE` — the project lead only.

    The groups of `reached_groups`: the user's group ids (or a programme's conditions),
    not `Group.objects.reached_by`'s OR of subqueries on the memberships, which made
    PostgreSQL test a national programme's every group for each list filtered by it
    (2.5 ms a query at 10,000 groups; docs/decisions.md, decision 83)."""
    return reached_groups(user, need=need)


# --- the user's scope as group ids, once per request ---------------------------------

SCOPE_MEMO = "_stetapp_scope_memo"


def remember_scope(user: Any) -> None:
    """Let `group_scope` keep its answer on this user object: called for `request.user`
    by `stetapp.middleware.ScopeMemoMiddleware`, so the memo lives exactly as long as the
    request. A user object without it (a shell, a background task, a test calling a
    selector) gets a fresh answer on every call: it never sees a stale scope."""
    setattr(user, SCOPE_MEMO, {})


def group_scope(user: AnyUser) -> Mapping[int, frozenset[str]]:
    """Every group the user reaches, with the roles through which they reach it (the
    rule of `GroupQuerySet.reached_by`): staff of the group, project lead of its
    organisation, coordinator of a programme it belongs to. Kept on `request.user` for
    the rest of the request.

    From the user's memberships: in a request those the access rule loaded already
    (`stetapp.access.user_memberships`), so a facilitator's or volunteer's groups cost
    no query; outside a request read afresh (`load_memberships`), so a scope is never
    stale. Then ONE query only for a lead or a coordinator: the groups of the
    organisations they lead, or of their programmes' organisations (a UNION when
    both)."""
    return _scope(user, with_programmes=True)


def _scope(user: AnyUser, *, with_programmes: bool) -> Mapping[int, frozenset[str]]:
    """`group_scope`, or without the groups reached only through a programme
    (`with_programmes=False`: what a need without the coordinator's role asks, so that a
    coordinator's page does not read the whole programme for it). Kept per part."""
    if no_access(user):
        return {}
    part = "groups" if with_programmes or user.is_superuser else "groups-local"
    memo = getattr(user, SCOPE_MEMO, None)
    if memo is not None:
        if part in memo:
            cached: Mapping[int, frozenset[str]] = memo[part]
            return cached
        if "groups" in memo:  # the whole scope answers for the local part too, once
            local = {pk: via for pk, via in memo["groups"].items() if via & _LOCAL_ROLES}
            memo[part] = local
            return local
    scope: dict[int, set[str]] = {}
    if user.is_superuser:
        every_role = set(Role.values)
        for pk in Group.objects.order_by().values_list("pk", flat=True):
            scope[pk] = every_role
    else:
        staff, led, programmes = _reach_of(_memberships(user))
        scope.update(staff)
        reached = [
            Group.objects.filter(condition)
            .order_by()
            .annotate(via=Value(role, output_field=CharField()))
            .values_list("pk", "via")
            for role, condition in _reach_conditions(led, programmes if with_programmes else set())
        ]
        if reached:
            first, *rest = reached
            for pk, via in first.union(*rest, all=True) if rest else first:
                scope.setdefault(pk, set()).add(via)
    result = {pk: frozenset(via) for pk, via in scope.items()}
    if memo is not None:
        memo[part] = result
    return result


# The roles through which a group is reached other than through a programme.
_LOCAL_ROLES = frozenset(GROUP_STAFF | {Role.PROJECT_LEAD})


def _reach_conditions(led: set[int], programmes: set[int]) -> list[tuple[str, Q]]:
    """How groups are reached beyond their own staff, as conditions on the group: the
    organisations the user leads, the organisations of the programmes they coordinate.
    The one place of that rule for `group_scope` and `group_filter_for`."""
    conditions: list[tuple[str, Q]] = []
    if led:
        conditions.append((Role.PROJECT_LEAD.value, Q(organisation_id__in=sorted(led))))
    if programmes:
        organisations = Programme.organisations.through.objects.filter(
            programme_id__in=sorted(programmes)
        ).values("organisation_id")
        conditions.append((Role.PROGRAMME_COORDINATOR.value, Q(organisation_id__in=organisations)))
    return conditions


def _memberships(user: AnyUser) -> tuple[Held, ...]:
    """The user's memberships for a scope: in a request (`remember_scope` was called)
    those the access rule loaded, free; elsewhere read afresh, so that a script or a task
    that changed someone's roles never works from an earlier answer."""
    if getattr(user, SCOPE_MEMO, None) is not None:
        return user_memberships(user)
    return load_memberships(user)


def scope_ids_held(user: AnyUser, role: str) -> list[int]:
    """The ids of the scopes (groups.roles.ROLE_SCOPE: programmes, organisations, groups
    or funds) in which the user holds `role`, sorted: literal ids a query can use as an
    index condition (`organisation_id IN (…)`) where a subquery on the memberships makes
    PostgreSQL read the whole table first and costs Python to build on every request.
    From the memberships the access rule loaded (`stetapp.access.user_memberships`):
    free in a request; outside one read afresh (`_memberships`)."""
    if no_access(user):
        return []
    kind = ROLE_SCOPE[Role(role)]
    return sorted(
        {
            held.scope_id
            for held in _memberships(user)
            if held.role == role and held.scope_kind == kind and held.scope_id is not None
        }
    )


def organisation_ids_led_by(user: AnyUser) -> list[int]:
    """The ids of the organisations the user is project lead of, sorted
    (`scope_ids_held`)."""
    return scope_ids_held(user, Role.PROJECT_LEAD)


def group_ids_for(
    user: AnyUser, *, need: Need = Need.READ, roles: Iterable[str] | None = None
) -> list[int]:
    """The ids of the groups the user reaches with `need` (or through one of `roles`),
    sorted: the same groups as `groups_worked_in` / `Group.objects.reached_by`, as
    literal ids a query can use as an index condition (`group_id IN (…)`). Free after
    the first call in a request (see `group_scope`). A need without the coordinator's
    role does not read the groups reached through a programme."""
    wanted = frozenset(roles) if roles is not None else NEED_ROLES[need]
    scope = _scope(user, with_programmes=Role.PROGRAMME_COORDINATOR in wanted)
    return sorted(pk for pk, via in scope.items() if via & wanted)


def group_filter_for(
    user: AnyUser, *, need: Need = Need.READ, roles: Iterable[str] | None = None
) -> list[int] | QuerySet[Any, Any]:
    """What a query filters by (`pk__in=`, `group_id__in=`) for the groups the user
    reaches with `need` (or through one of `roles`): the literal ids of `group_ids_for`,
    unless the user reaches groups through a programme they coordinate, or is the site
    administrator. Such a scope can be a whole national programme: ten thousand literal
    ids cost PostgreSQL and Django more to send, parse and plan than the page's query
    itself (about 100 ms a query), so it is a subquery on the same rule's sources
    (`_reach_conditions`) instead (docs/decisions.md, decision 76)."""
    wanted = frozenset(roles) if roles is not None else NEED_ROLES[need]
    if no_access(user):
        return []
    if not user.is_superuser and _programme_reach(user, wanted) is None:
        return group_ids_for(user, roles=wanted)
    return reached_groups(user, roles=wanted).order_by().values("pk")


def reached_groups(
    user: AnyUser, *, need: Need = Need.READ, roles: Iterable[str] | None = None
) -> GroupQuerySet[Group]:
    """The groups the user reaches with `need` (or through one of `roles`), as a query
    on the groups: by the literal ids of `group_ids_for`, or for a scope reached through
    a programme by the rule's own conditions (`group_filter_for`'s subquery without the
    second pass over the groups: `pk IN (SELECT id FROM groups …)` made PostgreSQL read
    a national programme's groups twice, 3 ms more for a count, 4 for a page)."""
    wanted = frozenset(roles) if roles is not None else NEED_ROLES[need]
    if no_access(user):
        return Group.objects.none()
    if user.is_superuser:
        return Group.objects.all()
    reach = _programme_reach(user, wanted)
    if reach is None:
        return Group.objects.filter(pk__in=group_ids_for(user, roles=wanted))
    staff_ids, led, programmes = reach
    condition = Q(pk__in=staff_ids)
    for _role, reached in _reach_conditions(led, programmes):
        condition |= reached
    return Group.objects.filter(condition)


def reach_key(user: AnyUser, *, need: Need = Need.READ) -> str | None:
    """A name for the groups `group_filter_for` selects when they are a subquery (a
    programme's groups, or every group for the site administrator), the same for every
    user who reaches the same groups: what a page may keep counts or choices about them
    under (docs/decisions.md, decision 79). None when the filter is literal ids: a few
    groups, cheap to count in the request."""
    if no_access(user):
        return None
    if user.is_superuser:
        return "all"
    reach = _programme_reach(user, NEED_ROLES[need])
    if reach is None:
        return None
    staff_ids, led, programmes = reach
    return "p{}:l{}:g{}".format(
        *(",".join(str(pk) for pk in sorted(ids)) for ids in (programmes, led, staff_ids))
    )


def sole_programme(user: AnyUser, *, need: Need = Need.READ) -> int | None:
    """The programme whose groups are exactly the groups the user reaches with `need`:
    a coordinator of one programme who is not also staff of a group or lead of an
    organisation. What PostgreSQL keeps counted per programme then counts the user's
    groups (groups.models.ProgrammeTally). None for any other scope."""
    if no_access(user) or user.is_superuser:
        return None
    reach = _programme_reach(user, NEED_ROLES[need])
    if reach is None:
        return None
    staff_ids, led, programmes = reach
    if staff_ids or led or len(programmes) != 1:
        return None
    (programme,) = programmes
    return programme


def _programme_reach(
    user: AnyUser, wanted: frozenset[str]
) -> tuple[list[int], set[int], set[int]] | None:
    """When the user reaches groups with `wanted` through a programme they coordinate:
    the groups they are staff of by one of `wanted`, the organisations they lead (if
    `wanted` includes the lead's role) and their programmes. None otherwise."""
    staff, led, programmes = _reach_of(_memberships(user))
    if not programmes or Role.PROGRAMME_COORDINATOR not in wanted:
        return None
    staff_ids = sorted(pk for pk, via in staff.items() if via & wanted)
    return staff_ids, (led if Role.PROJECT_LEAD in wanted else set()), programmes
