"""Retention: which personal data is due to be anonymised, and since when
(docs/privacy.md, "Retention"; docs/decisions.md, decision 64).

The register (privacy/register.py) gives every personal field a retention rule. The rule
`Retention.PERSON` — the data of a participant or candidate — is the one applied here;
RULE_KINDS connects it to the three periods an organisation can set (RetentionPolicy,
blank = DEFAULT_MONTHS). The other rules end elsewhere: sessions, task results and form
tokens by the jobs of stetapp/jobs.py, accounts and records with what they belong to, and
finance after seven years by law (not shortened by an organisation).

- LEFT: everything about a person whose enrolments have all ended, `left_months` after
  the later of their last leaving day and the end of the last grant period that counts
  them (a grant counts a person as the fund report does, reporting/report.py
  `_participants`: an enrolment in one of the grant's groups overlapping its period;
  and, like the report's attendance, a mark at a meeting of those groups in the period).
- NEVER_JOINED: everything about a candidate who never joined (no enrolment),
  `never_joined_months` after the last contact: the record made or changed, the status
  changed, an intake, a mark on trial.
- INTAKE: the intake conversations of a candidate who never joined, `intake_months` after
  the last intake: the person may still be on the waiting list; the notes about their
  situation go first.

**Nothing is anonymised that a grant report still in its period needs**: a person whom a
grant counts whose report is not over yet — its period has not ended, or its report is
not yet due — is not due, whatever the periods say (`_report_end`).

`due_items` is the one selector: the command (apply_retention), the scheduler job and the
organisation page all read it. A fixed number of queries, whatever the number of people.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import Grant
from meetings.models import Attendance
from participants.models import Enrolment, FunnelStatus, Intake, Participant

from .erasure import blank_value, erased_fields
from .models_erasure import Erasure
from .models_retention import RetentionPolicy
from .register import Retention


class Kind(models.TextChoices):
    LEFT = "left", _("people who left")
    NEVER_JOINED = "never_joined", _("people who never joined")
    INTAKE = "intake", _("intake notes of people who never joined")


# The defaults (docs/privacy.md, "Retention"), in months.
DEFAULT_MONTHS: dict[Kind, int] = {Kind.LEFT: 24, Kind.NEVER_JOINED: 6, Kind.INTAKE: 6}

# The register's rules and the periods that apply them (one place: decision 64).
RULE_KINDS: dict[Retention, tuple[Kind, ...]] = {
    Retention.PERSON: (Kind.LEFT, Kind.NEVER_JOINED, Kind.INTAKE),
}

# The RetentionPolicy field of each period.
POLICY_FIELD: dict[Kind, str] = {
    Kind.LEFT: "left_months",
    Kind.NEVER_JOINED: "never_joined_months",
    Kind.INTAKE: "intake_months",
}

# Which data goes, per period (shown on the organisation page and by the command).
SCOPE: dict[Kind, str] = {
    Kind.LEFT: "person",
    Kind.NEVER_JOINED: "person",
    Kind.INTAKE: "intake",
}

# The queries due_items runs, whatever the number of people (pinned by the tests).
DUE_QUERIES = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Periods:
    """One organisation's periods in months, defaults filled in."""

    months: dict[Kind, int]
    # The periods the organisation set itself (the others are defaults).
    own: frozenset[Kind] = frozenset()

    def __getitem__(self, kind: Kind) -> int:
        return self.months[kind]


DEFAULT_PERIODS = Periods(months=dict(DEFAULT_MONTHS))


def periods_of(policy: RetentionPolicy) -> Periods:
    """An organisation's periods: its own where set, else the defaults."""
    months, own = dict(DEFAULT_MONTHS), set()
    for kind, name in POLICY_FIELD.items():
        value = getattr(policy, name)
        if value is not None:
            months[kind] = value
            own.add(kind)
    return Periods(months=months, own=frozenset(own))


def organisation_periods(organisation_ids: Iterable[int]) -> dict[int, Periods]:
    """Each organisation's periods: one query."""
    policies = RetentionPolicy.objects.filter(organisation_id__in=list(organisation_ids))
    found = {p.organisation_id: periods_of(p) for p in policies}
    return defaultdict(lambda: DEFAULT_PERIODS, found)


@dataclass(frozen=True)
class Due:
    """One person's data that is due (or will be): which, and from which day."""

    participant_id: int
    organisation_id: int
    kind: Kind
    due_on: dt.date
    # Shown only to the organisation's project leads (the organisation page).
    name: str

    @property
    def scope(self) -> str:
        return SCOPE[self.kind]


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


@dataclass(frozen=True)
class _GrantSpan:
    group_ids: frozenset[int]
    start: dt.date
    end: dt.date
    report_end: dt.date


def _report_end(period_end: dt.date, report_due: dt.date | None) -> dt.date:
    """The last day a grant's report may still need its people: the end of its period,
    or the day the report is due when that is later."""
    return max(period_end, report_due or period_end)


def _grant_spans(organisation_ids: list[int] | None) -> list[_GrantSpan]:
    """Every grant (of the organisations) with its groups: one query."""
    grants = Grant.objects.all()
    if organisation_ids is not None:
        grants = grants.filter(application__organisation_id__in=organisation_ids)
    rows = grants.values_list(
        "pk", "period_start", "period_end", "report_due", "application__groups"
    ).order_by()
    groups: dict[int, set[int]] = defaultdict(set)
    spans: dict[int, tuple[dt.date, dt.date, dt.date]] = {}
    for pk, start, end, report_due, group_id in rows:
        spans[pk] = (start, end, _report_end(end, report_due))
        if group_id is not None:
            groups[pk].add(group_id)
    return [
        _GrantSpan(frozenset(groups[pk]), start, end, report_end)
        for pk, (start, end, report_end) in spans.items()
        if groups[pk]
    ]


def due_items(
    *,
    today: dt.date | None = None,
    until: dt.date | None = None,
    organisation_ids: Iterable[int] | None = None,
    periods: dict[int, Periods] | None = None,
) -> list[Due]:
    """What is due on `until` (by default `today`): per person and kind, the day it became
    (or becomes) due, earliest first. People a running grant report still counts are
    left out. DUE_QUERIES queries (one less when the caller gives the `periods` of the
    organisations)."""
    today = today or timezone.localdate()
    until = until or today
    org_ids = None if organisation_ids is None else list(organisation_ids)

    # Someone erased (the ledger) is never due again; their intakes and enrolments stay
    # as anonymous rows (privacy/erasure.py).
    people = Participant.objects.exclude(pk__in=Erasure.objects.values("participant_id"))
    if org_ids is not None:
        people = people.filter(group__organisation_id__in=org_ids)
    rows = list(
        people.order_by().values_list(
            "pk",
            "group__organisation_id",
            "full_name",
            "status",
            "created_at",
            "updated_at",
            "status_changed_at",
        )
    )
    # The people as a subquery, not a list of ids: a site-wide run may hold more ids than
    # SQLite takes as parameters.
    ids = people.values("pk")
    if periods is None:
        periods = organisation_periods({row[1] for row in rows})

    enrolments: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for pid, group_id, joined, left in (
        Enrolment.objects.filter(participant_id__in=ids)
        .order_by()
        .values_list("participant_id", "group_id", "joined_on", "left_on")
    ):
        enrolments[pid].append((group_id, joined, left))
    # The last intake, and the last one that still holds notes (not yet anonymised).
    last_intake: dict[int, dt.date] = {}
    last_notes: dict[int, dt.date] = {}
    for pid, last, last_with_notes in (
        Intake.objects.filter(participant_id__in=ids)
        .order_by()
        .values("participant_id")
        .annotate(last=Max("held_on"), notes=Max("held_on", filter=~_intake_anonymised()))
        .values_list("participant_id", "last", "notes")
    ):
        last_intake[pid] = last
        if last_with_notes is not None:
            last_notes[pid] = last_with_notes
    # Marks at meetings (a newcomer on trial, a member): (group, day) per person.
    marks: dict[int, set[tuple[int, dt.date]]] = defaultdict(set)
    for pid, group_id, starts_at in (
        Attendance.objects.filter(participant_id__in=ids)
        .order_by()
        .values_list("participant_id", "meeting__group_id", "meeting__starts_at")
        .distinct()
    ):
        marks[pid].add((group_id, timezone.localdate(starts_at)))
    spans = _grant_spans(org_ids)

    found: list[Due] = []
    for pid, org_id, name, status, created, updated, status_changed in rows:
        own = periods[org_id]
        counted = _counted_by(enrolments[pid], marks[pid], spans)
        if any(span.report_end >= today for span in counted):
            continue  # a report still in its period needs this person
        if enrolments[pid]:
            if any(left is None for _, _, left in enrolments[pid]):
                continue  # still taking part
            anchor = max(left for _, _, left in enrolments[pid] if left is not None)
            anchor = max([anchor, *(span.end for span in counted)])
            _add(found, pid, org_id, name, Kind.LEFT, add_months(anchor, own[Kind.LEFT]), until)
            continue
        if status == FunnelStatus.JOINED:
            continue  # joined, the enrolment is on its way
        contacts = [_day(created), _day(updated), _day(status_changed), last_intake.get(pid)]
        contacts += [day for _, day in marks[pid]]
        last_contact = max(day for day in contacts if day is not None)
        due_on = add_months(last_contact, own[Kind.NEVER_JOINED])
        if _add(found, pid, org_id, name, Kind.NEVER_JOINED, due_on, until):
            continue  # the whole record goes, the intake with it
        if pid in last_notes:
            due_on = add_months(last_notes[pid], own[Kind.INTAKE])
            _add(found, pid, org_id, name, Kind.INTAKE, due_on, until)
    found.sort(key=lambda item: (item.due_on, item.kind, item.participant_id))
    return found


def _intake_anonymised() -> Q:
    """An intake whose notes are gone: every field an erasure blanks is blank (the one
    rule, privacy.erasure.erased_fields)."""
    return Q(**{f.attname: blank_value(f) for f in erased_fields(Intake)})


def _add(
    found: list[Due],
    pid: int,
    org_id: int,
    name: str,
    kind: Kind,
    due_on: dt.date,
    until: dt.date,
) -> bool:
    if due_on > until:
        return False
    found.append(Due(pid, org_id, kind, due_on, name))
    return True


def _counted_by(
    enrolments: list[tuple[int, dt.date, dt.date | None]],
    marks: set[tuple[int, dt.date]],
    spans: list[_GrantSpan],
) -> list[_GrantSpan]:
    """The grants whose report counts this person (reporting/report.py: an enrolment in
    one of the grant's groups overlapping its period, or a mark at a meeting of those
    groups within it)."""
    counted = []
    for span in spans:
        enrolled = any(
            group_id in span.group_ids
            and joined <= span.end
            and (left is None or left >= span.start)
            for group_id, joined, left in enrolments
        )
        marked = any(
            group_id in span.group_ids and span.start <= day <= span.end for group_id, day in marks
        )
        if enrolled or marked:
            counted.append(span)
    return counted


# --- the organisation page -------------------------------------------------------------

# How far ahead the organisation page looks.
PREVIEW_DAYS = 30


@dataclass(frozen=True)
class KindCount:
    kind: Kind
    count: int
    months: int
    own: bool


@dataclass(frozen=True)
class Preview:
    """What the scheduler will anonymise in the organisation within PREVIEW_DAYS."""

    until: dt.date
    items: list[Due]
    counts: list[KindCount]


def retention_preview(*, organisation_id: int, today: dt.date | None = None) -> Preview:
    """The organisation page's section (for its project leads): per period how many
    people, and who, by day. DUE_QUERIES queries. The people shown are
    reported to the access log (privacy/access_log.py), as a page that loads them."""
    from .access_log import saw

    today = today or timezone.localdate()
    until = today + dt.timedelta(days=PREVIEW_DAYS)
    of_organisation = organisation_periods([organisation_id])
    periods = of_organisation[organisation_id]
    items = due_items(
        today=today, until=until, organisation_ids=[organisation_id], periods=of_organisation
    )
    for item in items:
        saw(item.participant_id)
    counts = [
        KindCount(
            kind=kind,
            count=sum(1 for item in items if item.kind == kind),
            months=periods[kind],
            own=kind in periods.own,
        )
        for kind in Kind
    ]
    return Preview(until=until, items=items, counts=counts)
