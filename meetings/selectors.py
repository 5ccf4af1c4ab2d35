"""Read queries and the planning rules for meetings.

The rules (tested in tests/meetings/test_cadence.py):
- A group should meet at least 10 times within 12 months (MIN_MEETINGS_PER_YEAR).
- No more than 14 days between two meetings (MAX_GAP_DAYS), except during a break the
  group agreed on (GroupBreak).
- Cancelled meetings do not count.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups.access import Need, get_in_group_or_404, groups_worked_in
from groups.languages import language_direction, language_label
from groups.models import Group
from participants.models import Enrolment, Participant

from .models import (
    CalendarEvent,
    GroupAgreement,
    GroupBreak,
    Idea,
    IdeaStatus,
    Meeting,
    MeetingStatus,
)

MIN_MEETINGS_PER_YEAR = 10
MAX_GAP_DAYS = 14


def meeting_get_for_user(*, user, pk, need: Need = Need.READ) -> Meeting:
    """One meeting, with its group, organisation and venue: 404 unless the user sees its
    group; 403 unless the user may act on the group as `need` asks (`Need.WORK` to take
    attendance, `Need.EDIT` to plan and record). Two queries at most."""
    return get_in_group_or_404(
        Meeting.objects.select_related("group", "group__organisation", "venue"),
        user=user,
        pk=pk,
        need=need,
    )


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


@dataclass
class Gap:
    after: dt.date
    before: dt.date
    days: int


@dataclass
class Cadence:
    window_start: dt.date
    window_end: dt.date
    held: int
    planned: int
    gaps: list[Gap] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.held + self.planned

    @property
    def on_course(self) -> bool:
        return self.total >= MIN_MEETINGS_PER_YEAR

    @property
    def missing(self) -> int:
        return max(0, MIN_MEETINGS_PER_YEAR - self.total)


def _break_days(start: dt.date, end: dt.date, breaks: list[GroupBreak]) -> int:
    """Days strictly between start and end that fall in an agreed break."""
    days = 0
    for b in breaks:
        first = max(start + dt.timedelta(days=1), b.starts_on)
        last = min(end - dt.timedelta(days=1), b.ends_on)
        if last >= first:
            days += (last - first).days + 1
    return days


def gaps_between(dates: list[dt.date], breaks: list[GroupBreak]) -> list[Gap]:
    """Gaps of more than 14 days between consecutive meeting dates, not counting the
    days of an agreed break."""
    gaps = []
    ordered = sorted(set(dates))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        days = (later - earlier).days - _break_days(earlier, later, breaks)
        if days > MAX_GAP_DAYS:
            gaps.append(Gap(after=earlier, before=later, days=days))
    return gaps


def group_cadence(*, group: Group, today: dt.date | None = None) -> Cadence:
    """Is the group on course for 10 meetings in 12 months? The window is the 12 months
    from the group's start date (or its first meeting), or the last 12 months once that
    first year is over. Held meetings (Meeting.objects.held) and meetings still to come
    (planned) count; cancelled ones do not, nor do past meetings nobody recorded. With
    `today`, "now" is the start of that day. Two queries."""
    if today is None:
        now = timezone.now()
        today = timezone.localdate(now)
    else:
        now = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    of_group = Meeting.objects.filter(group=group)
    meetings = list(
        (of_group.held(now) | of_group.planned(now)).order_by("starts_at").only("starts_at")
    )
    breaks = list(GroupBreak.objects.filter(group=group))
    first = group.start_date or (meetings[0].date if meetings else today)
    year = dt.timedelta(days=365)
    start = first if today < first + year else today - year
    end = start + dt.timedelta(days=365)
    in_window = [m for m in meetings if start <= m.date < end]
    # held() only has started meetings, planned() only those still to come.
    held = sum(1 for m in in_window if m.starts_at <= now)
    planned = len(in_window) - held
    return Cadence(
        window_start=start,
        window_end=end,
        held=held,
        planned=planned,
        gaps=gaps_between([m.date for m in in_window], breaks),
    )


def calendar_conflicts(
    *, organisation_id: int, dates: list[dt.date]
) -> dict[dt.date, list[CalendarEvent]]:
    """For each date, the organisation's (not dismissed) events that cover it. One query."""
    if not dates:
        return {}
    events = list(
        CalendarEvent.objects.filter(
            organisation_id=organisation_id,
            dismissed=False,
            starts_on__lte=max(dates),
            ends_on__gte=min(dates),
        )
    )
    return {
        day: [e for e in events if e.starts_on <= day <= e.ends_on]
        for day in dates
        if any(e.starts_on <= day <= e.ends_on for e in events)
    }


def upcoming_meetings_for(*, user, days: int = 14) -> QuerySet[Meeting]:
    """The next meetings of the groups the user works in (facilitator's home page)."""
    now = timezone.now()
    return (
        Meeting.objects.filter(group__in=groups_worked_in(user))
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__gte=now, starts_at__lte=now + dt.timedelta(days=days))
        .select_related("group", "venue")
        .order_by("starts_at")
    )


def meetings_to_record_for(*, user) -> QuerySet[Meeting]:
    """Past meetings of the user's groups that nobody has marked attendance for yet."""
    return (
        Meeting.objects.filter(group__in=groups_worked_in(user))
        .filter(status=MeetingStatus.PLANNED, starts_at__lt=timezone.now())
        .filter(~Q(pk__in=Meeting.objects.filter(attendance__isnull=False).values("pk")))
        .select_related("group")
        .order_by("-starts_at")
    )


# --- follow-up calls and attendance over time (issue 4, attendance) --------------------


@dataclass
class PersonToCall:
    """Someone a facilitator should call, with why and the last call made."""

    participant: object
    missed_twice: bool
    left_without_notice: bool
    left_on: dt.date | None = None
    last_call_at: dt.datetime | None = None
    last_call_outcome: str = ""
    last_call_by: str = ""

    @property
    def last_call_outcome_label(self) -> str:
        from .models import CallOutcome

        return str(CallOutcome(self.last_call_outcome).label) if self.last_call_outcome else ""


LEFT_WITHOUT_NOTICE_DAYS = 30


def people_to_call(*, user, today: dt.date | None = None) -> list[PersonToCall]:
    """Participants of the groups the user facilitates or leads who should get a call:

    - missed twice: marked absent at both of their group's two most recent past meetings
      that have attendance (excused does not count as missed), and still enrolled;
    - left without notice: their enrolment ended in the last 30 days with reason "other"
      and nothing written about leaving.

    ONE query whatever the number of groups and people: the participants, with subqueries
    for the absences, how they left and their last call. Volunteers are not included:
    they do not make these calls."""
    from django.db.models import CharField, Count, Exists, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce, NullIf

    from participants.models import Enrolment, LeaveReason, Participant

    from .models import Attendance, AttendanceStatus, FollowUpCall

    today = today or timezone.localdate()
    now = timezone.now()
    groups = groups_worked_in(user, need=Need.EDIT)
    # The start of the second most recent past meeting with attendance of a group: the
    # two latest meetings are the ones from then on.
    second_latest = (
        Meeting.objects.filter(group_id=OuterRef("meeting__group_id"), starts_at__lte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(Exists(Attendance.objects.filter(meeting_id=OuterRef("pk"))))
        .order_by("-starts_at")
        .values("starts_at")[1:2]
    )
    absent_twice = (
        Attendance.objects.filter(
            status=AttendanceStatus.ABSENT,
            participant__isnull=False,
            meeting__group__in=groups,
            meeting__starts_at__lte=now,
            meeting__starts_at__gte=Subquery(second_latest),
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by()
        .values("participant_id")
        .annotate(times=Count("meeting_id", distinct=True))
        .filter(times__gte=2)
        .values("participant_id")
    )
    since = today - dt.timedelta(days=LEFT_WITHOUT_NOTICE_DAYS)
    left_quietly = Enrolment.objects.filter(
        participant=OuterRef("pk"),
        group__in=groups,
        left_on__gte=since,
        left_on__lte=today,
        leave_reason=LeaveReason.OTHER,
        leave_notes="",
    )
    still_enrolled = Enrolment.objects.current(today).filter(
        participant=OuterRef("pk"), group__in=groups
    )
    last_call = FollowUpCall.objects.filter(participant=OuterRef("pk")).order_by("-called_at")
    people = (
        Participant.objects.visible_to(user)
        .annotate(
            missed_twice=Exists(absent_twice.filter(participant_id=OuterRef("pk")))
            & Exists(still_enrolled),
            left_quietly=Exists(left_quietly),
        )
        .filter(Q(missed_twice=True) | Q(left_quietly=True))
        .annotate(
            left_on=Subquery(left_quietly.order_by("-left_on").values("left_on")[:1]),
            last_call_at=Subquery(last_call.values("called_at")[:1]),
            last_call_outcome=Subquery(last_call.values("outcome")[:1]),
            last_call_by=Subquery(
                last_call.annotate(
                    who=Coalesce(
                        NullIf("called_by__full_name", Value("")),
                        "called_by__email",
                        output_field=CharField(),
                    )
                ).values("who")[:1]
            ),
        )
        .select_related("group")
        .order_by("group__name", "full_name", "pk")
    )
    return [
        PersonToCall(
            participant=person,
            missed_twice=person.missed_twice,
            left_without_notice=person.left_quietly,
            left_on=person.left_on,
            last_call_at=person.last_call_at,
            last_call_outcome=person.last_call_outcome or "",
            last_call_by=person.last_call_by or "",
        )
        for person in people
    ]


@dataclass
class AttendancePoint:
    meeting: Meeting
    present: int
    marked: int

    @property
    def rate(self) -> int | None:
        """Percentage present of everyone marked (guests included), or None."""
        return round(100 * self.present / self.marked) if self.marked else None


def attendance_over_time(*, group: Group, limit: int = 12) -> list[AttendancePoint]:
    """The group's last `limit` held meetings (Meeting.objects.held),
    oldest first, with how many were present and how many were marked. One query."""
    from django.db.models import Count

    from .models import AttendanceStatus

    meetings = list(
        Meeting.objects.filter(group=group)
        .held()
        .annotate(
            marked=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
        )
        .only("starts_at", "status")
        .order_by("-starts_at")[:limit]
    )
    return [
        AttendancePoint(meeting=m, present=m.present, marked=m.marked) for m in reversed(meetings)
    ]


# --- co-creation, group agreements and walking buddies (views_cocreation.py) ----------
# Imported here rather than at the top so that this section can be appended on its own.


def current_participants(*, group: Group) -> QuerySet[Participant]:
    """Participants with an enrolment in the group running today."""
    return Participant.objects.filter(
        pk__in=Enrolment.objects.current().filter(group=group).values("participant_id")
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
IDEA_DONE_STATUSES = (IdeaStatus.DONE, IdeaStatus.REVIEWED)


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


def cocreation_share(*, group: Group) -> CocreationShare:
    """How much of what the group does comes from its participants, over time.

    - Activities: ideas that were done (or looked back on) and are linked to the meeting
      where they happened, dated by that meeting; the share proposed by a participant
      (the rest were proposed by staff, or by nobody recorded).
    - Meetings: held meetings; the share with at least one participant among the
      organisers.

    Per quarter, or per month when the data spans fewer than 6 months (from the first to
    the last month with data); every period in between is listed, empty ones included.
    Months are counted in the site's time zone. Two aggregate queries.
    """
    tz = timezone.get_current_timezone()
    idea_rows = (
        Idea.objects.filter(group=group, status__in=IDEA_DONE_STATUSES, meeting__isnull=False)
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=tz))
        .order_by()
        .values("month")
        .annotate(
            total=Count("pk"),
            by_participants=Count("pk", filter=Q(proposed_by__isnull=False)),
        )
    )
    meeting_rows = (
        Meeting.objects.filter(group=group)
        .held()
        .annotate(month=TruncMonth("starts_at", tzinfo=tz))
        .order_by()
        .values("month")
        .annotate(
            total=Count("pk", distinct=True),
            with_participants=Count("pk", distinct=True, filter=Q(organisers__isnull=False)),
        )
    )
    months: dict[int, list[int]] = {}  # month index -> [activities, by participants, held, co]

    def month_of(value) -> int:
        return _month_index(timezone.localtime(value, tz).date())

    for row in idea_rows:
        counts = months.setdefault(month_of(row["month"]), [0, 0, 0, 0])
        counts[0] += row["total"]
        counts[1] += row["by_participants"]
    for meeting_row in meeting_rows:
        counts = months.setdefault(month_of(meeting_row["month"]), [0, 0, 0, 0])
        counts[2] += meeting_row["total"]
        counts[3] += meeting_row["with_participants"]
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
