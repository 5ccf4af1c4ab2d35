"""The organisation's retention periods, set by its project lead (docs/privacy.md,
"Retention"; decision 64). The organisation page shows what is due next
(privacy/templatetags/retention.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from groups.models import Organisation
from groups.roles import Role
from groups.selectors import organisation_get_for_user
from stetapp.access import access, roles

from .forms_retention import RetentionPolicyForm
from .models_retention import RetentionPolicy
from .retention import DEFAULT_MONTHS, PREVIEW_DAYS, Kind
from .services_retention import retention_policy_save

LEADS = roles(Role.PROJECT_LEAD)


@access(LEADS)
@require_http_methods(["GET", "POST"])
def retention_settings(request, pk):
    organisation = organisation_get_for_user(user=request.user, pk=pk)
    if not Organisation.objects.managed_by(request.user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    posted = request.method == "POST"
    form = RetentionPolicyForm(
        request.POST if posted else None,
        instance=policy or RetentionPolicy(organisation=organisation),
    )
    if posted and form.is_valid():
        # The form checks the same bounds as the model: the service cannot refuse it.
        retention_policy_save(organisation=organisation, **form.cleaned_data)
        messages.success(request, _("Retention periods saved."))
        return redirect("organisation_detail", pk=organisation.pk)
    ctx = {
        "organisation": organisation,
        "form": form,
        "defaults": [(kind.label, DEFAULT_MONTHS[kind]) for kind in Kind],
        "preview_days": PREVIEW_DAYS,
    }
    return render(request, "privacy/retention_settings.html", ctx)
