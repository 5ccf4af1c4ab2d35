"""Project-wide pages: the home page per role, language choice, invitations, health."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups import selectors as group_selectors
from groups.models import Role
from groups.services import invitation_token_generator
from meetings import selectors as meeting_selectors

from .access import PUBLIC, SIGNED_IN, access, user_roles

User = get_user_model()


@access(SIGNED_IN)
@require_GET
def home(request):
    """One page with a section for every role the user holds."""
    user = request.user
    roles = user_roles(user)
    ctx = {"roles": roles}
    if roles & {Role.FACILITATOR, Role.VOLUNTEER}:
        ctx["my_groups"] = list(group_selectors.groups_facilitated_by(user=user))
    if roles & {Role.FACILITATOR, Role.VOLUNTEER, Role.PROJECT_LEAD}:
        today = timezone.localdate()
        ctx["next_meetings"] = list(meeting_selectors.upcoming_meetings_for(user=user)[:8])
        for meeting in ctx["next_meetings"]:
            meeting.is_today = meeting.date == today
        ctx["meetings_to_record"] = list(meeting_selectors.meetings_to_record_for(user=user)[:8])
        if roles & {Role.FACILITATOR, Role.PROJECT_LEAD}:
            ctx["people_to_call"] = len(meeting_selectors.people_to_call(user=user))
    if Role.PROJECT_LEAD in roles:
        led = group_selectors.groups_led_by(user=user)
        ctx["lead_statuses"], ctx["lead_by_city"] = group_selectors.status_counts_by(
            led, "city__name"
        )
        ctx["lead_groups"] = list(led.with_related().order_by("city__name", "name"))
        ctx.update(_lead_funding(user, ctx["lead_groups"]))
    if Role.PROGRAMME_COORDINATOR in roles:
        ctx["coordinated_programmes"] = list(group_selectors.programmes_coordinated_by(user=user))
        programme_groups = group_selectors.groups_in_programmes_of(user=user)
        ctx["programme_statuses"], ctx["programme_by_city"] = group_selectors.status_counts_by(
            programme_groups, "city__name"
        )
        (
            ctx["compositions"],
            ctx["programme_by_community"],
            ctx["programme_community_totals"],
        ) = group_selectors.community_by_composition(programme_groups)
    if Role.FUNDER in roles:
        from funding.models import Fund

        ctx["funds"] = list(Fund.objects.represented_by(user))
    return render(request, "stetapp/home.html", ctx)


# How far ahead the lead's home page looks for deadlines and reports due.
DEADLINE_DAYS = 60


def _lead_funding(user, lead_groups) -> dict:
    """Deadlines (two queries: draft applications with a deadline soon, grants with a
    report due soon) and readiness of the groups not yet running (four queries whatever
    the number of groups, funding.selectors.readiness_for_groups)."""
    from funding import selectors as funding_selectors
    from funding.models import ApplicationStatus, FundingApplication, Grant
    from groups.models import GroupStatus

    today = timezone.localdate()
    until = today + dt.timedelta(days=DEADLINE_DAYS)
    deadlines = list(
        FundingApplication.objects.managed_by(user)
        .filter(status=ApplicationStatus.DRAFT, deadline__gte=today, deadline__lte=until)
        .select_related("fund")
        .order_by("deadline", "pk")
    )
    reports_due = list(
        Grant.objects.filter(
            application__in=FundingApplication.objects.managed_by(user),
            report_due__gte=today,
            report_due__lte=until,
        )
        .select_related("application", "application__fund")
        .order_by("report_due", "pk")
    )
    starting = [
        group
        for group in lead_groups
        if group.status in (GroupStatus.PREPARING, GroupStatus.RECRUITING)
    ]
    readiness = funding_selectors.readiness_for_groups(groups=starting)
    rows = []
    for group in starting:
        done, total = funding_selectors.readiness_progress(readiness[group.pk])
        rows.append({"group": group, "done": done, "total": total})
    return {
        "lead_deadlines": deadlines,
        "lead_reports_due": reports_due,
        "lead_readiness": rows,
        "deadline_days": DEADLINE_DAYS,
    }


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


@access(PUBLIC)
@require_GET
def healthz(request):
    """For load balancers: the process runs and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request, template, status):
    return render(request, template, status=status)


def error_400(request, exception=None):
    return _error(request, "400.html", 400)


def error_403(request, exception=None):
    return _error(request, "403.html", 403)


def error_404(request, exception=None):
    return _error(request, "404.html", 404)


def error_500(request):
    # Rendered without a request context on purpose: nothing about the user or the data
    # can reach this page.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
