"""The project's URLconf plus views that fail, for the 500-page and log tests."""

import logging

from django.urls import path

from stetapp.access import PUBLIC, access
from stetapp.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500"]

# Recognisable fake personal data that must never reach a page or a log line.
CANARY_NAME = "Canary Zwaluwstaart"
CANARY_PHONE = "06-99887766"


@access(PUBLIC)
def boom(request):
    raise RuntimeError("secret-canary-participant-name")


@access(PUBLIC)
def boom_with_data(request):
    """Fails like an export that meets a stored value it cannot write: the error message
    quotes the value (openpyxl's IllegalCharacterError does), after a chained error and a
    log line that passes the exception as an argument."""
    try:
        raise KeyError(CANARY_PHONE)
    except KeyError as exc:
        logging.getLogger("stetapp.export").warning("Export cell failed: %s", exc)
        raise ValueError(f"{CANARY_NAME} {CANARY_PHONE} cannot be used in worksheets.") from exc


urlpatterns = [*urlpatterns, path("boom/", boom), path("boom-data/", boom_with_data)]
