"""Writes on accounts and roles; each one is audited."""

from __future__ import annotations

import secrets

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import StaffPasswordResetForm
from accounts.models import Role, User
from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from platforms.models import Platform


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (created once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def do_confirm_totp(user: User, device: TOTPDevice, *, actor: Actor) -> list[str]:
    """Confirm the authenticator and issue 10 single-use backup codes (returned once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _i in range(10)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    log_action(AuditEntry.OTP_ENROLLED, actor=user, by=actor)
    return codes


@transaction.atomic
def do_grant_role(
    *,
    platform: Platform,
    request: HttpRequest,
    email: str,
    name: str,
    kind: str,
    organisation=None,
) -> tuple[Role, bool]:
    user = User.objects.filter(email=email.lower()).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=name)
    role, _new = Role.objects.update_or_create(
        user=user, platform=platform, defaults={"kind": kind, "organisation": organisation}
    )
    log_action(
        AuditEntry.ROLE_GRANTED,
        actor=request.user,
        request=request,
        obj=role,
        data={"email": user.email, "kind": kind},
    )
    if created:
        _send_set_password(user, request, platform)
    return role, created


def _send_set_password(user: User, request: HttpRequest, platform: Platform) -> None:
    """Mail a new staff member a one-time link to choose a password.

    PasswordResetForm.save() skips users without a usable password, which is
    exactly what a newly invited user has, so the mail is composed here with
    the same token generator and templates.
    """
    context = {
        "email": user.email,
        "domain": request.get_host(),
        "site_name": "tsunagari",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
    }
    form = StaffPasswordResetForm()
    form.platform = platform
    form.kind = "account.welcome"
    form.send_mail(
        "accounts/email/welcome_subject.txt",
        "accounts/email/welcome.txt",
        context,
        None,
        user.email,
    )


def _last_admin(role: Role) -> bool:
    return (
        role.kind == Role.SECRETARIAT_ADMIN
        and not Role.objects.filter(platform=role.platform, kind=Role.SECRETARIAT_ADMIN)
        .exclude(pk=role.pk)
        .exists()
    )


@transaction.atomic
def do_change_role(role: Role, cleaned: dict, *, actor: Actor) -> str | None:
    """Change a role; returns an error message instead of leaving a platform without an admin."""
    if cleaned["kind"] != Role.SECRETARIAT_ADMIN and _last_admin(role):
        return _("最後の事務局（管理者）の役割は変更できません。先に別の管理者を追加してください。")
    before = role.kind
    role.kind = cleaned["kind"]
    role.organisation = cleaned.get("organisation")
    role.save()
    log_action(
        AuditEntry.ROLE_CHANGED,
        by=actor,
        obj=role,
        data={"email": role.user.email, "from": before, "to": role.kind},
    )
    return None


@transaction.atomic
def do_revoke_role(role: Role, *, actor: Actor) -> str | None:
    if _last_admin(role):
        return _("最後の事務局（管理者）の役割は削除できません。")
    log_action(
        AuditEntry.ROLE_REVOKED,
        by=actor,
        obj=role,
        data={"email": role.user.email, "kind": role.kind},
    )
    role.delete()
    return None
