"""How a date with a short month is shown: the one place for it (stetapp/formats/).

`short_date(d)` is "14 mei 2026" in Dutch and "14 May 2026" in English,
`short_datetime(dt)` adds the time, `month_abbreviation(d)` is "mei" / "May" (chart
labels); `weekday_datetime(dt)` is "donderdag 14 mei, 09:30" and `day_month(d)` "14 mei"
(the meeting lists of the home page). Templates use the filters of the same names
(`{% load dates %}`). Longer dates use Django's own formats (`DATE_FORMAT`, "j F Y"),
which are lower case in Dutch already.
An aware datetime is shown in local time, as the `date` filter does.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format, get_format_modules
from django.utils.translation import get_language

SHORT_MONTH_DATE_FORMAT = "SHORT_MONTH_DATE_FORMAT"
SHORT_MONTH_DATETIME_FORMAT = "SHORT_MONTH_DATETIME_FORMAT"
MONTH_ABBREVIATION_FORMAT = "MONTH_ABBREVIATION_FORMAT"
WEEKDAY_DATETIME_FORMAT = "WEEKDAY_DATETIME_FORMAT"
DAY_MONTH_FORMAT = "DAY_MONTH_FORMAT"
# For a language without a stetapp format module, and the formats every language shares.
DEFAULTS = {
    SHORT_MONTH_DATE_FORMAT: "j M Y",
    SHORT_MONTH_DATETIME_FORMAT: "j M Y H:i",
    MONTH_ABBREVIATION_FORMAT: "M",
    WEEKDAY_DATETIME_FORMAT: "l j F, H:i",
    DAY_MONTH_FORMAT: "j F",
}


def named_format(name: str) -> str:
    """The active language's format string of that name (stetapp/formats/<lang>/)."""
    for module in get_format_modules():
        value = getattr(module, name, None)
        if value is not None:
            return value
    return DEFAULTS[name]


def _show(value: dt.date | dt.datetime | None, name: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        # The wall-clock time and its offset: two aware datetimes of the same instant
        # are equal, but shown in different zones they are different texts.
        return _formatted(value.replace(tzinfo=None), value.utcoffset(), name, get_language())
    return _formatted(value, None, name, get_language())


@lru_cache(maxsize=4096)
def _formatted(value: dt.date, offset: dt.timedelta | None, name: str, language: str | None) -> str:
    """Kept per value, format and language: a list shows the same few dates in every
    row, and Django's date formatting costs more than the lookup. None of the formats
    shows a zone's name (stetapp/formats/), so the offset is all of the zone it needs."""
    return date_format(value, named_format(name))


def short_date(value: dt.date | dt.datetime | None) -> str:
    """Like "14 mei 2026" (Dutch), "14 May 2026" (English)."""
    return _show(value, SHORT_MONTH_DATE_FORMAT)


def short_datetime(value: dt.datetime | None) -> str:
    """Like "14 mei 2026 09:30" (Dutch), "14 May 2026 09:30" (English), in local time."""
    return _show(value, SHORT_MONTH_DATETIME_FORMAT)


def month_abbreviation(value: dt.date | None) -> str:
    """Like "mei" (Dutch), "May" (English)."""
    return _show(value, MONTH_ABBREVIATION_FORMAT)


def weekday_datetime(value: dt.datetime | None) -> str:
    """Like "donderdag 14 mei, 09:30" (Dutch), "Thursday 14 May, 09:30" (English), in
    local time: when a meeting starts, in a list of the next few weeks. Kept per value
    like the others: the date filter took 0.06 ms a row (docs/decisions.md, decision 70)."""
    return _show(value, WEEKDAY_DATETIME_FORMAT)


def day_month(value: dt.date | dt.datetime | None) -> str:
    """Like "14 mei" (Dutch), "14 May" (English)."""
    return _show(value, DAY_MONTH_FORMAT)


__all__ = [
    "day_month",
    "month_abbreviation",
    "named_format",
    "short_date",
    "short_datetime",
    "weekday_datetime",
]
