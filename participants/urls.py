from django.urls import path

from . import views, views_overview

urlpatterns = [
    # the participant record (views.py)
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/new/", views.participant_create, name="participant_create"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/status/", views.participant_status, name="participant_status"),
    path("participants/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("participants/<int:pk>/intakes/new/", views.intake_create, name="intake_create"),
    path("participants/<int:pk>/enrol/", views.participant_enrol, name="participant_enrol"),
    path("enrolments/<int:pk>/leave/", views.enrolment_leave, name="enrolment_leave"),
    # overviews, import and export, the social map (views_overview.py)
    path("participants/import/", views_overview.participant_import, name="participant_import"),
    path(
        "groups/<int:pk>/participants/export/",
        views_overview.group_participants_export,
        name="group_participants_export",
    ),
    path("groups/<int:pk>/funnel/", views_overview.group_funnel, name="group_funnel"),
    path(
        "organisations/<int:pk>/funnel/",
        views_overview.organisation_funnel,
        name="organisation_funnel",
    ),
    path("social-map/", views_overview.social_map, name="social_map"),
    path("social-map/new/", views_overview.social_service_create, name="social_service_create"),
    path(
        "social-map/<int:pk>/edit/",
        views_overview.social_service_edit,
        name="social_service_edit",
    ),
]
