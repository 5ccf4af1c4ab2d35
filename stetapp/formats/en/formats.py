"""stetapp's English formats, on top of Django's (FORMAT_MODULE_PATH); read by
stetapp.dates."""

SHORT_MONTH_DATE_FORMAT = "j M Y"  # 14 May 2026
SHORT_MONTH_DATETIME_FORMAT = "j M Y H:i"  # 14 May 2026 09:30
MONTH_ABBREVIATION_FORMAT = "M"  # May
