"""Signing in (e-mail address and password, then the second factor), signing out, the throttled
password reset, and the account's home (its platforms)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import queries
from accounts.forms.signin import EmailAuthenticationForm, StaffPasswordResetForm
from accounts.models import User
from tsunagari.lib.throttle import check


def safe_next(request: HttpRequest, default: str = "accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse(default)


class EmailLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user.requires_2fa:
            nxt = self.get_success_url()
            has_device = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
            target = "accounts:otp" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={nxt}")
        return response


login_view = EmailLoginView.as_view()


PASSWORD_RESETS_PER_HOUR = 5  # per client address
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 3  # per e-mail address, from any client


class ThrottledPasswordResetView(PasswordResetView):
    """Password reset that cannot be used to flood an inbox: over the limits (per client and per
    e-mail address, shared by all workers) it answers 429 with Retry-After, the same whether or
    not the address has an account."""

    template_name = "accounts/password_reset.html"
    form_class = StaffPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        check(request, "password_reset", limit=PASSWORD_RESETS_PER_HOUR, window=3600)
        address = request.POST.get("email", "").strip().lower()
        if address:
            check(
                request,
                "password_reset_address",
                limit=PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
                window=3600,
                key=address,
            )
        return super().post(request, *args, **kwargs)


password_reset = ThrottledPasswordResetView.as_view()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("ログアウトしました。"))
    return redirect("accounts:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    roles = queries.roles_of(user)
    first = roles.first()
    if first is not None and roles.count() == 1:
        return redirect("platforms:dashboard", first.platform.slug)
    return render(request, "accounts/home.html", {"roles": roles})
