from django.urls import path

from . import views_applications, views_money, views_readiness

urlpatterns = [
    # funds, applications, budget and coverage plan, proposal PDF (views_applications.py)
    path("funds/", views_applications.fund_list, name="fund_list"),
    path("funds/new/", views_applications.fund_create, name="fund_create"),
    path("funds/<int:pk>/", views_applications.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/edit/", views_applications.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/readers/", views_applications.fund_readers, name="fund_readers"),
    path("applications/", views_applications.application_list, name="application_list"),
    path("applications/new/", views_applications.application_create, name="application_create"),
    path(
        "applications/<int:pk>/",
        views_applications.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/edit/",
        views_applications.application_edit,
        name="application_edit",
    ),
    path(
        "applications/<int:pk>/status/",
        views_applications.application_status,
        name="application_status",
    ),
    path("applications/<int:pk>/budget/", views_applications.budget_edit, name="budget_edit"),
    path(
        "applications/<int:pk>/proposal.pdf",
        views_applications.application_pdf,
        name="application_pdf",
    ),
    # grants, expenses, budget against actual, totals (views_money.py)
    path("applications/<int:pk>/grant/", views_money.grant_edit, name="grant_edit"),
    path(
        "grants/<int:pk>/payments/new/",
        views_money.grant_payment_create,
        name="grant_payment_create",
    ),
    path("applications/<int:pk>/spending/", views_money.budget_actual, name="budget_actual"),
    path("expenses/", views_money.expense_list, name="expense_list"),
    path("expenses/new/", views_money.expense_create, name="expense_create"),
    path("expenses/<int:pk>/decide/", views_money.expense_decide, name="expense_decide"),
    path("expenses/<int:pk>/receipt/", views_money.expense_receipt, name="expense_receipt"),
    path("programme/grants/", views_money.programme_grants, name="programme_grants"),
    path("programmes/<int:pk>/funding/", views_money.programme_funding, name="programme_funding"),
    path("funder/grants/", views_money.funder_grants, name="funder_grants"),
    # readiness, facilitator profiles, volunteers (views_readiness.py)
    path("groups/<int:pk>/readiness/", views_readiness.group_readiness, name="group_readiness"),
    path(
        "groups/<int:pk>/readiness/tick/",
        views_readiness.readiness_tick,
        name="readiness_tick",
    ),
    path(
        "groups/<int:pk>/needs/new/",
        views_readiness.need_signal_create,
        name="need_signal_create",
    ),
    path("profile/", views_readiness.facilitator_profile_edit, name="facilitator_profile_edit"),
    path(
        "people/<int:pk>/profile/",
        views_readiness.facilitator_profile_detail,
        name="facilitator_profile_detail",
    ),
    path("volunteers/", views_readiness.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", views_readiness.volunteer_create, name="volunteer_create"),
    path("volunteers/<int:pk>/", views_readiness.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", views_readiness.volunteer_edit, name="volunteer_edit"),
    path(
        "volunteers/<int:pk>/hours/new/",
        views_readiness.volunteer_hours_create,
        name="volunteer_hours_create",
    ),
    path(
        "volunteers/<int:pk>/allowances/new/",
        views_readiness.allowance_create,
        name="allowance_create",
    ),
]
