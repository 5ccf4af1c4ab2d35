"""Dates to plan meetings around: Dutch public holidays (Christmas and Easter among
them), the school holidays of the organisation's region, Ramadan and the two Eids, and
Keti Koti.

Names are stored in Dutch, like the names the `holidays` library gives: they become the
organisation's own data, which it can rename.

`suggestions(organisation, year)` computes them (the `holidays` library for the Dutch
dates, `hijridate`'s Umm al-Qura tables for the Islamic ones); `services.calendar_suggest`
stores them as CalendarEvent rows the organisation can correct or dismiss. Islamic dates
are marked as estimates: local communities can start a day earlier or later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from hijridate import Hijri

from .models import EventCategory, EventSource


@dataclass(frozen=True)
class Suggestion:
    key: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    category: str
    source: str
    is_estimate: bool = False


def _ranges(days: dict[dt.date, str]):
    """Group consecutive days with the same name into (name, first, last)."""
    current = None
    for day in sorted(days):
        name = days[day]
        if current and current[0] == name and day - current[2] == dt.timedelta(days=1):
            current = (name, current[1], day)
        else:
            if current:
                yield current
            current = (name, day, day)
    if current:
        yield current


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _gregorian(year: int, month: int, day: int) -> dt.date:
    g = Hijri(year, month, day).to_gregorian()
    return dt.date(g.year, g.month, g.day)


def _islamic(year: int) -> list[Suggestion]:
    found = []
    # A Gregorian year overlaps two Hijri years.
    for hijri_year in (year - 580, year - 579, year - 578):
        try:
            ramadan_start = _gregorian(hijri_year, 9, 1)
            fitr = _gregorian(hijri_year, 10, 1)
            adha = _gregorian(hijri_year, 12, 10)
        except (OverflowError, ValueError):  # outside the Umm al-Qura table
            continue
        candidates = [
            Suggestion(
                f"ramadan-{hijri_year}",
                "Ramadan",
                ramadan_start,
                fitr - dt.timedelta(days=1),
                EventCategory.RELIGIOUS,
                EventSource.HIJRI,
                True,
            ),
            Suggestion(
                f"eid-al-fitr-{hijri_year}",
                "Suikerfeest (Eid al-Fitr)",
                fitr,
                fitr + dt.timedelta(days=2),
                EventCategory.RELIGIOUS,
                EventSource.HIJRI,
                True,
            ),
            Suggestion(
                f"eid-al-adha-{hijri_year}",
                "Offerfeest (Eid al-Adha)",
                adha,
                adha + dt.timedelta(days=3),
                EventCategory.RELIGIOUS,
                EventSource.HIJRI,
                True,
            ),
        ]
        found += [s for s in candidates if s.starts_on.year == year]
    return found


def suggestions(*, school_region: str, year: int) -> list[Suggestion]:
    """Every date worth a warning in `year` for an organisation in `school_region`."""
    found: list[Suggestion] = []
    public = holidays.country_holidays("NL", years=year, language="nl")
    for name, first, last in _ranges(dict(public.items())):
        found.append(
            Suggestion(
                f"nl-{_slug(name)}-{first.isoformat()}",
                name,
                first,
                last,
                EventCategory.PUBLIC,
                EventSource.LIBRARY,
            )
        )
    school = holidays.country_holidays(
        "NL", years=year, subdiv=school_region, categories=("school",), language="nl"
    )
    for name, first, last in _ranges(dict(school.items())):
        found.append(
            Suggestion(
                f"school-{school_region}-{_slug(name)}-{first.isoformat()}",
                name,
                first,
                last,
                EventCategory.SCHOOL,
                EventSource.LIBRARY,
            )
        )
    found += _islamic(year)
    found.append(
        Suggestion(
            f"keti-koti-{year}",
            "Keti Koti",
            dt.date(year, 7, 1),
            dt.date(year, 7, 1),
            EventCategory.CULTURAL,
            EventSource.FIXED,
        )
    )
    return sorted(found, key=lambda s: (s.starts_on, s.name))
