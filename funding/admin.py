from django.contrib import admin

from .models import (
    AllowanceLimit,
    AllowancePayment,
    BudgetLine,
    CoverageLine,
    Expense,
    FacilitatorProfile,
    Fund,
    FundingApplication,
    Grant,
    GrantPayment,
    NeedSignal,
    ReadinessCheck,
    Volunteer,
    VolunteerHours,
)


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "max_amount"]
    list_filter = ["scope"]
    search_fields = ["name"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class CoverageLineInline(admin.TabularInline):
    model = CoverageLine
    extra = 0
    autocomplete_fields = ["fund"]


@admin.register(FundingApplication)
class FundingApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "fund", "status", "amount_requested"]
    list_filter = ["status"]
    search_fields = ["title"]
    autocomplete_fields = ["organisation", "fund"]
    filter_horizontal = ["groups"]
    list_select_related = ["organisation", "fund"]
    inlines = [BudgetLineInline, CoverageLineInline]


class GrantPaymentInline(admin.TabularInline):
    model = GrantPayment
    extra = 0


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["application", "amount", "period_start", "period_end", "report_due"]
    search_fields = ["application__title", "application__fund__name"]
    autocomplete_fields = ["application"]
    list_select_related = ["application", "application__fund"]
    inlines = [GrantPaymentInline]


@admin.register(Expense)
class ExpenseAdmin(admin.ModelAdmin):
    list_display = ["spent_on", "group", "description", "amount", "status"]
    list_filter = ["status", "category"]
    autocomplete_fields = ["group", "grant", "submitted_by", "decided_by"]
    raw_id_fields = ["budget_line", "meeting"]
    list_select_related = ["group"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "active"]
    search_fields = ["full_name"]
    autocomplete_fields = ["organisation", "user"]
    filter_horizontal = ["groups"]


admin.site.register([VolunteerHours, AllowancePayment, NeedSignal, ReadinessCheck])


@admin.register(AllowanceLimit)
class AllowanceLimitAdmin(admin.ModelAdmin):
    list_display = ["year", "per_hour", "per_hour_under_21", "per_month", "per_year"]


@admin.register(FacilitatorProfile)
class FacilitatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "hours_per_week"]
    autocomplete_fields = ["user"]
