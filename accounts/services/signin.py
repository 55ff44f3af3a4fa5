"""Signing in: the growing delays after failed tries, unlocking an account, the mailed link to
choose a password."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import LoginDelay, User
from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from tsunagari.lib import mail


@transaction.atomic
def do_record_login_failure(username: str) -> LoginDelay:
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


def do_clear_login_failures(username: str) -> None:
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
