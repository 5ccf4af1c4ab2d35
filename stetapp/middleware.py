"""Cross-cutting request handling: session lifetime, language, two-factor, caching."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

_LOGIN_AT = "stetapp_login_at"
_SEEN_AT = "stetapp_seen_at"


class SessionLifetimeMiddleware:
    """End a signed-in session after 30 minutes idle or 12 hours in all.

    Enforced on the server from timestamps kept in the session, so a stolen or kept-alive
    cookie stops working too. The next request after expiry is treated as anonymous.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(_LOGIN_AT, now)
            seen_at = session.get(_SEEN_AT, now)
            idle = settings.STETAPP_SESSION_IDLE_SECONDS
            absolute = settings.STETAPP_SESSION_ABSOLUTE_SECONDS
            if now - seen_at > idle or now - login_at > absolute:
                logout(request)
                request.session["stetapp_session_expired"] = True
            elif now - seen_at >= 30 or _SEEN_AT not in session:
                # Write at most every 30 seconds to keep session writes cheap.
                session[_SEEN_AT] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """Use the language a signed-in user chose; anonymous users get LocaleMiddleware's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            # Like LocaleMiddleware: activate for this thread; the next request's
            # middleware activates its own language again.
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class RequireMFAMiddleware:
    """Send a user who must have a second factor (stetapp.mfa.second_factor_required) and
    has none to the set-up page, which explains why and offers a passkey or an app.

    Until they have one they can reach only the account pages (second-factor set-up and
    its help page, sign-out), the language switch and static files.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/language/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            (settings.STETAPP_MFA_REQUIRED_ROLES or settings.STETAPP_MFA_REQUIRED_FOR_STAFF)
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from .mfa import has_second_factor, second_factor_required

            if second_factor_required(user) and not has_second_factor(user):
                return redirect(reverse("mfa_setup"))
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Pages for signed-in users must not be kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class RequestIdMiddleware:
    """Give every request an id (stetapp/logs.py): a well-formed incoming X-Request-ID
    from the proxy, or a new one. Log lines, security events, background tasks and the
    server error page carry it; the response sends it back in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .logs import REQUEST_ID_HEADER, request_context, safe_request_id

        request_id = safe_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        with request_context(request_id, request):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RefusedRequestLogMiddleware:
    """Log every 403 and 404 that a view raises (the access layer: `@access`,
    `get_visible_or_404`, `group_get_for_user`, …), and every 429 answer, as one
    `access.refused` event, with the URL's name rather than its path or query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429:  # a rate limit (allauth answers 429 itself)
            self._log(request, 429)
        return response

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, PermissionDenied | Http404):
            self._log(request, 403 if isinstance(exception, PermissionDenied) else 404)
        return None

    @staticmethod
    def _log(request, status: int) -> None:
        from .security_log import log_event

        match = getattr(request, "resolver_match", None)
        log_event(
            "access.refused",
            request=request,
            status=status,
            view=match.view_name if match is not None else None,
            method=request.method,
        )


class ScopeMemoMiddleware:
    """Give `request.user` a place to keep the user's scope for this request
    (`groups.access.group_scope`: the user's groups resolved to ids once, docs/decisions.md
    decision 57). The user is still loaded lazily: the memo is attached when it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from groups.access import remember_scope

        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject):
            if user._wrapped is empty:
                load = user.__dict__["_setupfunc"]

                def load_and_remember():
                    loaded = load()
                    remember_scope(loaded)
                    return loaded

                user.__dict__["_setupfunc"] = load_and_remember
            else:
                remember_scope(user._wrapped)
        elif user is not None:
            remember_scope(user)
        return self.get_response(request)
