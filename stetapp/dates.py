"""How a date with a short month is shown: the one place for it (stetapp/formats/).

`short_date(d)` is "14 mei 2026" in Dutch and "14 May 2026" in English,
`short_datetime(dt)` adds the time, `month_abbreviation(d)` is "mei" / "May" (chart
labels). Templates use the filters of the same names (`{% load dates %}`). Longer dates use
Django's own formats (`DATE_FORMAT`, "j F Y"), which are lower case in Dutch already.
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
# For a language without a stetapp format module.
DEFAULTS = {
    SHORT_MONTH_DATE_FORMAT: "j M Y",
    SHORT_MONTH_DATETIME_FORMAT: "j M Y H:i",
    MONTH_ABBREVIATION_FORMAT: "M",
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


__all__ = ["month_abbreviation", "named_format", "short_date", "short_datetime"]
