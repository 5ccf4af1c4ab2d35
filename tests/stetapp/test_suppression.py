"""Small-cell suppression (stetapp.suppression.suppress and suppress_breakdown): counts
from 1 to 4 are shown as "<5"; in a breakdown whose total is shown, a single hidden cell
also hides the next smallest cell as "≥5", so the hidden one cannot be worked out."""

import pytest

from stetapp.charts import bar_chart
from stetapp.suppression import SMALL_COUNT_BELOW, suppress, suppress_breakdown


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (None, "–"),
        (0, "0"),
        (1, "<5"),
        (2, "<5"),
        (3, "<5"),
        (4, "<5"),
        (5, "5"),
        (12, "12"),
        (1000, "1000"),
    ],
)
def test_suppress(count, shown):
    assert suppress(count) == shown


def test_the_threshold_is_five():
    assert SMALL_COUNT_BELOW == 5


def test_nothing_to_hide():
    assert suppress_breakdown({"woman": 7, "man": 5, "other": 0}) == {
        "woman": "7",
        "man": "5",
        "other": "0",
    }


def test_one_hidden_cell_hides_the_next_smallest_too():
    # Total 12 is shown elsewhere: with "man" hidden and "woman" shown as 9, the hidden
    # number would be 3. So "woman" is shown only as "≥5".
    assert suppress_breakdown({"woman": 9, "man": 3}) == {"woman": "≥5", "man": "<5"}


def test_the_complement_is_the_smallest_shown_cell():
    shown = suppress_breakdown({"a": 20, "b": 6, "c": 9, "d": 2})
    assert shown == {"a": "20", "b": "≥5", "c": "9", "d": "<5"}


def test_ties_are_broken_by_key_so_the_result_is_stable():
    assert suppress_breakdown({"y": 5, "x": 5, "z": 1}) == {"y": "5", "x": "≥5", "z": "<5"}


def test_two_hidden_cells_need_no_complement():
    # 8 + two hidden cells: the hidden ones sum to total - 8 but each stays unknown.
    assert suppress_breakdown({"Turkish": 8, "Moroccan": 2, "Surinamese": 2}) == {
        "Turkish": "8",
        "Moroccan": "<5",
        "Surinamese": "<5",
    }


def test_zero_cells_are_not_hidden_and_never_the_complement():
    assert suppress_breakdown({"a": 0, "b": 4, "c": 6}) == {"a": "0", "b": "<5", "c": "≥5"}


def test_a_single_hidden_cell_with_nothing_else_shown():
    # All other cells are zero: there is nothing to hide it behind, and nothing to hide.
    assert suppress_breakdown({"a": 3, "b": 0}) == {"a": "<5", "b": "0"}


def test_all_cells_small():
    assert suppress_breakdown({"a": 1, "b": 2, "c": 4}) == {"a": "<5", "b": "<5", "c": "<5"}


def test_empty_breakdown():
    assert suppress_breakdown({}) == {}


def test_keys_that_are_not_strings():
    assert suppress_breakdown({1: 3, 2: 7, 3: 10}) == {1: "<5", 2: "≥5", 3: "10"}


def test_a_suppressed_chart_shows_zero_as_zero_and_hides_one_to_four():
    """Decision 23: 0 singles nobody out and is shown; 1–4 are "<5" without a bar (its
    length would give the number away). The chart uses the same rule as the tables."""
    chart = bar_chart(
        chart_id="c", title="t", items=[("none", 0), ("few", 3), ("many", 10)], suppressed=True
    )
    assert [(r.label, r.display, r.bar_width) for r in chart.rows] == [
        ("none", "0", "0"),
        ("few", "<5", "0"),
        ("many", "10", "360"),
    ]


def test_an_exact_chart_shows_every_count():
    chart = bar_chart(chart_id="c", title="t", items=[("none", 0), ("few", 3), ("many", 6)])
    assert [(r.display, r.bar_width) for r in chart.rows] == [
        ("0", "0"),
        ("3", "180"),
        ("6", "360"),
    ]


def test_a_breakdown_with_nothing_to_count_in_a_cell_shows_a_dash_there():
    # None means "nothing to count" (suppress shows "–"); it is neither hidden nor a
    # candidate for the complementary cell, and must not break the comparison.
    assert suppress_breakdown({"a": None, "b": 3, "c": 8}) == {
        "a": "–",
        "b": "<5",
        "c": "≥5",
    }
