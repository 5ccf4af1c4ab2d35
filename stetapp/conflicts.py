"""The sentence an optimistic-locking page adds when a save is refused because someone
else saved first (docs/decisions.md 46): who saved, and when. Never a value of what they
saved: the page shows the differences in the form itself, for the fields the user may
read."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .dates import short_datetime


def saved_by(*, who: object | None, at: dt.datetime | None) -> str:
    """Like "Last saved on 14 May 2026 09:30 by Fatma Yilmaz." ("" when neither is
    known)."""
    if who and at:
        return _("Last saved on %(when)s by %(who)s.") % {"who": who, "when": short_datetime(at)}
    if at:
        return _("Last saved on %(when)s.") % {"when": short_datetime(at)}
    return ""


__all__ = ["saved_by"]
