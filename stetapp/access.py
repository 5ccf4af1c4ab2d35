"""The one access mechanism of stetapp.

Three layers, used together by every view:

1. **Declared rule.** Every view is wrapped in `@access(rule)`, which checks the rule
   before the view runs and records it on the view as `view.access_rule`. A test walks
   the whole URLconf and fails on a view without one (third-party views are declared in
   `THIRD_PARTY_RULES`).
2. **Scoped querysets.** Every model with group or personal data has
   `objects.visible_to(user)`; views load objects only through it.
3. **Access helpers** (`get_visible_or_404`, and the per-model helpers built on it such as
   `groups.access.group_get_for_user`): an object outside the user's scope is a 404,
   never a hint that it exists; a read-only role that tries to write gets a 403.

Anonymous users are sent to sign-in; a signed-in user without the right role gets a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_htmx.http import HttpResponseClientRedirect

from groups.models import Membership, Role
from stetapp.compiled import CompiledQuery


@dataclass(frozen=True)
class Held:
    """One role a user holds, in one scope ("group", 12)."""

    role: str
    scope_kind: str
    scope_id: int | None


def user_memberships(user) -> tuple[Held, ...]:
    """The roles a user holds and where, loaded once and cached on the user object for
    the request (the access rule, the pages and the access log all read it)."""
    if not (user and user.is_authenticated and user.is_active):
        return ()
    cached = getattr(user, "_stetapp_memberships", None)
    if cached is None:
        cached = load_memberships(user)
        user._stetapp_memberships = cached
    return cached


def _memberships_query(*, user_id: int):
    return (
        Membership.objects.filter(user_id=user_id)
        .order_by()
        .values_list("role", "programme_id", "organisation_id", "group_id", "fund_id")
    )


# Compiled once per process (stetapp/compiled.py; docs/decisions.md, decision 70): every
# page of a signed-in user reads it.
_MEMBERSHIPS = CompiledQuery(_memberships_query)


def load_memberships(user) -> tuple[Held, ...]:
    """The roles a user holds and where, read now (one query), not kept: for callers
    outside a request that must not see an earlier answer (groups.access.group_scope).
    The caller has checked that the user is signed in and active."""
    rows = _MEMBERSHIPS.rows(user_id=user.pk)
    held = []
    for role, *ids in rows:
        # A membership names exactly one scope (groups.roles.ROLE_SCOPE).
        kind, scope_id = next(
            ((k, i) for k, i in zip(_SCOPE_KINDS, ids, strict=True) if i is not None),
            ("", None),
        )
        held.append(Held(role=role, scope_kind=kind, scope_id=scope_id))
    return tuple(held)


_SCOPE_KINDS = ("programme", "organisation", "group", "fund")


def user_roles(user) -> frozenset[str]:
    """The roles a user holds anywhere (from `user_memberships`, cached)."""
    return frozenset(held.role for held in user_memberships(user))


@dataclass(frozen=True)
class Rule:
    """What a request needs before a view runs.

    `signed_in`: anonymous users are redirected to sign-in.
    `roles`: the user must hold one of these roles somewhere (scope is checked by the view
    through `visible_to`); otherwise 403.
    `staff`: the user must have the admin's staff flag (the Django admin).
    `superuser`: the user must be a site administrator (`is_superuser`: the flag the
    scoped querysets read), for the pages that set the application up.
    """

    name: str
    signed_in: bool = True
    roles: frozenset[str] = field(default_factory=frozenset)
    staff: bool = False
    superuser: bool = False

    def check(self, request) -> None:
        user = request.user
        if not self.signed_in:
            return
        if not user.is_authenticated:
            raise _LoginRequired
        if self.staff and not user.is_staff:
            raise PermissionDenied
        if self.superuser and not user.is_superuser:
            raise PermissionDenied
        if self.roles and not user.is_superuser and not (user_roles(user) & self.roles):
            raise PermissionDenied

    def __str__(self):
        return self.name


class _LoginRequired(Exception):
    pass


PUBLIC = Rule("public", signed_in=False)
SIGNED_IN = Rule("signed in")
ANY_ROLE = Rule("any role", roles=frozenset(Role.values))
STAFF = Rule("site administrator", staff=True)
# Setting the application up: programmes, and funds of the shared catalogue.
SITE_ADMIN = Rule("site administrator (set-up)", superuser=True)


def roles(*names: str) -> Rule:
    return Rule("roles: " + ", ".join(sorted(names)), roles=frozenset(names))


def access(rule: Rule) -> Callable:
    """Declare and enforce the access rule of a function view."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                rule.check(request)
            except _LoginRequired:
                response = redirect_to_login(request.get_full_path())
                if getattr(request, "htmx", False):
                    # An htmx request (a polling fragment) after the session ended: tell
                    # htmx to load the sign-in page as a whole page, not into the fragment.
                    return HttpResponseClientRedirect(response["Location"])
                return response
            return view(request, *args, **kwargs)

        wrapper.access_rule = rule
        return wrapper

    return decorator


# Views we did not write, declared by module. allauth's views handle sign-in, sign-out,
# password reset and two-factor set-up themselves (the account pages require sign-in);
# the admin requires a site administrator; Django's i18n JavaScript catalogue is public.
THIRD_PARTY_RULES: dict[str, Rule] = {
    "allauth.": Rule("allauth (own checks)", signed_in=False),
    "django.views.i18n.": PUBLIC,
    "django.views.static.": PUBLIC,
    "django.contrib.staticfiles.": PUBLIC,
}


# Whole URL namespaces we did not write: every view of the admin site is wrapped by
# AdminSite.admin_view, which requires an active site administrator.
THIRD_PARTY_NAMESPACES: dict[str, Rule] = {"admin": STAFF}


def declared_rule(view, namespace: str | None = None) -> Rule | None:
    """The access rule declared for a resolved view function, or None."""
    if namespace in THIRD_PARTY_NAMESPACES:
        return THIRD_PARTY_NAMESPACES[namespace]
    rule = getattr(view, "access_rule", None)
    if rule is not None:
        return rule
    view_class = getattr(view, "view_class", None)
    if view_class is not None and getattr(view_class, "access_rule", None) is not None:
        return view_class.access_rule
    module = getattr(view, "__module__", "") or ""
    if view_class is not None:
        module = view_class.__module__
    for prefix, third_party_rule in THIRD_PARTY_RULES.items():
        if module.startswith(prefix):
            return third_party_rule
    return None


def get_visible_or_404(queryset, *, user, pk, write: bool = False, writable=None):
    """Fetch one object through `visible_to(user)`.

    Raises Http404 when the object does not exist or is outside the user's scope (the two
    are indistinguishable on purpose). With `write=True`, `writable` (a queryset or a
    callable taking the object) decides whether the user may change it; if not, raises
    PermissionDenied (403): the user may see it but has a read-only role.
    """
    try:
        obj = queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        if writable is None:
            raise PermissionDenied
        allowed = writable(obj) if callable(writable) else writable.filter(pk=obj.pk).exists()
        if not allowed:
            raise PermissionDenied
    return obj


def require(condition: bool) -> None:
    """Raise PermissionDenied unless condition holds (for write checks inside views)."""
    if not condition:
        raise PermissionDenied


def has_any_role(user, names: Iterable[str]) -> bool:
    return bool(user_roles(user) & frozenset(names))
