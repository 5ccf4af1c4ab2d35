"""`{% submission_token %}`: a fresh one-time token for a create form (stetapp/submission.py);
used only through templates/partials/submission_token.html."""

from django import template

from stetapp.submission import new_token

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    return new_token()
