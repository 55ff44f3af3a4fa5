from __future__ import annotations

import base64
import io
from typing import Any, cast
from uuid import UUID

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import EmailAuthenticationForm, StaffPasswordResetForm, TokenForm
from accounts.forms_staff import AcceptInvitationForm, ChangeRoleForm, GrantRoleForm
from accounts.http import StaffRequest
from accounts.models import Invitation, Role, User
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
    # A whole SVG document (with its xmlns): an inline fragment does not render as an <img>.
    svg = io.BytesIO()
    qr.save(svg, kind="svg", scale=4, xmldecl=False)
    qr_data = base64.b64encode(svg.getvalue()).decode()
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
    platform = request.platform
    form = GrantRoleForm(request.POST or None, platform=platform)
    if request.method == "POST" and form.is_valid():
        invitation = services.do_invite(**form.cleaned_data, actor=request.actor)
        # The same words whether or not the address already has an account.
        messages.success(
            request,
            _("%(email)s に招待メールの送信を予約しました。承諾されると役割が付与されます。")
            % {"email": invitation.email},
        )
        return redirect("accounts:staff_users", platform.slug)
    roles = (
        Role.objects.filter(platform=platform)
        .select_related("user", "organisation")
        .order_by("kind", "user__email")
    )
    invitations = Invitation.objects.filter(
        platform=platform, accepted_at=None, cancelled_at=None, expires_at__gt=timezone.now()
    ).select_related("organisation", "invited_by")
    return render(
        request,
        "accounts/staff_users.html",
        {"form": form, "roles": roles, "invitations": invitations},
    )


@permission_required("accounts.manage_staff")
def invitation_cancel(request: StaffRequest, uuid: UUID) -> HttpResponse:
    invitation = get_object_or_404(Invitation, platform=request.platform, uuid=uuid)  # 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.do_cancel_invitation(invitation, actor=request.actor)
    messages.success(request, _("%(email)s への招待を取り消しました。") % {"email": invitation.email})
    return redirect("accounts:staff_users", request.platform.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a new person chooses a password (then enrols the authenticator); a person
    who has an account signs in with it first and accepts."""
    found = services.invitation_for_token(token)
    if found is None or not found.is_open:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user: Any = request.user
    has_account = User.objects.filter(email__iexact=found.email).exists()
    signed_in_as_invitee = user.is_authenticated and user.email.lower() == found.email
    form = None
    if not has_account and not user.is_authenticated:
        form = AcceptInvitationForm(request.POST or None, email=found.email, initial={"name": found.name})
    if request.method == "POST" and (signed_in_as_invitee or (form is not None and form.is_valid())):
        actor = Actor.from_request(request)
        try:
            if form is not None:
                role = services.do_accept_invitation(
                    found,
                    user=None,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                    actor=actor,
                )
                login(request, role.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                role = services.do_accept_invitation(found, user=user, actor=actor)
        except services.InvitationClosed:
            return render(request, "accounts/invitation_invalid.html", status=410)
        messages.success(request, _("%(platform)s の役割を承諾しました。") % {"platform": role.platform.name})
        # Staff pages ask for the second factor, enrolling the authenticator first if needed.
        return redirect("platforms:dashboard", role.platform.slug)
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": found,
            "form": form,
            "has_account": has_account,
            "signed_in_as_invitee": signed_in_as_invitee,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("accounts.manage_staff")
def staff_role(request: StaffRequest, role_uuid: str) -> HttpResponse:
    platform = request.platform
    target = get_object_or_404(Role.objects.select_related("user"), platform=platform, uuid=role_uuid)
    form = ChangeRoleForm(request.POST or None, instance=target, platform=platform)
    if request.method == "POST":
        if "unlock" in request.POST:
            services.do_unlock_account(target.user, actor=request.actor)
            messages.success(
                request, _("%(email)s のログイン制限を解除しました。") % {"email": target.user.email}
            )
            return redirect("accounts:staff_role", platform.slug, target.uuid)
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
    return render(
        request,
        "accounts/staff_role.html",
        {"form": form, "target": target, "lock": services.lock_state(target.user)},
    )


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
