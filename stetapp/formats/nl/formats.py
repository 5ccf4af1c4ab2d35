"""stetapp's Dutch formats, on top of Django's (FORMAT_MODULE_PATH). Dutch writes month
names and their abbreviations in lower case: "14 mei 2026", never "14 Mei 2026" (Django's
"M" capitalises; "b" does not). The names are read by stetapp.dates."""

SHORT_MONTH_DATE_FORMAT = "j b Y"  # 14 mei 2026
SHORT_MONTH_DATETIME_FORMAT = "j b Y H:i"  # 14 mei 2026 09:30
MONTH_ABBREVIATION_FORMAT = "b"  # mei
