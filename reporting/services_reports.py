"""Writes for the fund report of a grant: the project lead's written summary and contact
line of one report period (reporting.models.ReportSummary)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from funding.models import Grant

from .models import ReportSummary

if TYPE_CHECKING:
    from stetapp.models import User


@transaction.atomic
def report_summary_save(
    *, grant: Grant, start: dt.date, end: dt.date, text: str, contact: str, by: User
) -> ReportSummary:
    """Set the summary and contact line of the report of `grant` over [start, end],
    creating it the first time. Raises ValidationError for text that is too long or an
    end before the start; saves nothing then."""
    # Lock the grant: two first saves of the same period cannot both create a row.
    Grant.objects.select_for_update().filter(pk=grant.pk).values_list("pk", flat=True).first()
    summary = (
        ReportSummary.objects.select_for_update().filter(grant=grant, start=start, end=end).first()
    ) or ReportSummary(grant=grant, start=start, end=end)
    summary.text = text.strip()
    summary.contact = contact.strip()
    summary.updated_by = by
    summary.full_clean()
    summary.save()
    return summary
