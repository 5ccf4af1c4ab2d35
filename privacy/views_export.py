"""The download of everything stetapp holds about one participant (AVG art. 15 and 20;
privacy/subject_export.py). For the project lead of the participant's organisation: the
rule of `Need.MANAGE` (groups/access.py) on the participant's group. A lead of another
organisation gets a 404 (the person is outside their scope), a facilitator, volunteer,
coordinator or funder a 403.

The access log writes the export itself: the response is a ZIP, which
privacy.access_log.action_of logs as an export, of exactly this participant (the records
the builder loads are the person's own).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from groups.access import Need, can, rule_for
from participants.models import Participant
from stetapp.access import access, get_visible_or_404
from stetapp.limits import download_limit

from . import subject_export

EXPORTERS = rule_for(Need.MANAGE)
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def may_export(*, user, participant: Participant) -> bool:
    """Whether the user may download everything about the participant: the project lead
    of the participant's organisation (and a site administrator)."""
    return can(user, participant.group, Need.MANAGE)


def export_language(request) -> str:
    """The language asked for (?language=en), else the user's own."""
    asked = request.GET.get("language", "")
    if asked in LANGUAGES:
        return asked
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return current if current in LANGUAGES else settings.LANGUAGE_CODE


@access(EXPORTERS)
@require_GET
@download_limit()
def participant_export(request, pk):
    # Only the person and their group are loaded: not who brought them (another
    # participant, whom the access log would otherwise note as seen).
    participant = get_visible_or_404(
        Participant.objects.select_related("group", "group__organisation"),
        user=request.user,
        pk=pk,
    )
    if not may_export(user=request.user, participant=participant):
        raise PermissionDenied
    content = subject_export.zip_bytes(participant=participant, language=export_language(request))
    response = HttpResponse(content, content_type="application/zip")
    name = subject_export.file_stem(participant.pk)
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
