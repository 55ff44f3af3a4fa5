"""The second factor: enrolling an authenticator and its backup codes."""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action


def do_begin_totp_enrolment(user: User) -> TOTPDevice:
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
