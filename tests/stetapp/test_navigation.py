"""The main menu asks the access layer (stetapp/navigation.py): every entry a user sees is
a page whose declared rule lets them in, and every such page is in the menu."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from stetapp.navigation import MENU, Entry, account_menu_for, allows, menu_for
from tests.helpers import PERSONAS

# persona → the labels of the main menu (a section with one entry left is a plain link).
EXPECTED_MENU = {
    "anonymous": [],
    "outsider": ["Home"],
    "volunteer_a1": ["Home", "Groups", "Participants", "Social map"],
    "facilitator_a1": [
        "Home",
        "Groups",
        "Participants",
        "Social map",
        ("Funding", ["Applications and grants", "Expenses"]),
    ],
    "facilitator_b1": [
        "Home",
        "Groups",
        "Participants",
        "Social map",
        ("Funding", ["Applications and grants", "Expenses"]),
    ],
    "lead_a": [
        "Home",
        "Groups",
        "Participants",
        "Social map",
        "Organisations",
        ("Funding", ["Applications and grants", "Funds", "Expenses", "Volunteers"]),
        "Reports",
        "Erasure requests",
    ],
    "coordinator": [
        "Home",
        "Groups",
        "Organisations",
        ("Funding", ["Funds", "Grants in the programme"]),
        "Reports",
    ],
    "funder": ["Home", "Reports"],
}


def _labels(items):
    with translation.override("en"):
        return _plain(items)


def _plain(items):
    return [
        (str(i.label), [str(c.label) for c in i.children]) if i.children else str(i.label)
        for i in items
    ]


def _user(world, persona):
    return world.users.get(persona) or AnonymousUser()


@pytest.mark.parametrize("persona", PERSONAS)
def test_menu_per_persona(world, persona):
    assert _labels(menu_for(_user(world, persona), None)) == EXPECTED_MENU[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_opens_for_whoever_sees_it(world, persona):
    """The menu and the views read the same rule: an entry shown opens with 200, an
    entry hidden is refused (403 or a redirect to sign-in)."""
    user = _user(world, persona)
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    entries = [n for node in MENU for n in ([node] if isinstance(node, Entry) else node.entries)]
    for entry in entries:
        status = client.get(reverse(entry.url_name)).status_code
        if allows(user, entry.url_name):
            assert status == 200, entry.url_name
        else:
            assert status in (302, 403), entry.url_name


def test_the_current_page_is_marked(world):
    items = menu_for(world.users["lead_a"], "expense_list")
    funding = next(i for i in items if i.children)
    assert funding.current
    assert [c.url for c in funding.children if c.current] == [reverse("expense_list")]
    reports = menu_for(world.users["lead_a"], "report_batch_detail")
    assert [i.url for i in reports if i.current] == [reverse("report_batch_create")]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("facilitator_a1", ["My profile"]), ("volunteer_a1", []), ("coordinator", [])],
)
def test_account_menu(world, persona, expected):
    assert _labels(account_menu_for(world.users[persona], None)) == expected


def test_the_page_draws_the_menu(world):
    client = Client()
    client.force_login(world.users["facilitator_a1"])
    content = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("expense_list")}"' in content
    assert f'href="{reverse("volunteer_list")}"' not in content
    assert f'href="{reverse("facilitator_profile_edit")}"' in content


def test_an_entrys_address_follows_the_script_prefix():
    # Addresses are kept per process, but per script prefix: a deployment under a path
    # gets its own.
    from django.urls import set_script_prefix

    entry = Entry("group_list", "Groups")
    plain = reverse("group_list")
    assert entry.url == plain
    try:
        set_script_prefix("/stet/")
        assert entry.url == reverse("group_list") == "/stet" + plain
    finally:
        set_script_prefix("/")
    assert entry.url == plain
