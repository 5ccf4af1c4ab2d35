"""Read-side helpers shared by the measurement pages, the fund report and the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .models import Administration, Timepoint
from .scoring import headline

if TYPE_CHECKING:
    from groups.models import Group

# Group-level results only when at least this many participants have both time points.
MIN_PAIRS = 5


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class InstrumentResult:
    instrument: str
    label: str
    pairs: int  # participants with a scored baseline and a scored follow-up
    baseline_mean: Decimal | None = None
    follow_up_mean: Decimal | None = None

    @property
    def shown(self) -> bool:
        return self.pairs >= MIN_PAIRS

    @property
    def change(self) -> Decimal | None:
        if self.baseline_mean is None or self.follow_up_mean is None:
            return None
        return self.follow_up_mean - self.baseline_mean


def measurement_results(
    *, groups: Iterable[Group], start: dt.date | None = None, end: dt.date | None = None
) -> list[InstrumentResult]:
    """Per instrument, the mean headline score at baseline and at follow-up over the
    participants with both (DJG total 0–6; WHO-5 0–100). Follow-ups dated in [start, end]
    when a period is given. Means are left out below MIN_PAIRS pairs. One query."""
    from .models import Instrument

    rows = Administration.objects.filter(group__in=groups).values_list(
        "participant_id", "instrument", "timepoint", "answers", "administered_on"
    )
    scores: dict[tuple[int, str], dict[str, int]] = {}
    for participant_id, instrument, timepoint, answers, day in rows:
        if timepoint == Timepoint.FOLLOW_UP and ((start and day < start) or (end and day > end)):
            continue
        try:
            value = headline(instrument, answers)
        except ValueError:
            continue
        if value is not None:
            scores.setdefault((participant_id, instrument), {})[timepoint] = value
    results = []
    for instrument in Instrument:
        pairs = [
            s
            for (_pid, inst), s in scores.items()
            if inst == instrument.value and Timepoint.BASELINE in s and Timepoint.FOLLOW_UP in s
        ]
        result = InstrumentResult(instrument.value, str(instrument.label), len(pairs))
        if result.shown:
            result.baseline_mean = _mean([s[Timepoint.BASELINE] for s in pairs])
            result.follow_up_mean = _mean([s[Timepoint.FOLLOW_UP] for s in pairs])
        results.append(result)
    return results
