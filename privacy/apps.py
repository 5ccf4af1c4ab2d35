from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("privacy")

    def ready(self) -> None:
        from . import access_log, history

        history.connect()
        access_log.connect()
