"""Second factor: who must have one, and whether they have one (issue 15, item 5).

One rule, used by `RequireMFAMiddleware` and by the set-up page: a user must set up a
second factor when they hold a role listed in `STETAPP_MFA_REQUIRED_ROLES`, or are a
site administrator while `STETAPP_MFA_REQUIRED_FOR_STAFF` is on. A passkey (WebAuthn) or
an authenticator app (TOTP) counts as a factor; recovery codes alone do not (they are the
way back in when the factor is lost). docs/deployment.md says how to change the roles.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings

from .access import user_roles

# The kinds of authenticator that count as a second factor.
FACTOR_TYPES = (Authenticator.Type.WEBAUTHN, Authenticator.Type.TOTP)


def second_factor_required(user) -> bool:
    """True when the settings require this user to have a second factor."""
    if not (user and user.is_authenticated):
        return False
    if settings.STETAPP_MFA_REQUIRED_FOR_STAFF and user.is_staff:
        return True
    required = frozenset(settings.STETAPP_MFA_REQUIRED_ROLES)
    return bool(required and user_roles(user) & required)


def has_second_factor(user) -> bool:
    """True when the user has a passkey or an authenticator app."""
    return Authenticator.objects.filter(user=user, type__in=FACTOR_TYPES).exists()
