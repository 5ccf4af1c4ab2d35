"""Project-wide pages: the home page per role, language choice, invitations, health."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.services import invitation_token_generator

from .access import PUBLIC, SIGNED_IN, access
from .mfa import FACTOR_TYPES, second_factor_required

User = get_user_model()


@access(PUBLIC)
@require_POST
def set_language(request):
    """Switch the UI language; a signed-in user's choice is kept on their account."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def invitation_accept(request, uidb64, token):
    """Set a password from an invitation link; the link works once."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if (
        user is None
        or not user.is_active
        or not invitation_token_generator.check_token(user, token)
    ):
        return render(request, "stetapp/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your password is set. You can sign in now."))
        return redirect("account_login")
    return render(request, "stetapp/invitation_accept.html", {"form": form, "invitee": user})


@access(SIGNED_IN)
@require_GET
def mfa_setup(request):
    """The second factor in plain words: why (required or optional for this user), what
    they have, and the two ways to add one — a passkey first, an authenticator app next.
    The required-factor middleware sends people here."""
    from allauth.mfa.models import Authenticator

    types = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    ctx = {
        "required": second_factor_required(request.user),
        "has_factor": bool(types & set(FACTOR_TYPES)),
        "has_passkey": Authenticator.Type.WEBAUTHN in types,
        "has_app": Authenticator.Type.TOTP in types,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in types,
    }
    return render(request, "stetapp/mfa_setup.html", ctx)


@access(PUBLIC)
@require_GET
def mfa_help(request):
    """Step-by-step help for people who never used a second factor (no personal data, so
    readable before signing in too)."""
    return render(request, "stetapp/mfa_help.html")


@access(PUBLIC)
@require_GET
@never_cache
def healthz(request):
    """Liveness, for load balancers and container supervisors: the process serves
    requests. No database, no cache, no session: cheap, and a slow database never gets
    app servers restarted (readiness is /readyz)."""
    return JsonResponse({"status": "ok"})


@access(PUBLIC)
@require_GET
@never_cache
def readyz(request):
    """Readiness: the database, the cache, the private storage and the task queue each
    answer (stetapp/health.py). 200 when all do, 503 when one does not; the body holds
    each check's status and time, never what went wrong (that is logged, scrubbed)."""
    from .health import readiness

    ready, results = readiness()
    body = {
        "status": "ok" if ready else "fail",
        "checks": {name: result.as_json() for name, result in results.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


def _error(request, template, status):
    return render(request, template, status=status)


def error_400(request, exception=None):
    return _error(request, "400.html", 400)


def error_403(request, exception=None):
    return _error(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """A form or a sync sent with a security token that no longer holds: the page was
    open a long time, or the user signed in again elsewhere (CSRF_FAILURE_VIEW). Says
    so in the user's language, and tells scripts apart from a refusal by role with the
    header X-CSRF-Failure: the offline sheet keeps its marks and tries again
    (static/js/offline.js). Django's `reason` is not shown or logged here."""
    response = _error(request, "403_csrf.html", 403)
    response["X-CSRF-Failure"] = "1"
    return response


def error_404(request, exception=None):
    return _error(request, "404.html", 404)


def error_500(request):
    # Rendered without a request context on purpose: nothing about the user or the data
    # can reach this page. Only the request id, so that the user can quote it and the
    # log lines of this request can be found (stetapp/logs.py).
    from django.template import loader

    from .logs import get_request_id

    context = {"request_id": get_request_id()}
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


# --- the service worker and the web app manifest (docs/offline.md) ---------------------


@access(PUBLIC)
@require_GET
def service_worker(request):
    """static/js/sw.js served at /sw.js, so that it may control every page (scope "/").
    Read from the static files; never cached long (browsers check it for updates)."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    path = finders.find("js/sw.js")
    if path:
        with open(path, "rb") as handle:
            body = handle.read()
    elif staticfiles_storage.exists("js/sw.js"):  # only the collected files are there
        with staticfiles_storage.open("js/sw.js") as handle:
            body = handle.read()
    else:
        raise Http404
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@access(PUBLIC)
@require_GET
def manifest(request):
    """The web app manifest: lets a facilitator put stetapp on the home screen."""
    from django.templatetags.static import static

    data = {
        "name": "Samen tegen Eenzaamheid",
        "short_name": "stetapp",
        "lang": "nl",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f7a",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "max-age=3600"
    return response
