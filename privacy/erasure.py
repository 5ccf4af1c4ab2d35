"""The erasure of a person (AVG art. 17; docs/privacy.md, "Erasure"; decision 63).

`erase_participants` is the one function that erases: the four-eyes workflow (an approved
`ErasureRequest`), the retention job and `manage.py replay_erasures` all call it. In one
transaction, for each participant:

- every record that is about them (`PLAN`) is anonymised, deleted or kept as it is,
  and *which fields* an anonymised record loses comes from the register of processing
  (`erased_fields`: every personal field except the non-text facts of participation and
  who recorded what), so there is one rule in one place;
- guest marks that carry their name, in their organisation's meetings, lose the name;
- their change history keeps that each change happened, never a value, and their
  access log and history rows name the erasure's anonymous reference (`Erasure.reference`,
  a negative number) instead of the participant's number;
- a ledger row (`privacy.Erasure`: numbers and dates only) records the erasure, so that
  `replay_erasures` can erase them again after a backup is restored.

On PostgreSQL the history and the access log refuse UPDATE and DELETE (migration 0003);
the erasure switches that off for its own transaction only (`stetapp.erasure`), and back
on before it ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import CharField, F, Q, TextField, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone

from groups.access import GROUP_MANAGERS
from groups.roles import Role
from stetapp.access import user_memberships

from .access_log import replace_seen
from .history import acting_as
from .models import Access, Change
from .models_erasure import Erasure, ErasureRequest, RequestStatus
from .register import REGISTER, Category


class Treatment(StrEnum):
    ANONYMISE = "anonymise"  # the row stays; `erased_fields` are blanked
    DELETE = "delete"  # the row goes
    KEEP = "keep"  # the row stays as it is: it only links to the anonymised record
    SCORES = "scores"  # questionnaire answers: kept (linked to the anonymised record) or gone


# Every record that links to a participant, by the field that links it, and what the
# erasure does with it. tests/privacy/test_erasure.py fails when a model gains a link to
# a participant that is not here.
PLAN: dict[str, tuple[str, Treatment]] = {
    "participants.Participant": ("pk", Treatment.ANONYMISE),
    "participants.Consent": ("participant", Treatment.DELETE),
    "participants.Intake": ("participant", Treatment.ANONYMISE),
    "participants.Enrolment": ("participant", Treatment.ANONYMISE),
    "meetings.Attendance": ("participant", Treatment.ANONYMISE),
    "meetings.AttendanceTap": ("participant", Treatment.ANONYMISE),
    "meetings.FollowUpCall": ("participant", Treatment.ANONYMISE),
    "reporting.Story": ("storyteller", Treatment.ANONYMISE),
    "reporting.Administration": ("participant", Treatment.SCORES),
    "meetings.Idea": ("proposed_by", Treatment.KEEP),
    "meetings.Idea.organisers": ("organisers", Treatment.KEEP),
    "meetings.Meeting.organisers": ("organisers", Treatment.KEEP),
    # Who brought someone: a link between two participant records, kept.
    "participants.Participant.referred_by": ("referred_by", Treatment.KEEP),
    "privacy.ErasureRequest": ("participant", Treatment.KEEP),
}

# What an anonymised record keeps of its personal fields: the facts of participation
# (group, enrolment dates, marks, statuses, outcomes) so that counts and reports already
# sent stay true, and who recorded what (staff, not the participant) — never free text.
KEPT_CATEGORIES = frozenset({Category.PARTICIPATION, Category.TRAIL})

# The records whose guest marks can carry a participant's name (a newcomer who came as a
# guest before joining).
GUEST_MODELS = ("meetings.Attendance", "meetings.AttendanceTap")
# What a guest mark's name becomes (a mark needs a name or a participant).
ERASED_GUEST = "—"


def _free_text(model_field: models.Field) -> bool:
    return isinstance(model_field, CharField | TextField) and not model_field.choices


def erased_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an erasure blanks in a record of `model`: its personal fields (the
    register's declarations), except the non-text facts of participation and the trail
    of who recorded what."""
    declared = REGISTER[model._meta.label]
    result = []
    for name, personal in declared.personal.items():
        model_field = model._meta.get_field(name)
        if not isinstance(model_field, models.Field) or model_field.many_to_many:
            continue
        if personal.category in KEPT_CATEGORIES and not _free_text(model_field):
            continue
        result.append(model_field)
    return result


def blank_value(model_field: models.Field) -> Any:
    """What an erased field holds: nothing, its default, or empty text."""
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    if isinstance(model_field, CharField | TextField):
        return ""
    raise ImproperlyConfigured(f"{model_field} has no empty value to erase to")


def _blanks(model: type[models.Model]) -> dict[str, Any]:
    values: dict[str, Any] = {f.attname: blank_value(f) for f in erased_fields(model)}
    if model._meta.label == "participants.Participant":
        # The record stays (its marks and enrolments count); its name becomes its number.
        values["full_name"] = Concat(Value("#"), Cast(F("pk"), output_field=CharField()))
    return values


@dataclass
class ErasureResult:
    """What `erase_participants` did."""

    erased: list[int] = field(default_factory=list)  # participant numbers erased now
    missing: list[int] = field(default_factory=list)  # numbers of no participant
    # participant number -> the anonymous reference its log rows carry now
    references: dict[int, int] = field(default_factory=dict)
    # record type -> rows anonymised or deleted, over all participants
    rows: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, n: int) -> None:
        if n:
            self.rows[label] = self.rows.get(label, 0) + n


def _allow_log_changes(on: bool) -> None:
    """Let this transaction change the append-only logs (PostgreSQL's trigger reads
    `stetapp.erasure`; migration 0003). Local to the transaction, and switched off again
    by the erasure itself so nothing after it in the same transaction profits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('stetapp.erasure', %s, true)", ["on" if on else "off"]
            )


def erase_participants(
    *,
    participant_ids: Sequence[int],
    reason: str,
    actor_id: int | None,
    keep_scores: bool,
    request_id: int | None = None,
) -> ErasureResult:
    """Erase the personal data of these participants, in one transaction.

    `reason` is a short code kept in the ledger ("request", "retention"), never free
    text. `keep_scores`: questionnaire answers stay, linked to the anonymised record,
    as anonymous scores; otherwise they are deleted. Erasing a participant erased before
    does it again with the same ledger row (idempotent): that is how `replay_erasures`
    works after a backup is restored."""
    result = ErasureResult()
    wanted = sorted(set(participant_ids))
    participant_model = apps.get_model("participants", "Participant")
    with transaction.atomic(), acting_as(actor_id):
        found = set(
            participant_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True)
        )
        result.missing = [pid for pid in wanted if pid not in found]
        _allow_log_changes(True)
        for pid in sorted(found):
            entry, _created = Erasure.objects.get_or_create(
                participant_id=pid,
                defaults={
                    "actor_id": actor_id,
                    "request_id": request_id,
                    "reason": reason[:40],
                    "keep_scores": keep_scores,
                },
            )
            _erase_one(pid, reference=entry.reference, keep_scores=entry.keep_scores, result=result)
            result.erased.append(pid)
            result.references[pid] = entry.reference
        _allow_log_changes(False)
    replace_seen(result.references)
    return result


def _erase_one(pid: int, *, reference: int, keep_scores: bool, result: ErasureResult) -> None:
    touched: dict[str, list[Any]] = {}
    participant_model = apps.get_model("participants", "Participant")
    person = (
        participant_model._base_manager.filter(pk=pid)
        .values("full_name", "group__organisation_id")
        .get()
    )
    # Guest marks with their name, in their organisation's meetings.
    name = (person["full_name"] or "").strip().lower()
    if name and not name.startswith("#"):
        for label in GUEST_MODELS:
            model = apps.get_model(label)
            guests = model._base_manager.annotate(lowered=Lower("guest_name")).filter(
                participant__isnull=True,
                lowered=name,
                meeting__group__organisation_id=person["group__organisation_id"],
            )
            pks = list(guests.values_list("pk", flat=True))
            if pks:
                touched[label] = pks
                result.count(
                    label,
                    model._default_manager.filter(pk__in=pks).update(guest_name=ERASED_GUEST),
                )
    for label, (link, treatment) in PLAN.items():
        if treatment is Treatment.KEEP:
            continue
        model = apps.get_model(label)
        rows = model._base_manager.filter(**{link: pid})
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        touched[label] = touched.get(label, []) + pks
        rows = model._default_manager.filter(pk__in=pks)
        if treatment is Treatment.DELETE or (treatment is Treatment.SCORES and not keep_scores):
            rows.delete()
            result.count(label, len(pks))
        elif treatment is Treatment.ANONYMISE:
            result.count(label, rows.update(**_blanks(model)))
    _erase_logs(pid, reference=reference, touched=touched)


def _erase_logs(pid: int, *, reference: int, touched: dict[str, list[Any]]) -> None:
    """The history keeps that each change happened, never a value; the history and the
    access log name the anonymous reference instead of the participant; the admin's
    own log forgets the records' names."""
    about = Q(participant_id=pid)
    for label, pks in touched.items():
        about |= Q(model=label, object_id__in=[str(pk) for pk in pks])
    changes = list(Change.objects.filter(about))
    for change in changes:
        change.fields = dict.fromkeys(change.fields or {})
        if change.participant_id == pid:
            change.participant_id = reference
    Change.objects.bulk_update(changes, ["fields", "participant_id"], batch_size=500)
    Access.objects.filter(participant_id=pid).update(participant_id=reference, target="")
    for label, pks in touched.items():
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks]
        ).update(object_repr=Concat(Value("#"), F("object_id")), change_message="")


# --- the four-eyes workflow ------------------------------------------------------------


# Who may approve an erasure in an organisation: its project leads and its privacy
# officer (decision 61), never the person who recorded the request.
APPROVER_ROLES = frozenset({Role.PROJECT_LEAD, Role.PRIVACY_OFFICER})


def _organisations_where(user: Any, roles: frozenset[str]) -> set[int]:
    """The organisations in which the user holds one of `roles` (from the memberships
    the access rule loaded for this request: no query)."""
    return {
        held.scope_id
        for held in user_memberships(user)
        if held.role in roles and held.scope_kind == "organisation" and held.scope_id
    }


def groups_still_member_of(participant: Any) -> list[str]:
    """The groups this participant is still enrolled in (today or later): an erasure
    keeps those enrolments as they are, so the anonymous record stays on the group's
    attendance sheets until someone records the leaving. The erasure pages say so."""
    enrolment_model = apps.get_model("participants", "Enrolment")
    today = timezone.localdate()
    return list(
        enrolment_model._base_manager.filter(participant_id=participant.pk)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .order_by("group__name")
        .values_list("group__name", flat=True)
    )


def is_erased(participant: Any) -> bool:
    """Is this the anonymous record an erasure left (named by its own number)?"""
    return bool(participant.full_name == f"#{participant.pk}")


def may_request(user: Any, participant: Any) -> bool:
    """Who may record an erasure request: a project lead of the participant's
    organisation (the managers of groups.access, who see the full participant record),
    while there is something left to erase."""
    lead_of = _organisations_where(user, frozenset(GROUP_MANAGERS))
    return participant.group.organisation_id in lead_of and not is_erased(participant)


def approver_organisations(user: Any) -> set[int]:
    """The organisations whose erasure requests the user may decide (see may_approve)."""
    return _organisations_where(user, APPROVER_ROLES)


def may_approve(user: Any, request: ErasureRequest) -> bool:
    """Who may approve (or reject) a request: a person other than the one who recorded
    it, who is a project lead or the privacy officer of the participant's organisation.
    The one place that decides it."""
    if not user.is_authenticated or request.requested_by_id == user.pk:
        return False
    return request.participant.group.organisation_id in approver_organisations(user)


class AlreadyDecided(Exception):
    """The request was approved or rejected meanwhile (a second click, a colleague)."""


def request_record(
    *,
    participant: Any,
    received_on: dt.date,
    channel: str,
    scope: str,
    requested_by: Any,
) -> ErasureRequest:
    """Record a request; the one already waiting for this participant when there is
    one (a form sent twice, two leads at once)."""
    with transaction.atomic():
        existing = ErasureRequest.objects.pending().filter(participant=participant).first()
        if existing is not None:
            return existing
        return ErasureRequest.objects.create(
            participant=participant,
            received_on=received_on,
            channel=channel,
            scope=scope,
            requested_by=requested_by,
        )


def request_approve(*, request: ErasureRequest, approved_by: Any) -> ErasureResult:
    """Approve a waiting request and carry the erasure out, in one transaction.
    AlreadyDecided when it is not waiting any more."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            ErasureRequest.objects.pending()
            .filter(pk=request.pk)
            .update(
                status=RequestStatus.CARRIED_OUT,
                decided_by=approved_by,
                decided_at=now,
                carried_out_at=now,
            )
        )
        if not claimed:
            raise AlreadyDecided
        return erase_participants(
            participant_ids=[request.participant_id],
            reason="request",
            actor_id=approved_by.pk,
            keep_scores=request.keep_scores,
            request_id=request.pk,
        )


def request_reject(*, request: ErasureRequest, rejected_by: Any) -> None:
    claimed = (
        ErasureRequest.objects.pending()
        .filter(pk=request.pk)
        .update(status=RequestStatus.REJECTED, decided_by=rejected_by, decided_at=timezone.now())
    )
    if not claimed:
        raise AlreadyDecided


# --- the ledger after a restore ----------------------------------------------------------

LEDGER_FIELDS = ("id", "participant_id", "erased_at", "actor_id", "request_id", "reason")


def ledger_lines() -> list[dict[str, Any]]:
    """The ledger as plain values (numbers, dates, codes): what `replay_erasures
    --export` writes, to be kept outside the database and its backups."""
    return [
        {**row, "erased_at": row["erased_at"].isoformat()}
        for row in Erasure.objects.order_by("pk").values(*LEDGER_FIELDS, "keep_scores")
    ]


@dataclass
class Replay:
    """What `replay_ledger` did."""

    restored_entries: int = 0  # ledger rows put back from the file
    erased_again: list[int] = field(default_factory=list)  # still had personal data
    already_erased: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # not in the database at all


def _still_there(pid: int) -> bool:
    participant_model = apps.get_model("participants", "Participant")
    name = participant_model._base_manager.filter(pk=pid).values_list("full_name", flat=True)
    return (
        name.first() != f"#{pid}"
        or Change.objects.filter(participant_id=pid).exists()
        or Access.objects.filter(participant_id=pid).exists()
    )


def replay_ledger(*, lines: Sequence[dict[str, Any]] = ()) -> Replay:
    """Erase again everyone in the ledger (after a backup is restored). `lines` (from a
    copy of the ledger kept outside the database) put back the ledger rows the restored
    database lacks, under their own numbers where those are free, so the anonymous
    references stay the same. Running it twice changes nothing the second time."""
    report = Replay()
    participant_model = apps.get_model("participants", "Participant")
    with transaction.atomic():
        known = set(Erasure.objects.values_list("participant_id", flat=True))
        taken = set(Erasure.objects.values_list("pk", flat=True))
        for line in lines:
            if line["participant_id"] in known:
                continue
            values = {
                "participant_id": line["participant_id"],
                "erased_at": dt.datetime.fromisoformat(line["erased_at"]),
                "actor_id": line.get("actor_id"),
                "request_id": line.get("request_id"),
                "reason": line.get("reason", ""),
                "keep_scores": bool(line.get("keep_scores")),
            }
            pk = line.get("id") if line.get("id") not in taken else None
            Erasure.objects.create(pk=pk, **values)
            known.add(line["participant_id"])
            report.restored_entries += 1
        present = set(
            participant_model._base_manager.filter(pk__in=known).values_list("pk", flat=True)
        )
        for entry in Erasure.objects.order_by("pk"):
            pid = entry.participant_id
            if pid not in present:
                report.missing.append(pid)
            elif _still_there(pid):
                erase_participants(
                    participant_ids=[pid],
                    reason=entry.reason,
                    actor_id=entry.actor_id,
                    keep_scores=entry.keep_scores,
                )
                report.erased_again.append(pid)
            else:
                report.already_erased.append(pid)
    return report


# --- retention: the intake conversations only ----------------------------------------------


def erase_intakes(*, participant_ids: Sequence[int], actor_id: int | None) -> ErasureResult:
    """Anonymise only the intake conversations of these participants, for the retention
    of intake notes of people who never joined (privacy/retention.py, decision 64): the
    person stays. An intake loses the same fields as in a full erasure (`erased_fields`),
    and its change history keeps that each change happened, never a value. No ledger
    row: the ledger means "this person is erased"; after a restore, the next retention
    run anonymises the notes again (they are due by their dates)."""
    result = ErasureResult()
    intake = apps.get_model("participants", "Intake")
    with transaction.atomic(), acting_as(actor_id):
        pks = list(
            intake._base_manager.filter(participant_id__in=list(participant_ids)).values_list(
                "pk", flat=True
            )
        )
        if pks:
            _allow_log_changes(True)
            rows = intake._default_manager.filter(pk__in=pks)
            result.count(intake._meta.label, rows.update(**_blanks(intake)))
            # The update above wrote its own history row: masked with the earlier ones.
            changes = list(
                Change.objects.filter(model=intake._meta.label, object_id__in=map(str, pks))
            )
            for change in changes:
                change.fields = dict.fromkeys(change.fields or {})
            Change.objects.bulk_update(changes, ["fields"], batch_size=500)
            _allow_log_changes(False)
        result.erased = sorted(
            set(intake._base_manager.filter(pk__in=pks).values_list("participant_id", flat=True))
        )
    return result
