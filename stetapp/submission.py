"""One-time submission tokens: the same create form sent twice saves once.

Every create form renders `{% include "partials/submission_token.html" %}`, a hidden
`submission_token` (a fresh uuid4). Its view is wrapped in `@submission_once`:

- the first POST with a token inserts a `Submission` row and runs the view in one
  transaction; when the view answers with a redirect (its "saved, look here") the row
  keeps that address and commits with the record;
- a repeat of the same token with the same values by the same user (in sequence, or in
  parallel: the second INSERT waits on the unique index until the first commits) creates
  nothing and is sent to that address with a short message, so the second answer shows
  what the first saved; the same page sent again with other values (back, change, send)
  is a new submission;
- when the view answers otherwise (the form with errors), the token row is dropped, so
  correcting the form and sending it again with the same token works.

A view whose success is not a redirect (the attendance sheet's guest form answers htmx
with the sheet) says so with `submission_created(request, url)`; with `explicit=True`
only that call counts.

A POST without a token (a script, an old page) is handled as before: the token protects
people's double clicks and resends, it is not an access rule (docs/decisions.md).
A user's rows older than `KEEP` are deleted with their next submission.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from stetapp.models import Submission

FIELD = "submission_token"
KEEP = timedelta(days=7)
_CREATED = "_stetapp_submission_url"


def new_token() -> str:
    return str(uuid.uuid4())


def _key(request) -> uuid.UUID | None:
    """The form's token together with what was sent: the same submission gives the same
    key; the same page sent again with other values (back, change, send) is a new one."""
    try:
        token = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None
    values = sorted(
        (name, request.POST.getlist(name))
        for name in request.POST
        if name not in (FIELD, "csrfmiddlewaretoken")
    )
    files = sorted((name, f.name, f.size) for name, f in request.FILES.items())
    return uuid.uuid5(token, json.dumps([values, files]))


def submission_created(request, url: str) -> None:
    """Tell `@submission_once` that this request created something shown at `url`."""
    setattr(request, _CREATED, url)


def _result_url(request, response, *, explicit: bool) -> str | None:
    url = getattr(request, _CREATED, None)
    if url is not None or explicit:
        return url
    if response.has_header("HX-Redirect"):  # htmx's redirect (also a RedirectBase)
        return response["HX-Redirect"]
    if isinstance(response, HttpResponseRedirectBase):
        return response["Location"]
    return None


def _repeat(request, submission: Submission):
    messages.info(request, _("This form was already sent; this is what it saved."))
    url = submission.url or request.path
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def submission_once(view: Callable | None = None, *, explicit: bool = False):
    """Wrap a create view so that one submission token saves at most once."""

    def decorate(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            token = _key(request) if request.method == "POST" else None
            if token is None or not request.user.is_authenticated:
                return view_func(request, *args, **kwargs)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        submission = Submission.objects.create(user=request.user, token=token)
                except IntegrityError:
                    # Sent before (or at the same moment, and that one has committed).
                    seen = Submission.objects.get(user=request.user, token=token)
                    return _repeat(request, seen)
                # The user's own old rows only: other people's requests never wait on it.
                Submission.objects.filter(
                    user=request.user, created_at__lt=timezone.now() - KEEP
                ).delete()
                response = view_func(request, *args, **kwargs)
                url = _result_url(request, response, explicit=explicit)
                if url is None:
                    submission.delete()
                else:
                    submission.url = url[:500]
                    submission.save(update_fields=["url"])
                return response

        wrapper.submission_once = True
        return wrapper

    if view is not None:
        return decorate(view)
    return decorate
