"""allauth adapter: no open sign-up; people join by invitation only."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        # A sign-in refused by the rate limits never reaches the password check, so no
        # signin.failed event: log it here (stetapp/security_log.py).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from .security_log import sign_in_rate_limited

            sign_in_rate_limited(request, credentials)
            raise
