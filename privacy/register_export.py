"""The register of processing (privacy/register.py) as the sheets of one XLSX workbook:
the one way it is exported, by `manage.py privacy_register` and by the register page
(privacy/views_logs.py)."""

from __future__ import annotations

from django.utils.translation import pgettext

from stetapp.exports import Sheet

from . import register


def register_sheets() -> list[Sheet]:
    """The register as sheets, in the active language."""
    return [
        Sheet(
            title=pgettext("register of processing", "Register"),
            headers=register.headers(),
            rows=register.table(),
        )
    ]
