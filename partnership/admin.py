"""Operator views of partnership data (across platforms; staff use the platform pages)."""

from django.contrib import admin

from partnership.models import (
    ActivityField,
    Application,
    Council,
    CouncilSeat,
    MemberOrganisation,
    MemberTier,
)


@admin.register(ActivityField)
class ActivityFieldAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code"]
    ordering = ["order"]


@admin.register(MemberTier)
class MemberTierAdmin(admin.ModelAdmin):
    list_display = ["platform", "name", "order", "is_default", "can_recommend"]
    list_filter = ["platform"]


@admin.register(MemberOrganisation)
class MemberOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "org_type", "tier", "status", "joined_on"]
    list_filter = ["platform", "org_type", "status"]
    search_fields = ["name", "name_kana"]
    raw_id_fields = ["tier"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "status", "submitted_at"]
    list_filter = ["platform", "status"]
    search_fields = ["name", "name_kana"]
    raw_id_fields = ["previous_member", "recommended_by", "organisation"]


class SeatInline(admin.TabularInline):
    model = CouncilSeat
    extra = 0
    raw_id_fields = ["member"]
    exclude = ["platform"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "field", "department"]
    list_filter = ["platform"]
    inlines = [SeatInline]

    def save_formset(self, request, form, formset, change):
        """Seats belong to their council's platform."""
        seats = formset.save(commit=False)
        for seat in formset.deleted_objects:
            seat.delete()
        for seat in seats:
            seat.platform = form.instance.platform
            seat.save()
        formset.save_m2m()
