from django.urls import path

from . import views_erasure

urlpatterns = [
    path(
        "participants/<int:pk>/erasure/",
        views_erasure.erasure_request_create,
        name="erasure_request_create",
    ),
    path("erasure-requests/", views_erasure.erasure_request_list, name="erasure_request_list"),
    path(
        "erasure-requests/<int:pk>/",
        views_erasure.erasure_request_decide,
        name="erasure_request_decide",
    ),
]
