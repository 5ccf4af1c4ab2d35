from django.contrib import admin

from stetapp.security_log import log_event

from .models import City, Group, Membership, Organisation, Programme, Venue
from .services import role_fields


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "province"]
    search_fields = ["name", "cbs_code"]
    list_filter = ["province"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["organisations"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kvk_number"]
    search_fields = ["name"]
    autocomplete_fields = ["city"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "city", "closed_room", "step_free"]
    search_fields = ["name", "address"]
    list_filter = ["closed_room", "step_free"]
    autocomplete_fields = ["organisation", "city"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "city", "community", "composition", "status"]
    list_filter = ["status", "composition"]
    search_fields = ["name", "community"]
    autocomplete_fields = ["organisation", "city", "venue"]
    list_select_related = ["organisation", "city"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user", "programme", "organisation", "group", "fund"]
    list_select_related = ["user", "programme", "organisation", "group", "fund"]

    # Role changes made here are security events too (stetapp/security_log.py).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        event = "role.changed" if change else "role.granted"
        log_event(event, request=request, via="admin", **role_fields(obj))

    def delete_model(self, request, obj):
        fields = role_fields(obj)
        super().delete_model(request, obj)
        log_event("role.revoked", request=request, via="admin", **fields)

    def delete_queryset(self, request, queryset):
        removed = [role_fields(membership) for membership in queryset]
        super().delete_queryset(request, queryset)
        for fields in removed:
            log_event("role.revoked", request=request, via="admin", **fields)
