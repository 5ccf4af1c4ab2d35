"""The site's URLs plus one bare view, for `manage.py bench` only: the floor its pages are
compared with (the middleware and the test client, no template and no query)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("stetapp.urls")),
]
