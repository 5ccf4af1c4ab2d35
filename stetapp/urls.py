from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "stetapp"
admin.site.site_title = "stetapp"
# The admin signs in through allauth too, so its rate limits and two-factor apply there.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path(
        "invitation/<str:uidb64>/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    # Under /accounts/ so that people who still have to set up a factor can reach them.
    path("accounts/second-factor/", views.mfa_setup, name="mfa_setup"),
    path("accounts/second-factor/help/", views.mfa_help, name="mfa_help"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("pages.urls")),
    path("", include("groups.urls")),
    path("", include("participants.urls")),
    path("", include("meetings.urls")),
    path("", include("funding.urls")),
    path("", include("reporting.urls")),
    path("", include("privacy.urls_erasure")),
    path("", include("privacy.urls")),
    path("", include("privacy.urls_retention")),
]

handler400 = "stetapp.views.error_400"
handler403 = "stetapp.views.error_403"
handler404 = "stetapp.views.error_404"
handler500 = "stetapp.views.error_500"
