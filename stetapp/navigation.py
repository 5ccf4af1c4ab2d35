"""The main menu, asked of the access layer.

Each entry names a URL; it is shown when the signed-in user passes the access rule
declared on that URL's view (`stetapp/access.py`), so the menu can never offer a page the
user may not open, nor hide one they may. A section with one entry left is shown as a
plain link. No role names are written in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import Rule, declared_rule, user_roles

# Each entry's address per script prefix and address patterns (`Entry.url`).
_URLS: dict[tuple[str, str, str], str] = {}


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    # Other pages under this entry: it is marked as the current one there too.
    also: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        # Every page draws the menu: its addresses are reversed once per process, script
        # prefix and address patterns (reverse costs 20 to 40 µs; stetapp/markup.py).
        key = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, self.url_name)
        url = _URLS.get(key)
        if url is None:
            url = _URLS[key] = reverse(self.url_name)
        return url

    def is_current(self, url_name: str | None) -> bool:
        return url_name == self.url_name or url_name in self.also


@dataclass(frozen=True)
class Section:
    label: str | Promise
    entries: tuple[Entry, ...] = field(default_factory=tuple)


MENU: tuple[Entry | Section, ...] = (
    Entry("home", _("Home")),
    Entry("group_list", _("Groups")),
    Entry("participant_list", _("Participants")),
    Entry("social_map", _("Social map")),
    Entry("organisation_list", _("Organisations")),
    Section(
        _("Funding"),
        (
            Entry("application_list", _("Applications and grants")),
            Entry("fund_list", _("Funds")),
            Entry("programme_grants", _("Grants in the programme"), also=("programme_funding",)),
            Entry("expense_list", _("Expenses")),
            Entry("volunteer_list", _("Volunteers")),
        ),
    ),
    Entry("report_batch_create", _("Reports"), also=("report_batch_detail",)),
    Entry("erasure_request_list", _("Erasure requests"), also=("erasure_request_decide",)),
    Entry(
        "privacy_home",
        _("Privacy"),
        also=("organisation_access_log", "organisation_access_summary", "privacy_register"),
    ),
)

ACCOUNT_MENU: tuple[Entry, ...] = (Entry("facilitator_profile_edit", _("My profile")),)


@cache
def _rule_of(url_name: str) -> Rule:
    match = resolve(reverse(url_name))
    rule = declared_rule(match.func, match.namespace)
    if rule is None:  # every view declares one (tests/stetapp/test_urlconf_rules.py)
        raise LookupError(url_name)
    return rule


def allows(user, url_name: str) -> bool:
    """Would the user pass the access rule of the view at `url_name`?"""
    rule = _rule_of(url_name)
    if not user.is_authenticated:
        return not rule.signed_in
    if rule.staff and not user.is_staff:
        return False
    if rule.superuser and not user.is_superuser:
        return False
    return user.is_superuser or not rule.roles or bool(user_roles(user) & rule.roles)


@dataclass
class Item:
    """One item of the menu as the template draws it."""

    label: str | Promise
    url: str = ""
    current: bool = False
    children: list[Item] = field(default_factory=list)


def menu_for(user, current: str | None) -> list[Item]:
    """The items of the main menu this user may open, the current page marked."""
    items: list[Item] = []
    for node in MENU:
        if isinstance(node, Entry):
            if allows(user, node.url_name):
                items.append(Item(node.label, node.url, node.is_current(current)))
            continue
        children = [
            Item(e.label, e.url, e.is_current(current))
            for e in node.entries
            if allows(user, e.url_name)
        ]
        if len(children) == 1:
            items.append(children[0])
        elif children:
            items.append(
                Item(node.label, current=any(c.current for c in children), children=children)
            )
    return items


def account_menu_for(user, current: str | None) -> list[Item]:
    return [
        Item(e.label, e.url, e.is_current(current))
        for e in ACCOUNT_MENU
        if allows(user, e.url_name)
    ]
