from django.urls import path

from . import views_retention

urlpatterns = [
    path(
        "organisations/<int:pk>/retention/",
        views_retention.retention_settings,
        name="retention_settings",
    ),
]
