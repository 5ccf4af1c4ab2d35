"""Constants and small assertions shared by tests of several apps. Test modules import
these from here, never from a conftest or another test module."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from groups.services import invitation_token_generator

# The personas of tests/conftest.py, in the order of the permission matrix's columns.
PERSONAS = [
    "anonymous",
    "outsider",
    "volunteer_a1",
    "facilitator_a1",
    "facilitator_b1",
    "lead_a",
    "coordinator",
    "funder",
]

# Strings every form must survive (never a 500, always escaped).
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE participants_participant; --",
    "\u202eevil\u200b",
    "x" * 10_000,
    "nul\x00byte",
    "{{ request.user.email }}",
    "   ",
    "١٢٣ مرحبا",
]

# Control characters and other text no field keeps (docs/decisions.md 45): every form
# strips them, every export survives them when they were stored before that rule.
CONTROL_CHARACTERS = [
    "Fatma\x01Yilmaz",
    "nul\x00in the middle\x00",
    "\x1b[31mred\x1b[0m",
    "bell\x07 and backspace\x08",
    "vertical\x0btab and form\x0cfeed",
    "tab\tand\r\nline break",
    "delete\x7f and C1\x85\x9b",
    "not a character\ufffe\uffff",
    "line\u2028separator",
    '=HYPERLINK("http://x")\x01',
    "Cafe\u0301 Zu\u0308rich",  # decomposed: stored composed (NFC)
    "\x01\x02\x03",
]


def assert_escaped(response) -> None:
    """No hostile markup came back unescaped."""
    text = response.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text


def assert_invitation_link(body: str, user, base_url: str) -> None:
    """The e-mail holds an invitation link on `base_url` for `user` whose token is valid.

    Tokens carry a time stamp in seconds, so the link is checked, not recomputed (a
    recomputed token differs when the clock passed a second in between)."""
    match = re.search(re.escape(base_url) + r"(/invitation/[\w-]+/[\w-]+/)", body)
    assert match, f"no invitation link on {base_url} in:\n{body}"
    kwargs = resolve(match.group(1)).kwargs
    assert invitation_token_generator.check_token(user, kwargs["token"])


def walk(patterns, prefix="", namespace=None):
    """(route, pattern, namespace) for every view under `patterns`, depth first."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern, namespace


def all_patterns():
    """(route, pattern) for every view in the URLconf."""
    return [(route, pattern) for route, pattern, _ns in walk(get_resolver().url_patterns)]


def sheet_url(meeting):
    """The attendance sheet of a meeting."""
    return reverse("attendance_sheet", args=[meeting.pk])


def mark_url(meeting):
    """Where one attendance mark of a meeting is posted."""
    return reverse("attendance_mark", args=[meeting.pk])
