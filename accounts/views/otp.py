"""The second factor: the code at each sign-in, and enrolling the authenticator (QR code, backup codes)."""

from __future__ import annotations

import base64
import io
from typing import cast

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms.otp import TokenForm
from accounts.models import User
from accounts.permissions import Actor
from accounts.services.otp import do_begin_totp_enrolment, do_confirm_totp
from accounts.views.signin import safe_next
from audit.models import AuditEntry
from audit.services import log_action


@require_http_methods(["GET", "POST"])
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp_setup')}?next={safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(safe_next(request))
        log_action(AuditEntry.OTP_FAILED, actor=user, request=request)
        form.add_error("token", _("確認コードが正しくないか、有効期限が切れています。"))
    return render(request, "accounts/otp.html", {"form": form, "next": safe_next(request)})


@require_http_methods(["GET", "POST"])
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp')}?next={safe_next(request)}")
    device = do_begin_totp_enrolment(user)
    form = TokenForm(request.POST or None)
    backup_codes: list[str] = []
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            backup_codes = do_confirm_totp(user, device, actor=Actor.from_request(request))
            otp_login(request, device)
            return render(
                request,
                "accounts/otp_done.html",
                {"backup_codes": backup_codes, "next": safe_next(request)},
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
        {"form": form, "qr_data": qr_data, "secret": secret, "next": safe_next(request)},
    )
