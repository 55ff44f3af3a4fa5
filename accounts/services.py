"""Writes on accounts and roles; each one is audited."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from accounts.models import Invitation, LoginDelay, Role, User
from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from tsunagari.lib import mail


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


INVITATION_SALT = "accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The signed part of the invitation link (signed with SECRET_KEY; old keys in
    SECRET_KEY_FALLBACKS still verify during a rotation)."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(invitation.uuid.hex)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, if its signature holds and it is younger than ``Invitation.DAYS``
    (None otherwise: a changed, made-up or expired link). Used or cancelled ones are returned; the
    caller checks ``is_open``."""
    try:
        value = signing.TimestampSigner(salt=INVITATION_SALT).unsign(
            token, max_age=datetime.timedelta(days=Invitation.DAYS)
        )
    except signing.BadSignature:
        return None
    with scopes_disabled():  # the link names no platform: its signed invitation does
        return Invitation.objects.select_related("platform", "organisation").filter(uuid=value).first()


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[invitation_token(invitation)])


@transaction.atomic
def do_invite(*, email: str, name: str, kind: str, organisation: Any = None, actor: Actor) -> Invitation:
    """Invite a person to a role on the actor's platform: mail a signed link through the outbox.

    Nothing tells whether the address already has an account: no account is created or touched
    here, the mail and the audit entry are the same either way. An open invitation of the same
    address on this platform is replaced (its link stops working)."""
    platform = actor.platform
    assert platform is not None
    email = email.strip().lower()
    now = timezone.now()
    Invitation.objects.filter(platform=platform, email=email, accepted_at=None, cancelled_at=None).update(
        cancelled_at=now
    )
    invitation = Invitation.objects.create(
        platform=platform,
        email=email,
        name=name,
        kind=kind,
        organisation=organisation,
        invited_by=actor.user,
        expires_at=now + datetime.timedelta(days=Invitation.DAYS),
    )
    log_action(
        AuditEntry.ROLE_INVITED,
        by=actor,
        obj=invitation,
        data={"email": email, "kind": kind},
    )
    mail.queue_template(
        "accounts/email/invitation",
        {
            "invitation": invitation,
            "platform": platform,
            "url": invitation_url(invitation),
            "days": Invitation.DAYS,
            "invited_by": actor.user,
        },
        to=[email],
        platform=platform,
        key=f"invitation:{invitation.uuid}",
        kind="account.invitation",
        sensitive=True,
    )
    return invitation


class InvitationClosed(Exception):
    """The invitation was accepted, cancelled or has expired meanwhile."""


@transaction.atomic
def do_accept_invitation(
    invitation: Invitation, *, user: User | None, name: str = "", password: str = "", actor: Actor
) -> Role:
    """Turn an open invitation into a role. ``user`` is the signed-in account of the invited
    address, or None for a new person, whose account is created with ``name`` and ``password``
    (validated by the form). Usable once: the invitation row is locked and checked again."""
    with scopes_disabled():  # the invitation page is outside any platform's pages
        locked = Invitation.objects.select_for_update().select_related("platform").get(pk=invitation.pk)
    if not locked.is_open:
        raise InvitationClosed
    if user is None:
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationClosed  # an account appeared meanwhile: sign in with it instead
        user = User.objects.create_user(email=locked.email, password=password, name=name or locked.name)
        created = True
    else:
        if user.email.lower() != locked.email:
            raise PermissionError("the invitation is for another address")
        created = False
    role, _new = Role.objects.update_or_create(
        user=user,
        platform=locked.platform,
        defaults={"kind": locked.kind, "organisation": locked.organisation},
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    log_action(
        AuditEntry.ROLE_GRANTED,
        actor=user,
        platform=locked.platform,
        obj=role,
        data={
            "email": user.email,
            "kind": locked.kind,
            "invitation": str(locked.uuid),
            "invited_by": locked.invited_by.email if locked.invited_by else "",
            "new_account": created,
        },
        by=actor,
    )
    return role


@transaction.atomic
def do_cancel_invitation(invitation: Invitation, *, actor: Actor) -> None:
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        return
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    log_action(
        AuditEntry.ROLE_INVITATION_CANCELLED,
        by=actor,
        obj=invitation,
        data={"email": invitation.email, "kind": invitation.kind},
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


def log_role_by_operator(action: str, role: Role, *, actor: Actor, previous: str | None = None) -> None:
    """A role granted, changed or removed on the operator's admin site, in the audit log of the
    role's platform (called inside the admin's transaction)."""
    data: dict[str, Any] = {"email": role.user.email, "kind": role.kind, "via": "admin"}
    if previous is not None:
        data["from"] = previous
    log_action(action, by=actor, obj=role, platform=role.platform, data=data)


@transaction.atomic
def do_send_password_link(user: User, *, actor: Actor) -> None:
    """Mail an account a one-time link to choose its password (through the outbox).

    Django's PasswordResetForm.save() skips accounts without a usable password, which is what a
    new account has, so the mail is composed here with the same token generator."""
    context = {
        "user": user,
        "url": settings.SITE_URL.rstrip("/")
        + reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        ),
    }
    mail.queue_template(
        "accounts/email/welcome",
        context,
        to=[user.email],
        kind="account.welcome",
        sensitive=True,
    )
    log_action(AuditEntry.PASSWORD_LINK_SENT, by=actor, obj=user, platform=None, data={"email": user.email})


def login_wait(username: str) -> datetime.timedelta:
    """How long the account name must wait before its next sign-in try (zero when it may)."""
    delay = LoginDelay.objects.filter(username=username.strip().lower()[:254]).first()
    return delay.wait(timezone.now()) if delay is not None else datetime.timedelta(0)


@transaction.atomic
def record_login_failure(username: str) -> LoginDelay:
    """One more failed sign-in of this account name, from whatever address (failures older than a
    day are forgotten first)."""
    now = timezone.now()
    delay, _created = LoginDelay.objects.select_for_update().get_or_create(
        username=username.strip().lower()[:254]
    )
    if delay.last_failure_at is not None and now - delay.last_failure_at > LoginDelay.FORGET_AFTER:
        delay.failures = 0
    delay.failures += 1
    delay.last_failure_at = now
    delay.save()
    return delay


def clear_login_failures(username: str) -> None:
    LoginDelay.objects.filter(username=username.strip().lower()).delete()


@transaction.atomic
def do_unlock_account(user: User, *, actor: Actor) -> bool:
    """The secretariat admin lets a colleague sign in again at once: the delay of the account and
    every lock of it per client address (django-axes) are cleared. Returns whether there was any."""
    delays = LoginDelay.objects.filter(username=user.email.lower(), failures__gt=0)
    attempts = AccessAttempt.objects.filter(username=user.email.lower())
    had = delays.exists() or attempts.exists()
    failures = sum(delays.values_list("failures", flat=True))
    delays.delete()
    attempts.delete()
    log_action(
        AuditEntry.ACCOUNT_UNLOCKED,
        by=actor,
        obj=user,
        data={"email": user.email, "failures": failures, "was_locked": had},
    )
    return had


def lock_state(user: User) -> dict[str, Any]:
    """What the staff page shows of an account's sign-in limits."""
    delay = LoginDelay.objects.filter(username=user.email.lower()).first()
    return {
        "failures": delay.failures if delay else 0,
        "wait": delay.wait(timezone.now()) if delay else datetime.timedelta(0),
        "locked_addresses": AccessAttempt.objects.filter(
            username=user.email.lower(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).count(),
    }
