from __future__ import annotations

import base64
from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import EmailAuthenticationForm, StaffPasswordResetForm, TokenForm
from accounts.http import StaffRequest
from accounts.models import Role, User
from accounts.permissions import Actor, permission_required
from audit.models import AuditEntry
from audit.services import log_action
from tsunagari.lib.throttle import check


def _safe_next(request: HttpRequest, default: str = "accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    from django.urls import reverse

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
            from django.urls import reverse

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


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect(f"{_url('accounts:otp_setup')}?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        log_action(AuditEntry.OTP_FAILED, actor=user, request=request)
        form.add_error("token", _("確認コードが正しくないか、有効期限が切れています。"))
    return render(request, "accounts/otp.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect(f"{_url('accounts:otp')}?next={_safe_next(request)}")
    device = services.pending_totp_device(user)
    form = TokenForm(request.POST or None)
    backup_codes: list[str] = []
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            backup_codes = services.do_confirm_totp(user, device, actor=Actor.from_request(request))
            otp_login(request, device)
            return render(
                request,
                "accounts/otp_done.html",
                {"backup_codes": backup_codes, "next": _safe_next(request)},
            )
        form.add_error("token", _("確認コードが一致しません。端末の時刻が正しいか確認してください。"))
    qr = segno.make(device.config_url, error="m")
    qr_data = base64.b64encode(qr.svg_inline(scale=4).encode()).decode()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_data": qr_data, "secret": secret, "next": _safe_next(request)},
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    roles = user.roles.select_related("platform").order_by("platform__code")
    first = roles.first()
    if first is not None and roles.count() == 1:
        return redirect("platforms:dashboard", first.platform.slug)
    return render(request, "accounts/home.html", {"roles": roles})


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff")
def staff_users(request: StaffRequest) -> HttpResponse:
    from accounts.forms_staff import GrantRoleForm

    platform = request.platform
    form = GrantRoleForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        role, created = services.do_grant_role(platform=platform, request=request, **form.cleaned_data)
        if created:
            messages.success(
                request,
                _("%(email)s を登録し、パスワード設定の案内メールの送信を予約しました。")
                % {"email": role.user.email},
            )
        else:
            messages.success(request, _("%(email)s に役割を付与しました。") % {"email": role.user.email})
        return redirect("accounts:staff_users", platform.slug)
    roles = (
        Role.objects.filter(platform=platform)
        .select_related("user", "organisation")
        .order_by("kind", "user__email")
    )
    return render(request, "accounts/staff_users.html", {"form": form, "roles": roles})


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff")
def staff_role(request: StaffRequest, role_uuid: str) -> HttpResponse:
    from accounts.forms_staff import ChangeRoleForm

    platform = request.platform
    target = get_object_or_404(Role.objects.select_related("user"), platform=platform, uuid=role_uuid)
    form = ChangeRoleForm(request.POST or None, instance=target, platform=platform)
    if request.method == "POST":
        if "revoke" in request.POST:
            error = services.do_revoke_role(target, actor=request.actor)
            if error:
                messages.error(request, error)
                return redirect("accounts:staff_role", platform.slug, target.uuid)
            messages.success(request, _("役割を削除しました。"))
            return redirect("accounts:staff_users", platform.slug)
        if form.is_valid():
            error = services.do_change_role(target, form.cleaned_data, actor=request.actor)
            if error:
                messages.error(request, error)
            else:
                messages.success(request, _("役割を変更しました。"))
                return redirect("accounts:staff_users", platform.slug)
    return render(request, "accounts/staff_role.html", {"form": form, "target": target})


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
