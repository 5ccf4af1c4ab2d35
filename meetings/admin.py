from django.contrib import admin

from .models import (
    AgreementText,
    Attendance,
    CalendarEvent,
    FollowUpCall,
    GroupAgreement,
    GroupBreak,
    Icebreaker,
    Idea,
    Meeting,
    MeetingSeries,
    Theme,
)


@admin.register(Theme, Icebreaker)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["participant"]
    readonly_fields = ["marked_by", "marked_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["group", "starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["group__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group", "venue", "partner", "icebreaker"]
    filter_horizontal = ["themes"]
    raw_id_fields = ["organisers", "series"]
    readonly_fields = ["version", "recorded_by", "created_at", "updated_at"]
    list_select_related = ["group"]
    inlines = [AttendanceInline]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["group", "first_date", "until_date", "interval_weeks"]
    autocomplete_fields = ["group", "venue"]


@admin.register(GroupBreak)
class GroupBreakAdmin(admin.ModelAdmin):
    list_display = ["group", "starts_on", "ends_on", "reason"]
    autocomplete_fields = ["group"]


@admin.register(CalendarEvent)
class CalendarEventAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "category", "dismissed"]
    list_filter = ["category", "source", "dismissed"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]


@admin.register(FollowUpCall)
class FollowUpCallAdmin(admin.ModelAdmin):
    list_display = ["participant", "called_at", "outcome"]
    autocomplete_fields = ["participant", "called_by"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "status", "votes"]
    list_filter = ["status"]
    autocomplete_fields = ["group", "proposed_by", "proposed_by_staff", "meeting"]
    raw_id_fields = ["organisers"]


class AgreementTextInline(admin.TabularInline):
    model = AgreementText
    extra = 0


@admin.register(GroupAgreement)
class GroupAgreementAdmin(admin.ModelAdmin):
    list_display = ["group", "position", "agreed_on"]
    autocomplete_fields = ["group"]
    inlines = [AgreementTextInline]
