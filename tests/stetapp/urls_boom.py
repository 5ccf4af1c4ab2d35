"""The project's URLconf plus a view that fails, for the 500-page test."""

from django.urls import path

from stetapp.access import PUBLIC, access
from stetapp.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500"]


@access(PUBLIC)
def boom(request):
    raise RuntimeError("secret-canary-participant-name")


urlpatterns = [*urlpatterns, path("boom/", boom)]
