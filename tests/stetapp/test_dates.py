"""Dates with a short month read as Dutch (issue 12, item 6): "14 mei 2026", never
"14 Mei 2026"; one place for the format (stetapp/formats/, stetapp.dates)."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from stetapp.dates import (
    day_month,
    month_abbreviation,
    short_date,
    short_datetime,
    weekday_datetime,
)

ROOT = Path(settings.BASE_DIR)
DAY = dt.date(2026, 5, 14)


@pytest.mark.parametrize(
    ("language", "day", "shown"),
    [
        ("nl", DAY, "14 mei 2026"),
        ("nl", dt.date(2026, 3, 1), "1 mrt 2026"),
        ("nl", dt.date(2026, 10, 3), "3 okt 2026"),
        ("en", DAY, "14 May 2026"),
        ("en", dt.date(2026, 3, 1), "1 Mar 2026"),
    ],
)
def test_short_date(language, day, shown):
    with translation.override(language):
        assert short_date(day) == shown


def test_short_datetime_is_local_time():
    moment = dt.datetime(2026, 5, 14, 7, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("nl"):
        assert short_datetime(moment) == "14 mei 2026 09:30"
    with translation.override("en"):
        assert short_datetime(moment) == "14 May 2026 09:30"


def test_a_kept_text_is_never_shown_for_another_zone_or_language():
    """The texts are kept per value (stetapp.dates._formatted): the same instant in
    another time zone, or the same day in another language, is a text of its own."""
    moment = dt.datetime(2026, 5, 14, 7, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("nl"):
        assert short_datetime(moment) == "14 mei 2026 09:30"
        with timezone.override(ZoneInfo("UTC")):
            assert short_datetime(moment) == "14 mei 2026 07:30"
        with timezone.override(ZoneInfo("America/New_York")):
            assert short_datetime(moment) == "14 mei 2026 03:30"
        assert short_datetime(moment) == "14 mei 2026 09:30"
        assert short_date(DAY) == "14 mei 2026"
        naive = dt.datetime(2026, 5, 14)  # noqa: DTZ001 (a naive one is shown as it is)
        assert short_datetime(naive) == "14 mei 2026 00:00"
    with translation.override("en"):
        assert short_date(DAY) == "14 May 2026"


def test_month_abbreviation_for_chart_labels():
    with translation.override("nl"):
        assert [month_abbreviation(dt.date(2026, m, 1)) for m in (1, 3, 5, 10)] == [
            "jan",
            "mrt",
            "mei",
            "okt",
        ]
    with translation.override("en"):
        assert month_abbreviation(DAY) == "May"


def test_weekday_datetime_and_day_month_are_what_the_date_filter_shows():
    """The home page's meeting lists: the same text as Django's date filter with the
    same format, in local time, each language its own names."""
    moment = dt.datetime(2026, 5, 14, 7, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("nl"):
        assert weekday_datetime(moment) == "donderdag 14 mei, 09:30"
        assert day_month(moment) == "14 mei"
        with timezone.override(ZoneInfo("UTC")):
            assert weekday_datetime(moment) == "donderdag 14 mei, 07:30"
        filtered = Template('{{ m|date:"l j F, H:i" }} {{ m|date:"j F" }}')
        assert filtered.render(Context({"m": moment})) == (
            f"{weekday_datetime(moment)} {day_month(moment)}"
        )
    with translation.override("en"):
        assert weekday_datetime(moment) == "Thursday 14 May, 09:30"
        assert day_month(DAY) == "14 May"
    assert weekday_datetime(None) == ""


def test_empty_values():
    assert short_date(None) == ""
    assert short_datetime(None) == ""


def test_template_filters():
    template = Template("{% load dates %}{{ day|short_date }} · {{ moment|short_datetime }}")
    moment = dt.datetime(2026, 5, 14, 7, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("nl"):
        assert template.render(Context({"day": DAY, "moment": moment})) == (
            "14 mei 2026 · 14 mei 2026 09:30"
        )


def test_long_dates_are_lower_case_in_dutch_too():
    template = Template('{{ day|date:"DATE_FORMAT" }} · {{ day|date:"YEAR_MONTH_FORMAT" }}')
    with translation.override("nl"):
        assert template.render(Context({"day": DAY})) == "14 mei 2026 · mei 2026"


def _sources(pattern: str):
    for folder in (
        "templates",
        "funding",
        "groups",
        "meetings",
        "participants",
        "reporting",
        "pages",
        "stetapp",
    ):
        for path in (ROOT / folder).rglob(pattern):
            if "migrations" not in path.parts and "formats" not in path.parts:
                yield path


def test_no_capitalised_month_abbreviation_anywhere():
    """Django's "M" writes "Mei"; every short month goes through stetapp.dates."""
    literal = re.compile(r"""(?:\|date:|date_format\([^)]*,\s*)["']([^"']*)["']""")
    found = []
    for path in [*_sources("*.html"), *_sources("*.txt"), *_sources("*.py")]:
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            fmt = match.group(1)
            if fmt.isupper() and fmt.endswith("FORMAT"):
                continue  # a named Django format
            if re.search(r"(?<!\\)[MN]", fmt):
                found.append(f"{path.relative_to(ROOT)}: {fmt}")
    assert found == []
