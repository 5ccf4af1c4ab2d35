"""Writes for the participant records (views_records.py): profiles, status, consent,
intakes and enrolments; the import (importers.py) creates through them too. Every
function validates, writes atomically, and raises ValidationError with field errors for
bad input (ConflictError for a stale edit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import Group
from stetapp.services import UNSET, Unset, given, model_update

from .models import (
    SENSITIVE_FIELD_PURPOSE,
    Channel,
    Consent,
    Enrolment,
    FunnelStatus,
    Gender,
    GroupFit,
    Intake,
    Participant,
    SocialService,
)

if TYPE_CHECKING:
    from stetapp.models import User

# The record's fields, in the order the form shows them (forms_records.ParticipantForm);
# participant_update takes each of them, participant_create too (with the status).
PROFILE_FIELDS = (
    "full_name",
    "group",
    "phone",
    "address",
    "postcode",
    "birth_year",
    "gender",
    "country_of_origin",
    "community",
    "languages",
    "preferred_language",
    "needs_dutch_support",
    "lives_alone",
    "widowed",
    "interests",
    "channel",
    "channel_detail",
    "referred_by",
    # Special-category data: kept only while its consent is active (SENSITIVE_FIELD_PURPOSE).
    "religion",
    "health_notes",
    "confidential_notes",
)


class ConflictError(Exception):
    """The record changed since the editor loaded it; nothing was saved."""


def _normalise_postcode(value: str) -> str:
    value = (value or "").strip().upper().replace(" ", "")
    return f"{value[:4]} {value[4:]}" if len(value) == 6 else value


def active_purposes(participant: Participant) -> set[str]:
    """The purposes with an active consent (one query; use the prefetched
    `consents` when the caller loaded them)."""
    return {c.purpose for c in participant.consents.all() if c.withdrawn_at is None}


def _check_sensitive(
    participant: Participant, purposes: set[str], data: Mapping[str, Any] | None = None
) -> None:
    """Religion and health notes are kept only while their consent is active: checks the
    record as it is, or as it would be with `data` set."""
    data = data or {}
    errors = {}
    for field, purpose in SENSITIVE_FIELD_PURPOSE.items():
        if data.get(field, getattr(participant, field)) and purpose not in purposes:
            errors[field] = _("Record the person's consent for this first.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def participant_create(
    *,
    group: Group,
    full_name: str,
    created_by: User | None,
    status: str = FunnelStatus.CONTACTED,
    phone: str = "",
    address: str = "",
    postcode: str = "",
    birth_year: int | None = None,
    gender: str = Gender.UNKNOWN,
    country_of_origin: str = "",
    community: str = "",
    languages: Iterable[str] = (),
    preferred_language: str = "",
    needs_dutch_support: bool = False,
    lives_alone: bool | None = None,
    widowed: bool | None = None,
    interests: str = "",
    religion: str = "",
    health_notes: str = "",
    confidential_notes: str = "",
    channel: str = Channel.OTHER,
    channel_detail: str = "",
    referred_by: Participant | None = None,
) -> Participant:
    """Register a candidate for a group, at a funnel status (contacted by default).
    Religion and health notes cannot be given yet: they need a recorded consent first."""
    participant = Participant(
        group=group,
        full_name=full_name.strip(),
        created_by=created_by,
        status=status,
        phone=phone,
        address=address,
        postcode=_normalise_postcode(postcode),
        birth_year=birth_year,
        gender=gender,
        country_of_origin=country_of_origin,
        community=community,
        languages=list(languages),
        preferred_language=preferred_language,
        needs_dutch_support=needs_dutch_support,
        lives_alone=lives_alone,
        widowed=widowed,
        interests=interests,
        religion=religion,
        health_notes=health_notes,
        confidential_notes=confidential_notes,
        channel=channel,
        channel_detail=channel_detail,
        referred_by=referred_by,
    )
    participant.full_clean()
    _check_sensitive(participant, set())
    participant.save()
    return participant


def _raised(by: User | None) -> dict[str, Any]:
    """The columns every write that raises a participant's version sets with it: who and
    when, named when someone's stale save is refused (docs/decisions.md 46)."""
    return {"version": F("version") + 1, "updated_by": by, "updated_at": timezone.now()}


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    by: User,
    version: int,
    full_name: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    address: str | Unset = UNSET,
    postcode: str | Unset = UNSET,
    birth_year: int | None | Unset = UNSET,
    gender: str | Unset = UNSET,
    country_of_origin: str | Unset = UNSET,
    community: str | Unset = UNSET,
    languages: Iterable[str] | Unset = UNSET,
    preferred_language: str | Unset = UNSET,
    needs_dutch_support: bool | Unset = UNSET,
    lives_alone: bool | None | Unset = UNSET,
    widowed: bool | None | Unset = UNSET,
    interests: str | Unset = UNSET,
    religion: str | Unset = UNSET,
    health_notes: str | Unset = UNSET,
    confidential_notes: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    channel_detail: str | Unset = UNSET,
    referred_by: Participant | None | Unset = UNSET,
    group: Group | Unset = UNSET,
) -> Participant:
    """Change a participant's record (PROFILE_FIELDS) if nobody else changed it since
    `version`; `by` is who changes it.

    The row is locked, the version compared and raised by one; a stale version raises
    ConflictError and saves nothing. Only the fields given are set, and only changed
    fields are written (stetapp.services.model_update).
    """
    current = Participant.objects.select_for_update().select_related("group").get(pk=participant.pk)
    if current.version != version:
        raise ConflictError
    if postcode is not UNSET:
        postcode = _normalise_postcode(postcode)
    if languages is not UNSET:
        languages = list(languages)
    data = given(
        full_name=full_name,
        phone=phone,
        address=address,
        postcode=postcode,
        birth_year=birth_year,
        gender=gender,
        country_of_origin=country_of_origin,
        community=community,
        languages=languages,
        preferred_language=preferred_language,
        needs_dutch_support=needs_dutch_support,
        lives_alone=lives_alone,
        widowed=widowed,
        interests=interests,
        religion=religion,
        health_notes=health_notes,
        confidential_notes=confidential_notes,
        channel=channel,
        channel_detail=channel_detail,
        referred_by=referred_by,
        group=group,
    )
    if isinstance(group, Group) and group.organisation_id != current.group.organisation_id:
        raise ValidationError({"group": _("Choose a group of the same organisation.")})
    _check_sensitive(current, active_purposes(current), data)
    current, changed = model_update(instance=current, fields=PROFILE_FIELDS, data=data)
    if changed:
        Participant.objects.filter(pk=current.pk).update(**_raised(by))
        current.refresh_from_db()
    return current


def status_moment(day: dt.date | None) -> dt.datetime:
    """When a status changed, for a change known by its day (an intake, joining a group):
    noon of that day in local time; without a day, now."""
    now = timezone.now()
    if day is None:
        return now
    return min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(12))))


@transaction.atomic
def participant_set_status(
    *, participant: Participant, status: str, by: User | None, on: dt.date | None = None
) -> Participant:
    """Move a candidate through the recruitment funnel. "Status since" is the moment of
    the last real change: choosing the status a person already has changes nothing.
    `on`: the day the change happened, when that was not today (an intake recorded
    afterwards). `by`: who changes it (None: no person, e.g. a command)."""
    if status not in FunnelStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    Participant.objects.filter(pk=participant.pk).exclude(status=status).update(
        status=status, status_changed_at=status_moment(on), **_raised(by)
    )
    participant.refresh_from_db()
    return participant


@transaction.atomic
def consent_record(
    *,
    participant: Participant,
    purpose: str,
    method: str,
    language: str,
    info_version: str,
    recorded_by: User,
    given_on: dt.date | None = None,
) -> Consent:
    """Record a consent. Raises ValidationError when one is already active for the
    purpose (withdraw it first to record a new one)."""
    consent = Consent(
        participant=participant,
        purpose=purpose,
        method=method,
        language=language,
        info_version=info_version.strip(),
        recorded_by=recorded_by,
        given_on=given_on or timezone.localdate(),
    )
    consent.full_clean(validate_constraints=False)
    if consent.given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        raise ValidationError(
            {
                "purpose": _(
                    "This consent is already recorded. Withdraw it first to record it again."
                )
            }
        ) from None
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_by: User) -> Consent:
    """Withdraw a consent. It takes effect at once: every page and report reads consent
    live. Withdrawing the consent for religion or health notes erases that field."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = withdrawn_by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    erase = [
        field for field, purpose in SENSITIVE_FIELD_PURPOSE.items() if purpose == consent.purpose
    ]
    if erase:
        Participant.objects.filter(pk=consent.participant_id).update(
            **dict.fromkeys(erase, ""), **_raised(withdrawn_by)
        )
    return consent


INTAKE_FIELDS = (
    "held_on",
    "location",
    "situation",
    "wishes",
    "practical_needs",
    "group_fits",
    "next_step",
)


@transaction.atomic
def intake_record(
    *,
    participant: Participant,
    conducted_by: User,
    held_on: dt.date,
    location: str,
    situation: str = "",
    wishes: str = "",
    practical_needs: str = "",
    group_fits: str = GroupFit.UNSURE,
    next_step: str = "",
) -> Intake:
    """Record an intake conversation; a candidate who was contacted or had an intake
    planned moves on to "intake done"."""
    intake = Intake(
        participant=participant,
        conducted_by=conducted_by,
        held_on=held_on,
        location=location,
        situation=situation,
        wishes=wishes,
        practical_needs=practical_needs,
        group_fits=group_fits,
        next_step=next_step,
    )
    intake.full_clean()
    if intake.held_on > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"held_on": _("Record an intake after it took place.")})
    intake.save()
    if participant.status in (FunnelStatus.CONTACTED, FunnelStatus.INTAKE_PLANNED):
        participant_set_status(
            participant=participant,
            status=FunnelStatus.INTAKE_DONE,
            by=conducted_by,
            on=intake.held_on,
        )
    return intake


@transaction.atomic
def participant_enrol(
    *, participant: Participant, group: Group, by: User | None, joined_on: dt.date | None = None
) -> Enrolment:
    """Enrol a participant in a group of the same organisation; their status becomes
    "joined" and the group becomes their group."""
    if group.organisation_id != participant.group.organisation_id:
        raise ValidationError({"group": _("Choose a group of the same organisation.")})
    enrolment = Enrolment(
        participant=participant, group=group, joined_on=joined_on or timezone.localdate()
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError({"group": _("This person is already in this group.")}) from None
    Participant.objects.filter(pk=participant.pk).update(group=group, **_raised(by))
    # Joining is a status change only for someone who had not joined yet (not for a
    # second group); it happened on the day they joined.
    Participant.objects.filter(pk=participant.pk).exclude(status=FunnelStatus.JOINED).update(
        status=FunnelStatus.JOINED, status_changed_at=status_moment(enrolment.joined_on)
    )
    participant.refresh_from_db()
    return enrolment


@transaction.atomic
def enrolment_leave(
    *,
    enrolment: Enrolment,
    left_on: dt.date,
    reason: str,
    notes: str = "",
    referred_to: SocialService | None = None,
) -> Enrolment:
    """Record that someone left a group. The enrolment stays (history); counts for any
    period remain true."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.left_on is not None:
        raise ValidationError(_("This person already left the group."))
    if referred_to is not None and referred_to.organisation_id != enrolment.group.organisation_id:
        raise ValidationError({"referred_to": _("Choose from your organisation's social map.")})
    enrolment.left_on = left_on
    enrolment.leave_reason = reason
    enrolment.leave_notes = notes.strip()
    enrolment.referred_to = referred_to
    enrolment.full_clean(validate_constraints=False)
    enrolment.save(update_fields=["left_on", "leave_reason", "leave_notes", "referred_to"])
    return enrolment
