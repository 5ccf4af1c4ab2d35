"""The periodic jobs of the privacy app (stetapp/scheduler.py runs them)."""

from datetime import timedelta

from stetapp.scheduler import job

from .services_retention import apply_retention


@job("apply-retention", every=timedelta(days=1))
def apply_retention_daily() -> None:
    """Anonymise what is due (privacy/retention.py; docs/privacy.md, "Retention")."""
    apply_retention()
