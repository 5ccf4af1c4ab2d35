from django.urls import path

from privacy import views_export

from . import views_overview, views_records

urlpatterns = [
    # the participant record (views_records.py)
    path("participants/", views_records.participant_list, name="participant_list"),
    path("participants/new/", views_records.participant_create, name="participant_create"),
    path("participants/<int:pk>/", views_records.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views_records.participant_edit, name="participant_edit"),
    path(
        "participants/<int:pk>/status/", views_records.participant_status, name="participant_status"
    ),
    path(
        "participants/<int:pk>/consents/new/", views_records.consent_create, name="consent_create"
    ),
    path("consents/<int:pk>/withdraw/", views_records.consent_withdraw, name="consent_withdraw"),
    path("participants/<int:pk>/intakes/new/", views_records.intake_create, name="intake_create"),
    path("participants/<int:pk>/enrol/", views_records.participant_enrol, name="participant_enrol"),
    path("enrolments/<int:pk>/leave/", views_records.enrolment_leave, name="enrolment_leave"),
    # everything about one person, for a request for access (privacy/views_export.py)
    path(
        "participants/<int:pk>/export/",
        views_export.participant_export,
        name="participant_export",
    ),
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
