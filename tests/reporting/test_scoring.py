"""Scoring of the DJG-6 loneliness scale and the WHO-5 well-being index, against cases
worked out by hand from the rules in reference.md §1.1–1.2 and §2."""

from decimal import Decimal

import pytest

from reporting import scoring
from reporting.scoring import InvalidAnswers, score_djg6, score_who5

# Items 1, 4, 6 are negatively worded (emotional); 2, 3, 5 positively (social).


@pytest.mark.parametrize(
    ("answers", "total", "emotional", "social", "category"),
    [
        # Nobody lonely: "no" on negative items, "yes" on positive items.
        (["no", "yes", "yes", "no", "yes", "no"], 0, 0, 0, "not_lonely"),
        # Everything lonely: "yes" on negative items, "no" on positive items.
        (["yes", "no", "no", "yes", "no", "yes"], 6, 3, 3, "severe"),
        # "More or less" always counts as lonely, on both kinds of item.
        (["more_or_less"] * 6, 6, 3, 3, "severe"),
        # Emotional only: 1 yes, 4 more or less, 6 no -> 2; social: all yes -> 0.
        (["yes", "yes", "yes", "more_or_less", "yes", "no"], 2, 2, 0, "moderate"),
        # Social only: 2 no, 3 more or less, 5 yes -> 2; plus item 6 yes -> total 3.
        (["no", "no", "more_or_less", "no", "yes", "yes"], 3, 1, 2, "moderate"),
        # Exactly 1: the upper end of "not lonely".
        (["no", "more_or_less", "yes", "no", "yes", "no"], 1, 0, 1, "not_lonely"),
        # 4 and 5: the border between moderate and severe.
        (["yes", "no", "no", "yes", "yes", "no"], 4, 2, 2, "moderate"),
        (["yes", "no", "no", "yes", "yes", "yes"], 5, 3, 2, "severe"),
    ],
)
def test_djg6_three_option_answers(answers, total, emotional, social, category):
    result = score_djg6(answers)
    assert (result.total, result.emotional, result.social) == (total, emotional, social)
    assert result.category == category
    assert result.answered == 6


def test_djg6_five_option_answers_map_like_the_three_option_ones():
    # "ja!"/"ja" on a negative item and "nee!"/"nee" on a positive one count as lonely.
    result = score_djg6(["yes_strong", "no_strong", "no", "yes", "yes_strong", "no_strong"])
    # 1: lonely, 2: lonely, 3: lonely, 4: lonely, 5: not (yes on positive), 6: not (no).
    assert (result.total, result.emotional, result.social) == (4, 2, 2)


def test_djg6_one_missing_item_counts_the_other_five():
    # Item 3 (social) missing; the others: 1 yes (1), 2 no (1), 4 no (0), 5 no (1), 6 yes (1).
    result = score_djg6(["yes", "no", None, "no", "no", "yes"])
    assert result.total == 4
    assert result.emotional == 2  # items 1, 4, 6 all answered
    assert result.social is None  # a subscale is missing when any of its items is
    assert result.answered == 5


def test_djg6_two_missing_items_leave_no_total():
    result = score_djg6(["yes", None, "no", "yes", "no", ""])
    assert result.total is None
    assert result.category is None
    assert result.emotional is None  # item 6 missing
    assert result.social is None  # item 2 missing
    assert result.answered == 4


def test_djg6_missing_item_on_one_subscale_keeps_the_other():
    result = score_djg6([None, "yes", "yes", "no", "yes", "no"])
    assert result.total == 0
    assert result.emotional is None
    assert result.social == 0


@pytest.mark.parametrize(
    "answers",
    [
        ["yes"] * 5,  # too few
        ["yes"] * 7,  # too many
        ["yes", "no", "no", "yes", "no", "maybe"],  # unknown code
        "yes,no,no,yes,no,yes",  # not a list
    ],
)
def test_djg6_rejects_answers_that_do_not_fit(answers):
    with pytest.raises(InvalidAnswers):
        score_djg6(answers)


def test_djg_subscale_categories():
    assert scoring.djg_subscale_lonely(0) is False
    assert scoring.djg_subscale_lonely(1) is True
    assert scoring.djg_subscale_lonely(3) is True
    assert scoring.djg_subscale_lonely(None) is None


@pytest.mark.parametrize(
    ("answers", "raw", "percentage", "poor"),
    [
        ([5, 5, 5, 5, 5], 25, 100, False),
        ([0, 0, 0, 0, 0], 0, 0, True),
        ([3, 2, 3, 2, 3], 13, 52, False),
        # 12 × 4 = 48: at or below 50 is the usual cut-off for poor well-being.
        ([3, 2, 3, 2, 2], 12, 48, True),
        ([2, 3, 3, 2, 3], 13, 52, False),
        ([5, 5, 0, 0, 0], 10, 40, True),
    ],
)
def test_who5(answers, raw, percentage, poor):
    result = score_who5(answers)
    assert (result.raw, result.percentage, result.poor) == (raw, percentage, poor)


def test_who5_with_a_missing_item_has_no_score():
    result = score_who5([5, 4, None, 3, 2])
    assert result.raw is None
    assert result.percentage is None
    assert result.poor is None
    assert result.answered == 4


@pytest.mark.parametrize(
    "answers", [[6, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [True, 1, 1, 1, 1], [1] * 4]
)
def test_who5_rejects_answers_that_do_not_fit(answers):
    with pytest.raises(InvalidAnswers):
        score_who5(answers)


def test_headline_is_the_djg_total_or_the_who5_percentage():
    assert scoring.headline("djg6", ["yes", "no", "no", "yes", "no", "yes"]) == 6
    assert scoring.headline("who5", [3, 2, 3, 2, 3]) == 52
    with pytest.raises(InvalidAnswers):
        scoring.headline("ucla3", [1, 2, 3])


def test_every_instrument_has_items_labels_and_a_citation():
    for instrument, count in scoring.ITEM_COUNTS.items():
        for wording in scoring.ITEMS[instrument].values():
            assert len(wording) == count
        assert scoring.ANSWER_LABELS[instrument]
        assert "(" in scoring.CITATIONS[instrument]
    assert "2006" in scoring.CITATIONS["djg6"]
    assert "Topp" in scoring.CITATIONS["who5"]


# --- group results: only with at least five pairs ----------------------------------------


@pytest.fixture
def measured_group(world):
    from reporting.models import Administration
    from tests.factories import participant_in

    group = world.group_a2
    people = [participant_in(group, full_name=f"Person {n}") for n in range(5)]
    baseline = [
        ["yes", "no", "no", "yes", "no", "yes"],  # 6
        ["yes", "no", "no", "yes", "yes", "no"],  # 4
        ["more_or_less"] * 6,  # 6
        ["no", "yes", "yes", "no", "yes", "no"],  # 0
        ["yes", "no", None, "no", "no", "yes"],  # 4 (one missing)
    ]
    follow_up = [
        ["no", "no", "no", "yes", "no", "no"],  # 4
        ["no", "yes", "yes", "no", "yes", "no"],  # 0
        ["yes", "no", "no", "yes", "yes", "no"],  # 4
        ["no", "yes", "yes", "no", "yes", "no"],  # 0
        ["yes", None, None, "no", "no", "yes"],  # no total (two missing)
    ]
    for person, before, after in zip(people, baseline, follow_up, strict=True):
        for timepoint, answers, day in (
            ("baseline", before, "2026-01-10"),
            ("follow_up", after, "2026-09-10"),
        ):
            Administration.objects.create(
                participant=person,
                group=group,
                instrument="djg6",
                mode="interview",
                timepoint=timepoint,
                administered_on=day,
                answers=answers,
            )
    return group, people


def test_group_result_needs_five_complete_pairs(measured_group):
    from reporting.selectors import measurement_results

    group, _people = measured_group
    djg = next(r for r in measurement_results(groups=[group]) if r.instrument == "djg6")
    # The fifth person's follow-up has no total: only four pairs, so no means.
    assert djg.pairs == 4
    assert not djg.shown
    assert djg.baseline_mean is None


def test_group_result_with_five_pairs_gives_the_means(measured_group):
    from reporting.models import Administration
    from reporting.selectors import measurement_results

    group, people = measured_group
    Administration.objects.filter(participant=people[4], timepoint="follow_up").update(
        answers=["yes", "yes", "no", "no", "no", "no"]  # 1 + 0 + 1 + 0 + 1 + 0 = 3
    )
    djg = next(r for r in measurement_results(groups=[group]) if r.instrument == "djg6")
    assert djg.pairs == 5
    assert djg.shown
    # Baseline (6 + 4 + 6 + 0 + 4) / 5 = 4.0; follow-up (4 + 0 + 4 + 0 + 3) / 5 = 2.2.
    assert djg.baseline_mean == Decimal("4.0")
    assert djg.follow_up_mean == Decimal("2.2")
    assert djg.change == Decimal("-1.8")
    who5 = next(r for r in measurement_results(groups=[group]) if r.instrument == "who5")
    assert who5.pairs == 0 and not who5.shown


def test_group_result_counts_only_follow_ups_in_the_period(measured_group):
    import datetime as dt

    from reporting.selectors import measurement_results

    group, _people = measured_group
    djg = next(
        r
        for r in measurement_results(
            groups=[group], start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
        )
        if r.instrument == "djg6"
    )
    assert djg.pairs == 0
