from django.urls import path

from . import (
    views_batches,
    views_continuation,
    views_dashboard,
    views_evidence,
    views_measurement,
    views_reports,
)

urlpatterns = [
    # stories of change, selection rounds, observations (views_evidence.py)
    path("groups/<int:pk>/stories/", views_evidence.story_list, name="story_list"),
    path("groups/<int:pk>/stories/new/", views_evidence.story_create, name="story_create"),
    path("stories/<int:pk>/", views_evidence.story_detail, name="story_detail"),
    path("stories/<int:pk>/edit/", views_evidence.story_edit, name="story_edit"),
    path("selections/", views_evidence.selection_list, name="selection_list"),
    path("selections/new/", views_evidence.selection_create, name="selection_create"),
    path("selections/<int:pk>/", views_evidence.selection_detail, name="selection_detail"),
    path(
        "selections/<int:pk>/feedback/",
        views_evidence.selection_feedback,
        name="selection_feedback",
    ),
    path(
        "groups/<int:pk>/observations/",
        views_evidence.observation_list,
        name="observation_list",
    ),
    # measurement (views_measurement.py)
    path(
        "groups/<int:pk>/measurement/",
        views_measurement.measurement_group,
        name="measurement_group",
    ),
    path(
        "groups/<int:pk>/measurement/plan/",
        views_measurement.measurement_plan,
        name="measurement_plan",
    ),
    path(
        "groups/<int:pk>/measurement/new/",
        views_measurement.administration_create,
        name="administration_create",
    ),
    path(
        "questionnaires/<int:pk>/",
        views_measurement.administration_detail,
        name="administration_detail",
    ),
    path(
        "questionnaires/<int:pk>/edit/",
        views_measurement.administration_edit,
        name="administration_edit",
    ),
    # continuation (views_continuation.py)
    path(
        "groups/<int:pk>/continuation/",
        views_continuation.continuation_plan,
        name="continuation_plan",
    ),
    path(
        "continuation-steps/<int:pk>/done/",
        views_continuation.continuation_step_toggle,
        name="continuation_step_toggle",
    ),
    # fund reports (views_reports.py) and batches of reports (views_batches.py)
    path("grants/<int:pk>/report/", views_reports.grant_report, name="grant_report"),
    path(
        "grants/<int:pk>/report/summary/",
        views_reports.grant_report_summary,
        name="grant_report_summary",
    ),
    path("grants/<int:pk>/report.pdf", views_reports.grant_report_pdf, name="grant_report_pdf"),
    path(
        "grants/<int:pk>/report-pdf/<uuid:stored>/",
        views_reports.grant_report_pdf_status,
        name="grant_report_pdf_status",
    ),
    path("grants/<int:pk>/report.xlsx", views_reports.grant_report_xlsx, name="grant_report_xlsx"),
    path("reports/", views_batches.report_batch_create, name="report_batch_create"),
    path("reports/<uuid:pk>/", views_batches.report_batch_detail, name="report_batch_detail"),
    path(
        "reports/<uuid:pk>/download/",
        views_batches.report_batch_download,
        name="report_batch_download",
    ),
    # programme dashboard (views_dashboard.py)
    path(
        "programmes/<int:pk>/dashboard/",
        views_dashboard.programme_dashboard,
        name="programme_dashboard",
    ),
]
