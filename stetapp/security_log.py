"""Security events, one JSON line each on the logger "stetapp.security".

Every event has `event` (its name), `user_id`, `roles`, `ip` and `request_id`, plus a few
ids of its own. Never a name, e-mail address, phone number, note or form value: a failed
sign-in carries a keyed hash of the typed address (`account_hash`), so repeated attempts on
one account can be counted without writing the address down. The events and their fields
are listed in docs/deployment.md ("Logs").
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from .logs import current_request, get_request_id

logger = logging.getLogger("stetapp.security")


def client_ip(request) -> str | None:
    """The client's address as allauth's sign-in rate limits see it (the same trusted
    proxy count, `ALLAUTH_TRUSTED_PROXY_COUNT`)."""
    from allauth.account.adapter import get_adapter

    try:
        return str(get_adapter(request).get_client_ip(request))
    except (PermissionDenied, ImproperlyConfigured):
        return None


def account_hash(value: str) -> str:
    """A keyed hash of a typed sign-in name: the same address gives the same hash (with
    this SECRET_KEY), and the address cannot be read back from it."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, value.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def log_event(event: str, *, request=None, user=None, **fields: Any) -> None:
    """Write one security event. `request` and `user` default to the request being
    handled and its user; `fields` must be ids, codes and numbers only."""
    from .access import user_roles

    if request is None:
        request = current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    data: dict[str, Any] = {
        "event": event,
        "user_id": user.pk if signed_in else None,
        "roles": sorted(user_roles(user)) if signed_in else [],
        "ip": client_ip(request) if request is not None else None,
        "request_id": getattr(request, "request_id", None) or get_request_id() or "-",
    }
    if signed_in and user.is_superuser:
        data["site_admin"] = True
    data.update(fields)
    logger.info(event, extra=data)


# --- receivers (connected in StetappConfig.ready) -------------------------------------


def _signed_in(sender, request, user, **kwargs):
    log_event("signin.succeeded", request=request, user=user)


def _signed_out(sender, request, user, **kwargs):
    log_event("signin.signed_out", request=request, user=user)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    log_event("signin.failed", request=request, user=None, account_hash=_typed_account(credentials))


def _typed_account(credentials: dict) -> str | None:
    typed = next(
        (credentials[key] for key in ("email", "login", "username") if credentials.get(key)),
        "",
    )
    return account_hash(str(typed)) if typed else None


def sign_in_rate_limited(request, credentials: dict) -> None:
    """A sign-in refused before the password was checked: too many failures for this
    account or from this address (called by the account adapter)."""
    log_event(
        "signin.rate_limited",
        request=request,
        user=None,
        account_hash=_typed_account(credentials),
    )


def _mfa_event(name: str):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
        log_event(
            name,
            request=request,
            user=user,
            authenticator=getattr(authenticator, "type", None),
        )

    return receiver


_MFA_ADDED = _mfa_event("mfa.added")
_MFA_REMOVED = _mfa_event("mfa.removed")
_MFA_RESET = _mfa_event("mfa.reset")
_MFA_FAILED = _mfa_event("mfa.failed")


def connect_signals() -> None:
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth import signals as auth_signals

    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="stetapp_log_signin")
    auth_signals.user_logged_out.connect(_signed_out, dispatch_uid="stetapp_log_signout")
    auth_signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="stetapp_log_failed")
    mfa_signals.authenticator_added.connect(_MFA_ADDED, dispatch_uid="stetapp_log_mfa_added")
    mfa_signals.authenticator_removed.connect(_MFA_REMOVED, dispatch_uid="stetapp_log_mfa_removed")
    mfa_signals.authenticator_reset.connect(_MFA_RESET, dispatch_uid="stetapp_log_mfa_reset")
    mfa_signals.authentication_failed.connect(_MFA_FAILED, dispatch_uid="stetapp_log_mfa_failed")
