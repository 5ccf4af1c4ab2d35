from django.contrib import admin

from .models import Consent, Enrolment, Intake, Participant, SocialService


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["recorded_at"]
    autocomplete_fields = ["recorded_by", "withdrawn_by"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["group"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "group", "status", "channel"]
    list_filter = ["status", "channel", "gender"]
    search_fields = ["full_name"]
    autocomplete_fields = ["group", "referred_by", "created_by"]
    list_select_related = ["group"]
    readonly_fields = ["version", "created_at", "updated_at", "updated_by"]
    inlines = [ConsentInline, EnrolmentInline]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["participant", "held_on", "location", "group_fits"]
    autocomplete_fields = ["participant", "conducted_by"]
    list_select_related = ["participant"]


@admin.register(SocialService)
class SocialServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "organisation"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation", "city"]
    list_select_related = ["city", "organisation"]
