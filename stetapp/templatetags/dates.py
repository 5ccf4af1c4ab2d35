"""`{{ day|short_date }}`, `{{ moment|short_datetime }}`, `{{ day|month_abbreviation }}`,
`{{ moment|weekday_datetime }}`, `{{ day|day_month }}`: dates in the active language,
each text kept once made (stetapp.dates)."""

from django import template

from stetapp import dates

register = template.Library()

register.filter("short_date", dates.short_date, expects_localtime=True)
register.filter("short_datetime", dates.short_datetime, expects_localtime=True)
register.filter("month_abbreviation", dates.month_abbreviation, expects_localtime=True)
register.filter("weekday_datetime", dates.weekday_datetime, expects_localtime=True)
register.filter("day_month", dates.day_month, expects_localtime=True)
