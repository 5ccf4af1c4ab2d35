"""The periodic jobs of the privacy app (stetapp/scheduler.py runs them)."""

import logging
from collections import Counter
from datetime import timedelta

from stetapp.scheduler import job

from .services_retention import apply_retention

logger = logging.getLogger("stetapp.privacy")


@job("apply-retention", every=timedelta(days=1))
def apply_retention_daily() -> None:
    """Anonymise what is due (privacy/retention.py; docs/privacy.md, "Retention"). The log
    line holds counts per period only, never a number or a name."""
    done = apply_retention()
    counts = Counter(str(item.kind) for item in done)
    logger.info("Retention anonymised %s", len(done), extra={"retention": dict(counts)})
