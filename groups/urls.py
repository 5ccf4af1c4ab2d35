from django.urls import path

from . import views

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/import/", views.group_import, name="group_import"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/people/", views.organisation_people, name="organisation_people"),
    path(
        "organisations/<int:pk>/communities/",
        views.organisation_communities,
        name="organisation_communities",
    ),
    path(
        "organisations/<int:pk>/communities/new/",
        views.community_category_create,
        name="community_category_create",
    ),
    path(
        "organisations/<int:pk>/communities/<slug:code>/edit/",
        views.community_category_edit,
        name="community_category_edit",
    ),
    path(
        "organisations/<int:organisation_pk>/venues/new/",
        views.venue_create,
        name="venue_create",
    ),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path(
        "programmes/<int:programme_pk>/organisations/new/",
        views.organisation_create,
        name="organisation_create",
    ),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path(
        "programmes/<int:programme_pk>/organisations/import/",
        views.organisation_import,
        name="organisation_import",
    ),
    path("programmes/<int:pk>/people/", views.programme_people, name="programme_people"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("memberships/<int:pk>/resend/", views.membership_resend, name="membership_resend"),
    path(
        "memberships/<int:pk>/second-factor/reset/",
        views.membership_reset_second_factor,
        name="membership_reset_second_factor",
    ),
]
