"""Reads for co-creation (views_cocreation.py): the idea board, the group agreements,
the co-creation share and walking buddies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups.access import Need, get_in_group_or_404
from groups.languages import language_direction, language_label
from groups.models import Group
from participants.models import Enrolment, Participant

from .models import GroupAgreement, Idea
from .selectors import HeldMeeting


def idea_get_for_user(*, user, pk, need: Need = Need.WORK) -> Idea:
    """An idea on the board of a group the user works in (404 otherwise); 403 unless the
    user may act on the group as `need` asks (`Need.EDIT` to change it)."""
    return get_in_group_or_404(
        Idea.objects.select_related("group", "group__organisation"), user=user, pk=pk, need=need
    )


def agreement_get_for_user(*, user, pk, need: Need = Need.EDIT) -> GroupAgreement:
    """An agreement of a group the user works in (404 otherwise), with its texts; 403
    unless the user may act on the group as `need` asks."""
    return get_in_group_or_404(
        GroupAgreement.objects.select_related("group", "group__organisation").prefetch_related(
            "texts"
        ),
        user=user,
        pk=pk,
        need=need,
    )


# The board and the agreements --------------------------------------------------------


def current_participants(*, group: Group, also: Sequence[int] = ()) -> QuerySet[Participant]:
    """Participants with an enrolment in the group running today, and those in `also`
    (whom a record already names)."""
    return Participant.objects.among(
        Enrolment.objects.current().filter(group=group).values("participant_id"), also=also
    )


def ideas_for_board(*, group: Group) -> QuerySet[Idea]:
    """The group's ideas with what a card shows: the proposer (participant or staff), the
    meeting where it happened and the organisers. Two queries, whatever the number of
    ideas (the ideas with their joins, the organisers)."""
    return (
        Idea.objects.filter(group=group)
        .select_related("proposed_by", "proposed_by_staff", "meeting")
        .prefetch_related(
            Prefetch("organisers", queryset=Participant.objects.only("pk", "full_name"))
        )
        .order_by("-votes", "created_at", "pk")
    )


@dataclass(frozen=True)
class AgreementLine:
    language: str
    label: str
    direction: str  # "rtl" or "ltr"
    text: str


@dataclass(frozen=True)
class AgreementEntry:
    agreement: GroupAgreement
    lines: list[AgreementLine]


def agreement_language_order(group: Group) -> list[str]:
    """Dutch first, then the group's own languages in their order."""
    order = ["nl"]
    for code in group.languages or []:
        if code not in order:
            order.append(code)
    return order


def agreements_for_group(*, group: Group) -> list[AgreementEntry]:
    """The group's agreements in their order, each with its texts: Dutch first, then the
    group's languages, then any other language a text exists in. Two queries."""
    order = agreement_language_order(group)
    agreements = GroupAgreement.objects.filter(group=group).prefetch_related("texts")
    entries = []
    for agreement in agreements:
        texts = sorted(
            agreement.texts.all(),
            key=lambda t: (order.index(t.language) if t.language in order else len(order), t.pk),
        )
        lines = [
            AgreementLine(
                language=t.language,
                label=language_label(t.language),
                direction=language_direction(t.language),
                text=t.text,
            )
            for t in texts
        ]
        entries.append(AgreementEntry(agreement=agreement, lines=lines))
    return entries


# The co-creation share ---------------------------------------------------------------

CO_CREATION_MONTHLY_BELOW = 6  # months of data; with fewer, the share is shown per month


def _percent(part: int, whole: int) -> int | None:
    """Rounded half up; None when there is nothing to divide."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass
class SharePeriod:
    start: dt.date
    label: str
    activities: int = 0  # ideas done (or looked back on) at a meeting in this period
    proposed_by_participants: int = 0
    meetings_held: int = 0
    organised_with_participants: int = 0  # held meetings with a participant among organisers

    @property
    def proposed_share(self) -> int | None:
        return _percent(self.proposed_by_participants, self.activities)

    @property
    def organised_share(self) -> int | None:
        return _percent(self.organised_with_participants, self.meetings_held)


@dataclass
class CocreationShare:
    per: str  # "month" or "quarter"; "" when there is no data
    periods: list[SharePeriod]

    @property
    def activities(self) -> int:
        return sum(p.activities for p in self.periods)

    @property
    def proposed_by_participants(self) -> int:
        return sum(p.proposed_by_participants for p in self.periods)

    @property
    def meetings_held(self) -> int:
        return sum(p.meetings_held for p in self.periods)

    @property
    def organised_with_participants(self) -> int:
        return sum(p.organised_with_participants for p in self.periods)

    @property
    def proposed_share(self) -> int | None:
        return _percent(self.proposed_by_participants, self.activities)

    @property
    def organised_share(self) -> int | None:
        return _percent(self.organised_with_participants, self.meetings_held)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def cocreation_share(*, held: Sequence[HeldMeeting]) -> CocreationShare:
    """How much of what a group does comes from its participants, over time, from its
    held meetings (`held`, as meetings.selectors.held_meetings_counted reads them).

    - Activities: ideas that were done (or looked back on) and are linked to the held
      meeting where they happened, dated by that meeting; the share proposed by a participant
      (the rest were proposed by staff, or by nobody recorded).
    - Meetings: held meetings; the share with at least one participant among the
      organisers.

    Per quarter, or per month when the data spans fewer than 6 months (from the first to
    the last month with data); every period in between is listed, empty ones included.
    Months are counted in the site's time zone. No query of its own: the meetings are
    grouped into months here; a group holds a few dozen meetings a year, so they stay few.
    """
    tz = timezone.get_current_timezone()
    months: dict[int, list[int]] = {}  # month index -> [activities, by participants, held, co]
    for meeting in held:
        counts = months.setdefault(
            _month_index(timezone.localtime(meeting.starts_at, tz).date()), [0, 0, 0, 0]
        )
        counts[0] += meeting.done_ideas
        counts[1] += meeting.done_by_participants
        counts[2] += 1
        counts[3] += meeting.organised
    if not months:
        return CocreationShare(per="", periods=[])
    first, last = min(months), max(months)
    monthly = last - first + 1 < CO_CREATION_MONTHLY_BELOW
    step = 1 if monthly else 3
    if not monthly:
        first -= first % 3  # the first month of its quarter
    periods = []
    for start in range(first, last + 1, step):
        day = _month_start(start)
        if monthly:
            label = date_format(day, "YEAR_MONTH_FORMAT")
        else:
            label = _("Q%(quarter)d %(year)d") % {
                "quarter": (day.month - 1) // 3 + 1,
                "year": day.year,
            }
        period = SharePeriod(start=day, label=label)
        for index in range(start, start + step):
            a, b, c, d = months.get(index, (0, 0, 0, 0))
            period.activities += a
            period.proposed_by_participants += b
            period.meetings_held += c
            period.organised_with_participants += d
        periods.append(period)
    return CocreationShare(per="month" if monthly else "quarter", periods=periods)


# Walking buddies ---------------------------------------------------------------------

BUDDY_NEARBY_DISTANCE = 10  # 4-digit postcode areas this far apart count as nearby
BUDDY_MIN_WORD = 4  # shorter words in `interests` are ignored ("and", "de", "tea")
BUDDY_STRENGTH = {"close": 3, "nearby": 2, "interest": 2, "language": 1}
_WORD_RE = re.compile(r"[^\W\d_]+")
_PC4_RE = re.compile(r"\s*(\d{4})")
# Common words of four letters or more that say nothing about an interest (English, Dutch).
_NOT_INTERESTS = frozenset(
    {
        # English
        "also", "about", "very", "much", "more", "most", "like", "likes", "love", "loves",
        "enjoy", "enjoys", "some", "with", "from", "that", "this", "they", "them", "their",
        "have", "what", "when", "other", "things",
        # Dutch
        "over", "heel", "veel", "meer", "graag", "houdt", "zijn", "haar", "hebben", "heeft",
        "niet", "maar", "voor", "naar", "samen", "andere", "dingen", "wordt", "doen",
    }
)  # fmt: skip


def postcode_area(postcode: str) -> str:
    """The 4-digit area of a Dutch postcode ("3072 AB" -> "3072"), or ""."""
    match = _PC4_RE.match(postcode or "")
    return match.group(1) if match else ""


def interest_words(text: str) -> set[str]:
    """The words of an `interests` text, lower-cased, without short and filler words."""
    words = {w.casefold() for w in _WORD_RE.findall(text or "")}
    return {w for w in words if len(w) >= BUDDY_MIN_WORD and w not in _NOT_INTERESTS}


@dataclass(frozen=True)
class BuddyReason:
    kind: str  # "close", "nearby", "interest", "language"
    value: str  # the area(s), the word or the language code
    text: str  # what the page shows


@dataclass
class BuddyPair:
    first: Participant
    second: Participant
    reasons: list[BuddyReason]

    @property
    def strength(self) -> int:
        return sum(BUDDY_STRENGTH[r.kind] for r in self.reasons)


@dataclass
class WalkingBuddies:
    pairs: list[BuddyPair]
    unmatched: list[Participant]  # current participants in no pair
    without_postcode: int


def _buddy_reasons(a, b, a_words, b_words, common_languages) -> list[BuddyReason]:
    reasons = []
    area_a, area_b = postcode_area(a.postcode), postcode_area(b.postcode)
    if area_a and area_b:
        if area_a == area_b:
            reasons.append(BuddyReason("close", area_a, _("both in %(area)s") % {"area": area_a}))
        elif abs(int(area_a) - int(area_b)) <= BUDDY_NEARBY_DISTANCE:
            low, high = sorted([area_a, area_b])
            reasons.append(
                BuddyReason(
                    "nearby",
                    f"{low}-{high}",
                    _("nearby: %(first)s and %(second)s") % {"first": low, "second": high},
                )
            )
    for word in sorted(a_words & b_words):
        reasons.append(BuddyReason("interest", word, _("both like %(word)s") % {"word": word}))
    language = a.preferred_language
    if language and language == b.preferred_language and language not in common_languages:
        reasons.append(
            BuddyReason(
                "language",
                language,
                _("both prefer %(language)s") % {"language": language_label(language)},
            )
        )
    return reasons


def walking_buddies(*, group: Group) -> WalkingBuddies:
    """Suggested pairs among the group's current participants, for walking home together
    or calling each other, strongest first.

    Reasons: the same 4-digit postcode area ("close"), areas at most 10 apart ("nearby"),
    each word both name in their interests (case-insensitive, ignoring words under four
    letters and filler words), and the same preferred language, unless more than half of
    the group prefers it (then it says nothing about a pair). Only the 4-digit area is
    ever shown, never an address. One query.
    """
    people = list(
        current_participants(group=group)
        .only("pk", "full_name", "postcode", "interests", "preferred_language")
        .order_by("full_name", "pk")
    )
    preferred: dict[str, int] = {}
    for person in people:
        if person.preferred_language:
            preferred[person.preferred_language] = preferred.get(person.preferred_language, 0) + 1
    common_languages = {code for code, n in preferred.items() if 2 * n > len(people)}
    words = {person.pk: interest_words(person.interests) for person in people}
    pairs = []
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            reasons = _buddy_reasons(a, b, words[a.pk], words[b.pk], common_languages)
            if reasons:
                pairs.append(BuddyPair(first=a, second=b, reasons=reasons))
    pairs.sort(key=lambda p: (-p.strength, p.first.full_name, p.second.full_name))
    in_pairs = {p.first.pk for p in pairs} | {p.second.pk for p in pairs}
    return WalkingBuddies(
        pairs=pairs,
        unmatched=[p for p in people if p.pk not in in_pairs],
        without_postcode=sum(1 for p in people if not postcode_area(p.postcode)),
    )
