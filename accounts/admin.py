from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Role, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ["platform", "kind", "organisation"]
    raw_id_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "name")}),
        ("権限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("日時", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)
