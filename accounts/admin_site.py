"""The operator's admin site (``/admin/``) behind the product's own sign-in and second factor.

Django's default site asks for a password only. This one lets in only active operators
(``is_staff``) whose session passed the second factor (django-otp's ``is_verified``): its login
page sends the person to the product's sign-in (``accounts:login``), which sends every operator on
to the authenticator (enrolling one first, as for secretariat staff) and back to ``/admin/``.
An operator signed in and verified but without ``is_staff`` gets 403 rather than a login loop.

Bulk deletion (the ``delete_selected`` action) is off: every change an operator makes goes
through a form, one object at a time, so that each is written to the audit log of the platform it
touches (``accounts.signals.on_admin_log_entry``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def _verified(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


class OperatorAdminSite(admin.AdminSite):
    site_header = "tsunagari 運営者管理サイト"
    site_title = "tsunagari 運営者"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self.disable_action("delete_selected")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and _verified(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}) or not target.startswith(
            "/admin/"
        ):
            target = reverse("admin:index", current_app=self.name)
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(target, settings.LOGIN_URL)
        if not _verified(request):
            return redirect(f"{reverse('accounts:otp')}?next={target}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        return redirect(target)
