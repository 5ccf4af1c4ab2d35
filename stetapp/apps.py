import time

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _stamp_login(sender, request, user, **kwargs):
    # Starts the 12-hour clock of SessionLifetimeMiddleware at every sign-in.
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session["stetapp_login_at"] = now
        request.session["stetapp_seen_at"] = now


class StetappConfig(AppConfig):
    name = "stetapp"
    verbose_name = "stetapp"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
        from .choices import install_choice_labels
        from .security_log import connect_signals
        from .text import install_form_cleaning

        connect_signals()
        install_form_cleaning()
        install_choice_labels()

        user_logged_in.connect(_stamp_login, dispatch_uid="stetapp_stamp_login")
