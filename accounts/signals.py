"""Security events go to the audit log."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import log_action


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_action(AuditEntry.LOGIN, actor=user, request=request, platform=None)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_action(AuditEntry.LOGOUT, actor=user, request=request, platform=None)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    from accounts.models import User

    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    user = User.objects.filter(email=email.lower()).first()
    log_action(AuditEntry.LOGIN_FAILED, actor=user, request=request, platform=None, label=email)


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    from accounts.models import User

    user = User.objects.filter(email=(username or "").lower()).first()
    log_action(AuditEntry.LOCKED_OUT, actor=user, request=request, platform=None, label=username or "")
