"""Constants and small assertions shared by tests of several apps. Test modules import
these from here, never from a conftest or another test module."""

import re

import pytest
from django.db import connection
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
    # C0 controls not above on their own, inside a name; then all 32 in one string.
    *(f"Ayse{chr(code)}Demir" for code in (0x04, 0x05, 0x06, 0x0E, 0x0F, 0x10, 0x11)),
    *(f"Ayse{chr(code)}Demir" for code in (0x12, 0x1A, 0x1F)),
    "every C0: " + "".join(chr(code) for code in range(0x20)),
    "\x00",  # nothing but a NUL
    "trailing NUL\x00",
    "\x7f\x7fDEL first",
    "C1 next line\x85and CSI\x9b31m",
    "C1 \x80 to \x9f",
    "carriage\ronly",
    "paragraph\u2029separator",
    "\ufeffbyte order mark first",
    "zero\u200bwidth\u200cjoiners\u200d",
    "\u202eright-to-left override\u202c",
    "isolates \u2066left\u2069 \u2067right\u2069",
    "A\u030angstr\u00f6m and n\u0303",  # combining ring and tilde: NFC composes them
    "\u1100\u1161\u11a8",  # Hangul jamo: one syllable in NFC
    "e\x01\u0301",  # a control between a letter and its accent
    "\U0001f469\u200d\U0001f467 family and \ufffd",
    "noncharacter\ufdd0\U0001fffe",
    "=cmd|' /C calc'!A0\x07",
]

# Strings every form must survive (never a 500, always escaped; control characters are
# stripped): markup, injection, size, script, and every kind of control character.
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
    *CONTROL_CHARACTERS,
]

# One of each kind, for the tests that post to one form per string (each form of each
# app): the whole HOSTILE list there would multiply their runtime by five. The whole list
# goes through the forms and exports of tests/stetapp/test_hostile_input.py and
# tests/stetapp/test_control_characters.py.
HOSTILE_SAMPLE = [
    *HOSTILE[:9],
    "\x01\x08\x0b\x0c\x1b\x7f\x85\x9b\ufeff controls",
    "Cafe\u0301 Zu\u0308rich",
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


# What only PostgreSQL has: row versions, which the fund report's data fingerprint reads
# (reporting/report_page.py, docs/decisions.md 68), and the triggers that raise the
# group list's version (groups/migrations/0009_table_version.py, decision 81). On SQLite
# neither exists and those pages are made on every request, so these tests skip there;
# CI runs them on PostgreSQL.
VERSIONED = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not VERSIONED,
    reason="needs PostgreSQL's row versions or triggers (decisions 68 and 81); CI runs it",
)


def put_back_migration_data(django_db_blocker) -> None:
    """Put back what the migrations loaded (the municipalities), after transactional
    tests flushed the database, so a kept (--reuse-db) test database is not left
    empty. For a fixture that yields first; the data was serialised by
    `serialized_rollback=True`."""
    from django.db import connections

    with django_db_blocker.unblock():
        for conn in connections.all(initialized_only=True):
            contents = getattr(conn, "_test_serialized_contents", None)
            if contents:
                conn.creation.deserialize_db_from_string(contents)
