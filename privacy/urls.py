"""The pages that read the logs and the register (privacy/views_logs.py)."""

from django.urls import path

from . import views_logs

urlpatterns = [
    path("participants/<int:pk>/log/", views_logs.participant_log, name="participant_log"),
    path("privacy/", views_logs.privacy_home, name="privacy_home"),
    path("privacy/register/", views_logs.privacy_register, name="privacy_register"),
    path(
        "privacy/organisations/<int:pk>/log/",
        views_logs.organisation_access_log,
        name="organisation_access_log",
    ),
    path(
        "privacy/organisations/<int:pk>/summary/",
        views_logs.organisation_access_summary,
        name="organisation_access_summary",
    ),
]
