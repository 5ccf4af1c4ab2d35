"""Small-count suppression (docs/decisions.md 13 and 23): the one threshold and the one
way to show a count of people where it must not single anyone out.

A count from 1 to 4 is shown as "<5"; 0 is shown as 0 (it singles nobody out). In a
breakdown whose total is also shown, one hidden cell could be worked out from the total,
so then the next smallest cell is shown only as "≥5" (complementary suppression).
Charts (stetapp.charts.bar_chart with suppressed=True) draw no bar for a hidden count.
"""

from __future__ import annotations

# Counts from 1 up to below this are hidden (reference.md §6.4 proposes k = 5).
SMALL_COUNT_BELOW = 5
SUPPRESSED = "<5"
COMPLEMENT = "≥5"


def is_hidden(count: int | None) -> bool:
    """Whether `count` is one that suppression hides (1–4)."""
    return count is not None and 0 < count < SMALL_COUNT_BELOW


def suppress(count: int | None) -> str:
    """A count as shown where it must not single anyone out: 1–4 become "<5", 0 stays
    0, None (nothing to count) is "–"."""
    if count is None:
        return "–"
    return SUPPRESSED if is_hidden(count) else str(count)


def suppress_breakdown(counts: dict) -> dict:
    """Suppress a breakdown whose total is shown: 1–4 become "<5", and when exactly one
    cell was hidden, the next smallest cell is shown only as "≥5", so the hidden one cannot
    be worked out from the total (complementary suppression). A cell with nothing to
    count (None) shows "–" and is never the complementary cell."""
    shown = {key: suppress(value) for key, value in counts.items()}
    hidden = [key for key, value in counts.items() if is_hidden(value)]
    if len(hidden) == 1:
        # The shown cells, smallest first; ties broken by the key's text, so the result
        # does not depend on the order of `counts`.
        others = sorted(
            (
                key
                for key, value in counts.items()
                if key not in hidden and value is not None and value >= SMALL_COUNT_BELOW
            ),
            key=lambda key: (counts[key], str(key)),
        )
        if others:
            shown[others[0]] = COMPLEMENT
    return shown


__all__ = [
    "COMPLEMENT",
    "SMALL_COUNT_BELOW",
    "SUPPRESSED",
    "is_hidden",
    "suppress",
    "suppress_breakdown",
]
