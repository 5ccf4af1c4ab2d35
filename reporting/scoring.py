"""Scoring of the two measurement instruments, exactly as docs/measurement.md describes
(taken from reference.md §1.1–1.2 and §2). Raw answers are stored; scores are always
computed here, from the answers, so a corrected rule corrects every old score too.

De Jong Gierveld 6-item loneliness scale
    Answers per item: "yes", "more_or_less", "no" (interview), or the five-option
    self-completion variant "yes_strong", "yes", "more_or_less", "no", "no_strong".
    Each item is dichotomised; "more or less" always counts as lonely:
    - negatively worded items (1, 4, 6; emotional loneliness) score 1 for yes / more or less;
    - positively worded items (2, 3, 5; social loneliness) score 1 for no / more or less.
    Total 0–6: missing when more than one item is missing; with exactly one missing item,
    the total counts the other five. A subscale (0–3) is missing when any of its items is.
    Categories: total 0–1 not lonely, 2–4 moderately lonely, 5–6 severely lonely;
    subscale 0 not lonely, 1–3 lonely.

WHO-5 well-being index
    Five items about the last two weeks, each answered 0 ("at no time") to 5 ("all of the
    time"). Raw score 0–25, times 4 gives 0–100. The source gives no rule for a missing
    item, so a questionnaire with any item missing has no score. 50 or lower is the usual
    cut-off for poor well-being; a change of 10 points counts as meaningful.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# --- De Jong Gierveld, 6 items -----------------------------------------------------------

DJG_ANSWERS_3 = ("yes", "more_or_less", "no")
DJG_ANSWERS_5 = ("yes_strong", "yes", "more_or_less", "no", "no_strong")
DJG_ANSWERS = frozenset(DJG_ANSWERS_5)
DJG_NEGATIVE_ITEMS = (1, 4, 6)  # emotional loneliness
DJG_POSITIVE_ITEMS = (2, 3, 5)  # social loneliness
DJG_LONELY_IF_NEGATIVE = frozenset({"yes_strong", "yes", "more_or_less"})
DJG_LONELY_IF_POSITIVE = frozenset({"no_strong", "no", "more_or_less"})
DJG_ITEM_COUNT = 6

# The item wording as published (Dutch original; English from the LASA labels). The
# instrument's wording is part of the instrument: it is not translated by us.
DJG_ITEMS = {
    "nl": (
        "Ik ervaar een leegte om me heen",
        "Er zijn genoeg mensen op wie ik in geval van narigheid kan terugvallen",
        "Ik heb veel mensen op wie ik volledig kan vertrouwen",
        "Ik mis mensen om me heen",
        "Er zijn voldoende mensen met wie ik me nauw verbonden voel",
        "Vaak voel ik me in de steek gelaten",
    ),
    "en": (
        "I experience a general sense of emptiness",
        "There are plenty of people I can lean on when I have problems",
        "There are many people I can trust completely",
        "I miss having people around me",
        "There are enough people I feel close to",
        "I often feel rejected",
    ),
}
DJG_ANSWER_LABELS = {
    "nl": {
        "yes_strong": "ja!",
        "yes": "ja",
        "more_or_less": "min of meer",
        "no": "nee",
        "no_strong": "nee!",
    },
    "en": {
        "yes_strong": "yes!",
        "yes": "yes",
        "more_or_less": "more or less",
        "no": "no",
        "no_strong": "no!",
    },
}
DJG_CITATION = (
    "De Jong Gierveld, J., & Van Tilburg, T. G. (2006). A 6-item scale for overall, "
    "emotional, and social loneliness: confirmatory tests on survey data. Research on "
    "Aging, 28(5), 582–598. Cut-off points: Van Tilburg, T. G., & De Jong Gierveld, J. "
    "(1999), Manual of the Loneliness Scale, VU University Amsterdam."
)

# --- WHO-5 ------------------------------------------------------------------------------

WHO5_ANSWERS = frozenset(range(6))
WHO5_ITEM_COUNT = 5
WHO5_POOR_AT_OR_BELOW = 50
WHO5_MEANINGFUL_CHANGE = 10
WHO5_ITEMS = {
    "en": (
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ),
}
WHO5_ANSWER_LABELS = {
    "en": {
        5: "All of the time",
        4: "Most of the time",
        3: "More than half of the time",
        2: "Less than half of the time",
        1: "Some of the time",
        0: "At no time",
    },
}
WHO5_CITATION = (
    "World Health Organization, Regional Office for Europe (1998). Wellbeing measures in "
    "primary health care: the DepCare Project. Topp, C. W., Østergaard, S. D., "
    "Søndergaard, S., & Bech, P. (2015). The WHO-5 Well-Being Index: a systematic review "
    "of the literature. Psychotherapy and Psychosomatics, 84(3), 167–176."
)


class InvalidAnswers(ValueError):
    """The answers do not fit the instrument (wrong number of items or an unknown code)."""


@dataclass(frozen=True)
class DjgScore:
    total: int | None
    emotional: int | None
    social: int | None
    answered: int

    @property
    def category(self) -> str | None:
        return djg_category(self.total)

    @property
    def category_label(self) -> str:
        return str(DJG_CATEGORY_LABELS.get(self.category, "")) if self.category else ""


@dataclass(frozen=True)
class Who5Score:
    raw: int | None
    answered: int

    @property
    def percentage(self) -> int | None:
        return None if self.raw is None else self.raw * 4

    @property
    def poor(self) -> bool | None:
        if self.percentage is None:
            return None
        return self.percentage <= WHO5_POOR_AT_OR_BELOW


DJG_CATEGORY_LABELS = {
    "not_lonely": _("not lonely"),
    "moderate": _("moderately lonely"),
    "severe": _("severely lonely"),
}


def djg_category(total: int | None) -> str | None:
    if total is None:
        return None
    if total <= 1:
        return "not_lonely"
    if total <= 4:
        return "moderate"
    return "severe"


def djg_subscale_lonely(score: int | None) -> bool | None:
    return None if score is None else score >= 1


def _check_length(answers, count: int) -> list:
    if not isinstance(answers, list | tuple) or len(answers) != count:
        raise InvalidAnswers(f"expected {count} answers")
    return list(answers)


def djg_item_score(item: int, answer: str | None) -> int | None:
    """1 when the answer counts as lonely on item `item` (1-based), 0 when not, None when
    the item was not answered."""
    if answer is None or answer == "":
        return None
    if answer not in DJG_ANSWERS:
        raise InvalidAnswers(f"unknown answer {answer!r}")
    lonely = DJG_LONELY_IF_NEGATIVE if item in DJG_NEGATIVE_ITEMS else DJG_LONELY_IF_POSITIVE
    return 1 if answer in lonely else 0


def score_djg6(answers) -> DjgScore:
    items = _check_length(answers, DJG_ITEM_COUNT)
    scores = {n: djg_item_score(n, a) for n, a in enumerate(items, start=1)}
    answered = [s for s in scores.values() if s is not None]
    missing = DJG_ITEM_COUNT - len(answered)
    total = sum(answered) if missing <= 1 else None

    def subscale(numbers):
        values = [scores[n] for n in numbers]
        return None if any(v is None for v in values) else sum(values)

    return DjgScore(
        total=total,
        emotional=subscale(DJG_NEGATIVE_ITEMS),
        social=subscale(DJG_POSITIVE_ITEMS),
        answered=len(answered),
    )


def score_who5(answers) -> Who5Score:
    items = _check_length(answers, WHO5_ITEM_COUNT)
    values = []
    for answer in items:
        if answer is None or answer == "":
            continue
        if isinstance(answer, bool) or answer not in WHO5_ANSWERS:
            raise InvalidAnswers(f"unknown answer {answer!r}")
        values.append(int(answer))
    raw = sum(values) if len(values) == WHO5_ITEM_COUNT else None
    return Who5Score(raw=raw, answered=len(values))


def score(instrument: str, answers):
    if instrument == "djg6":
        return score_djg6(answers)
    if instrument == "who5":
        return score_who5(answers)
    raise InvalidAnswers(f"unknown instrument {instrument!r}")


def headline(instrument: str, answers) -> int | None:
    """The one number a group result is made of: the DJG total (0–6, lower is better) or
    the WHO-5 percentage (0–100, higher is better)."""
    result = score(instrument, answers)
    return result.total if instrument == "djg6" else result.percentage


CITATIONS = {"djg6": DJG_CITATION, "who5": WHO5_CITATION}
ITEMS: dict[str, Mapping[str, tuple[str, ...]]] = {"djg6": DJG_ITEMS, "who5": WHO5_ITEMS}
ANSWER_LABELS: dict[str, dict[str, dict[Any, str]]] = {
    "djg6": DJG_ANSWER_LABELS,
    "who5": WHO5_ANSWER_LABELS,
}
ITEM_COUNTS = {"djg6": DJG_ITEM_COUNT, "who5": WHO5_ITEM_COUNT}
