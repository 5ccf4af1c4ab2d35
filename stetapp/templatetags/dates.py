"""`{{ day|short_date }}`, `{{ moment|short_datetime }}`, `{{ day|month_abbreviation }}`:
dates with a short month in the active language (stetapp.dates)."""

from django import template

from stetapp import dates

register = template.Library()

register.filter("short_date", dates.short_date, expects_localtime=True)
register.filter("short_datetime", dates.short_datetime, expects_localtime=True)
register.filter("month_abbreviation", dates.month_abbreviation, expects_localtime=True)
