"""Writes for groups: each function validates, saves atomically and sends mail on commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from stetapp.security_log import log_event
from stetapp.services import UNSET, Unset, given, model_update

from .models import (
    City,
    Group,
    Membership,
    Organisation,
    Programme,
    Role,
    Venue,
)
from .roles import GROUP_STAFF, ROLE_SCOPE

User = get_user_model()

GROUP_FIELDS = (
    "organisation",
    "name",
    "city",
    "community",
    "composition",
    "languages",
    "is_diverse",
    "target_size",
    "status",
    "start_date",
    "end_date",
    "venue",
)
# A group stays with its organisation: the edit form and group_update leave it out.
GROUP_UPDATE_FIELDS = tuple(name for name in GROUP_FIELDS if name != "organisation")
VENUE_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "closed_room",
    "separate_rooms",
    "capacity",
    "step_free",
    "notes",
)
ORGANISATION_FIELDS = ("name", "city", "kvk_number", "school_region")
PROGRAMME_FIELDS = ("name", "description")


def _normalise_community(value: str) -> str:
    return " ".join((value or "").split())


@transaction.atomic
def group_create(
    *,
    organisation: Organisation,
    name: str,
    city,
    community: str,
    composition: str,
    status: str,
    languages=(),
    is_diverse: bool = False,
    target_size: int = 15,
    start_date=None,
    end_date=None,
    venue: Venue | None = None,
) -> Group:
    """Create a group. Raises ValidationError (with field errors) on invalid data,
    including a duplicate name within the organisation."""
    group = Group(
        organisation=organisation,
        name=name.strip(),
        city=city,
        community=_normalise_community(community),
        composition=composition,
        status=status,
        languages=list(languages),
        is_diverse=is_diverse,
        target_size=target_size,
        start_date=start_date,
        end_date=end_date,
        venue=venue,
    )
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_update(
    *,
    group: Group,
    name: str | Unset = UNSET,
    city: City | Unset = UNSET,
    community: str | Unset = UNSET,
    composition: str | Unset = UNSET,
    languages: Iterable[str] | Unset = UNSET,
    is_diverse: bool | Unset = UNSET,
    target_size: int | Unset = UNSET,
    status: str | Unset = UNSET,
    start_date: dt.date | None | Unset = UNSET,
    end_date: dt.date | None | Unset = UNSET,
    venue: Venue | None | Unset = UNSET,
) -> Group:
    """Change a group's settings (GROUP_UPDATE_FIELDS); only the fields given are
    written, and only if they changed (stetapp.services.model_update)."""
    if community is not UNSET:
        community = _normalise_community(community)
    if languages is not UNSET:
        languages = list(languages)
    data = given(
        name=name,
        city=city,
        community=community,
        composition=composition,
        languages=languages,
        is_diverse=is_diverse,
        target_size=target_size,
        status=status,
        start_date=start_date,
        end_date=end_date,
        venue=venue,
    )
    group, _changed = model_update(instance=group, fields=GROUP_UPDATE_FIELDS, data=data)
    return group


@transaction.atomic
def venue_create(
    *,
    organisation: Organisation,
    name: str,
    address: str,
    city: City,
    postcode: str = "",
    closed_room: bool = False,
    separate_rooms: bool = False,
    capacity: int | None = None,
    step_free: bool = False,
    notes: str = "",
) -> Venue:
    venue = Venue(
        organisation=organisation,
        name=name,
        address=address,
        postcode=postcode,
        city=city,
        closed_room=closed_room,
        separate_rooms=separate_rooms,
        capacity=capacity,
        step_free=step_free,
        notes=notes,
    )
    venue.full_clean()
    venue.save()
    return venue


@transaction.atomic
def venue_update(
    *,
    venue: Venue,
    name: str | Unset = UNSET,
    address: str | Unset = UNSET,
    postcode: str | Unset = UNSET,
    city: City | Unset = UNSET,
    closed_room: bool | Unset = UNSET,
    separate_rooms: bool | Unset = UNSET,
    capacity: int | None | Unset = UNSET,
    step_free: bool | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> Venue:
    """Change the VENUE_FIELDS given; writes only what changed."""
    data = given(
        name=name,
        address=address,
        postcode=postcode,
        city=city,
        closed_room=closed_room,
        separate_rooms=separate_rooms,
        capacity=capacity,
        step_free=step_free,
        notes=notes,
    )
    venue, _changed = model_update(instance=venue, fields=VENUE_FIELDS, data=data)
    return venue


@transaction.atomic
def programme_create(*, name: str, description: str = "") -> Programme:
    """A new programme (by a site administrator), without organisations or people yet.
    Raises ValidationError on a name already in use."""
    programme = Programme(name=name.strip(), description=description.strip())
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def organisation_create(
    *,
    name: str,
    city,
    kvk_number: str = "",
    school_region: str = "Midden",
    programme: Programme | None = None,
) -> Organisation:
    organisation = Organisation(
        name=name.strip(), city=city, kvk_number=kvk_number, school_region=school_region
    )
    organisation.full_clean()
    organisation.save()
    if programme is not None:
        programme.organisations.add(organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    name: str | Unset = UNSET,
    city: City | Unset = UNSET,
    kvk_number: str | Unset = UNSET,
    school_region: str | Unset = UNSET,
) -> Organisation:
    """Change an organisation's name, city, KvK number or school holiday region
    (ORGANISATION_FIELDS); writes only what changed."""
    data = given(name=name, city=city, kvk_number=kvk_number, school_region=school_region)
    organisation, _changed = model_update(
        instance=organisation, fields=ORGANISATION_FIELDS, data=data
    )
    return organisation


def organisation_set_logo(*, organisation: Organisation, upload, remove: bool) -> None:
    """Store a new logo (checked by OrganisationForm.clean_logo: PNG or JPEG by content,
    at most 1 MB) in private storage under a random name, or remove the current one; the
    replaced file is deleted."""
    old = organisation.logo.name
    if upload:
        organisation.logo.save(f"logo{upload.logo_extension}", upload, save=False)
    elif remove and old:
        organisation.logo = ""
    else:
        return
    organisation.save(update_fields=["logo"])
    if old and old != organisation.logo.name:
        organisation.logo.storage.delete(old)


def _scope_kwargs(role: str, scope) -> dict:
    expected = ROLE_SCOPE[Role(role)]
    kind = {Programme: "programme", Organisation: "organisation", Group: "group"}.get(type(scope))
    if kind is None and scope.__class__.__name__ == "Fund":
        kind = "fund"
    if kind != expected:
        raise ValidationError(_("This role cannot be given for that scope."))
    return {expected: scope}


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token (valid PASSWORD_RESET_TIMEOUT, single use because
    setting the password changes the hash it is built on) but with its own salt, so a
    reset link cannot be used as an invitation link or the other way round."""

    key_salt = "stetapp.groups.invitation"


invitation_token_generator = InvitationTokenGenerator()


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return reverse("invitation_accept", kwargs={"uidb64": uid, "token": token})


def _send_invitation(*, user, membership: Membership, invited_by, base_url: str) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = {
            "user": user,
            "membership": membership,
            "role": membership.get_role_display(),
            "scope": str(membership.scope),
            "invited_by": invited_by.get_full_name() if invited_by else "",
            "link": base_url
            + (invitation_link(user) if user.invitation_pending else reverse("account_login")),
            "pending": user.invitation_pending,
        }
        subject = render_to_string("groups/email/invitation_subject.txt", ctx).strip()
        body = render_to_string("groups/email/invitation_body.txt", ctx)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def member_invite(
    *, email: str, full_name: str, role: str, scope, invited_by, base_url: str
) -> Membership:
    """Give someone a role, creating their account if needed, and e-mail them.

    A new account has no password: the e-mail holds a link to set one (valid for
    PASSWORD_RESET_TIMEOUT). Someone who already has an account gets a notice instead.
    Raises ValidationError if the person already holds this role in this scope, or if the
    role does not fit the scope.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    scope_kwargs = _scope_kwargs(role, scope)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            full_name=full_name.strip(),
            language=getattr(invited_by, "language", settings.LANGUAGE_CODE),
        )
    elif not user.full_name and full_name.strip():
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
    if (
        role in GROUP_STAFF
        and Membership.objects.filter(user=user, group=scope_kwargs["group"]).exists()
    ):
        raise ValidationError(_("This person already has a role in this group."))
    membership = Membership(user=user, role=role, invited_by=invited_by, **scope_kwargs)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError(_("This person already has this role here.")) from None
    transaction.on_commit(
        lambda: _send_invitation(
            user=user, membership=membership, invited_by=invited_by, base_url=base_url
        )
    )
    # Logged at the change: the atomic block of this service is the outermost one (no
    # ATOMIC_REQUESTS) and nothing after the save can fail.
    log_event("role.granted", user=invited_by, **role_fields(membership))
    return membership


def invitation_resend(*, membership: Membership, invited_by, base_url: str) -> None:
    _send_invitation(
        user=membership.user, membership=membership, invited_by=invited_by, base_url=base_url
    )


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Remove a role. Access ends on the person's next request (roles are read per
    request)."""
    fields = role_fields(membership)
    membership.delete()
    log_event("role.revoked", **fields)


def role_fields(membership: Membership) -> dict:
    """What the security log records of a role change: ids and codes only (also used by
    the admin's membership pages)."""
    scope = next(
        (
            name
            for name in ("programme", "organisation", "group", "fund")
            if getattr(membership, f"{name}_id", None)
        ),
        None,
    )
    return {
        "membership_id": membership.pk,
        "subject_user_id": membership.user_id,
        "role": membership.role,
        "scope": scope,
        "scope_id": getattr(membership, f"{scope}_id") if scope else None,
    }


# How a project lead checked that the person asking for a second-factor reset is who they
# say they are. Codes only: the log entry must not hold free text (no personal data).
IDENTITY_CHECKS = ("in_person", "video_call", "phone_known_number")


@transaction.atomic
def second_factor_reset(*, membership: Membership, reset_by, how_checked: str) -> int:
    """Remove every second factor (passkeys, authenticator app, recovery codes) of the
    membership's holder, so that they set up a new one at their next sign-in (when their
    role requires one). The caller has loaded `membership` through
    `Membership.objects.second_factor_resettable_by(reset_by)`.

    Logged as a security event (stetapp.security_log) with who, whom, when and how the
    identity was checked — ids and codes only, never a name, address or secret. Returns
    how many were removed.
    """
    from allauth.mfa.models import Authenticator

    if how_checked not in IDENTITY_CHECKS:
        raise ValidationError(_("Choose how you checked who they are."))
    removed, _per_model = Authenticator.objects.filter(user_id=membership.user_id).delete()
    log_event(
        "mfa.reset",
        user=reset_by,
        actor_id=reset_by.pk,
        actor_role=Role.PROJECT_LEAD.value,
        target_user_id=membership.user_id,
        target_role=membership.role,
        membership_id=membership.pk,
        identity_checked=how_checked,
        removed=removed,
    )
    transaction.on_commit(
        lambda: _send_second_factor_reset(user=membership.user, reset_by=reset_by)
    )
    return removed


def _send_second_factor_reset(*, user, reset_by) -> None:
    """Tell the person their factor was reset, so a reset they did not ask for (someone
    who fooled the lead) does not go unnoticed."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        ctx = {"user": user, "reset_by": reset_by.get_full_name() or reset_by.email}
        subject = render_to_string("groups/email/second_factor_reset_subject.txt", ctx).strip()
        body = render_to_string("groups/email/second_factor_reset_body.txt", ctx)
    send_mail(subject, body, None, [user.email])
