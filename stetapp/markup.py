"""Markup written with plain string work, for what a page draws once per row.

The lists of a page (participants, expenses, a chart's rows, a drop-down's options) are
written by template tags in Python, not by template markup (docs/decisions.md 57). Two
helpers of Django that every row called cost more than the rest of the row:

- `conditional_escape` goes through a lazy-text wrapper before it escapes: about 2 µs a
  value against 0.3 for `html.escape` itself. `escaped` takes the short way for plain
  text and leaves everything else (text marked safe, lazy translations, objects with an
  `__html__` method) to Django, so its result is always the same as Django's.
- `reverse` looks up the address's pattern, the language and the script prefix on every
  call: 20 to 40 µs, a millisecond or two for a page of 50 rows. `object_url` reverses
  an address once per rendering of a template and fills in each row's key.

A status badge is the same few words for every row with that status: `kept_badge`
makes it once per process, status and language.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection
from typing import Any

from django.template import Context
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# A key no row has, to find where the key goes in an address (an `int` path converter).
_KEY = 918_273_645


def escaped(value: Any) -> str:
    """`value` for HTML, as Django's `conditional_escape` gives it."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def object_url(context: Context, name: str, pk: int) -> str:
    """The address `reverse(name, args=[pk])` gives, for an address whose only argument
    is an object's key: reversed once per rendering of the template (`context`'s
    render context, so within one request: the same script prefix and address
    patterns), then the key written in."""
    key = f"stetapp.markup.object_url:{name}"
    parts = context.render_context.get(key)
    if parts is None:
        head, found, tail = reverse(name, args=[_KEY]).partition(str(_KEY))
        parts = (head, tail) if found else None
        context.render_context[key] = parts or ()
    if not parts:
        return reverse(name, args=[pk])
    return f"{parts[0]}{int(pk)}{parts[1]}"


def kept_badge(
    kept: dict[tuple[str, str], SafeString],
    status: str,
    *,
    known: Collection[str],
    make: Callable[[], SafeString],
) -> SafeString:
    """The badge of `status` in the active language: made by `make` the first time and
    kept in `kept` after, but only for a status in `known` (never a value of unknown
    origin, which would grow the store)."""
    key = (status, get_language() or "")
    badge = kept.get(key)
    if badge is None:
        badge = make()
        if status in known:
            kept[key] = badge
    return badge
