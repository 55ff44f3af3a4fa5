"""The operator's admin pages for accounts.

No password is ever typed by an operator: a new account gets a mailed link to choose its own
(``services.signin.do_send_password_link``), and the admin's "change password" page is gone. Roles
granted, changed or removed here are written to the audit log of the platform concerned, and a
change of an account's operator rights (``is_staff``, ``is_superuser``, ``is_active``) to the
operator-wide log and to every platform the account has a role on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from accounts.models import Invitation, Role, User
from accounts.permissions import Actor
from accounts.services.roles import do_log_role_by_operator
from accounts.services.signin import do_send_password_link
from audit.models import AuditEntry
from audit.services import log_action


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ["platform", "kind", "organisation"]
    raw_id_fields = ["organisation"]


class UserAddForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "name"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.email = user.email.strip().lower()
        user.set_unusable_password()
        if commit:
            user.save()
        return user


OPERATOR_FIELDS = ("is_staff", "is_superuser", "is_active")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active", "is_staff"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("email", "name")}),
        ("権限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("日時", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    add_form = UserAddForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name")}),)

    def get_urls(self) -> list[Any]:
        # Without BaseUserAdmin's "<id>/password/" page: operators never set a password.
        return admin.ModelAdmin.get_urls(self)

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        actor = Actor.from_request(request)
        changed = [name for name in OPERATOR_FIELDS if name in form.changed_data]
        if change and changed:
            data = {"email": obj.email, **{name: getattr(obj, name) for name in changed}}
            log_action(AuditEntry.OPERATOR_CHANGED, by=actor, obj=obj, data=data, platform=None)
            for role in obj.roles.select_related("platform"):
                log_action(AuditEntry.OPERATOR_CHANGED, by=actor, obj=obj, data=data, platform=role.platform)
        if not change:
            do_send_password_link(obj, actor=actor)
            messages.info(request, f"{obj.email} にパスワード設定の案内メールの送信を予約しました。")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Role:
            super().save_formset(request, form, formset, change)
            return
        before = {
            f.instance.pk: (f.initial.get("kind"), f.initial.get("platform")) for f in formset.initial_forms
        }
        super().save_formset(request, form, formset, change)
        actor = Actor.from_request(request)
        for role in formset.new_objects:
            do_log_role_by_operator(AuditEntry.ROLE_GRANTED, role, actor=actor)
        for role, _fields in formset.changed_objects:
            kind, _platform = before.get(role.pk, (None, None))
            do_log_role_by_operator(AuditEntry.ROLE_CHANGED, role, actor=actor, previous=kind)
        for role in formset.deleted_objects:
            do_log_role_by_operator(AuditEntry.ROLE_REVOKED, role, actor=actor)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "platform", "kind", "created_at", "expires_at", "accepted_at", "cancelled_at"]
    list_filter = ["platform", "kind"]
    search_fields = ["email", "name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
