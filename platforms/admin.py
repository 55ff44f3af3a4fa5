from django.contrib import admin
from django.http import HttpRequest

from audit.services import log_action
from platforms.models import Platform
from platforms.services.creation import set_up


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "code", "owner_name", "is_public", "created_at"]
    search_fields = ["name", "slug", "code", "owner_name"]
    list_filter = ["is_public"]

    def get_readonly_fields(self, request: HttpRequest, obj: Platform | None = None) -> list[str]:
        # The slug is in every URL and the code identifies the municipality: fixed after creation.
        return ["slug", "code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Platform, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            set_up(obj)
            log_action("platform.created", actor=request.user, platform=obj, obj=obj, request=request)
