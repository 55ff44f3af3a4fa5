"""Security events go to the audit log."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_scopes import scopes_disabled

from accounts.services.signin import do_clear_login_failures, do_record_login_failure
from audit.models import AuditEntry
from audit.services import log_action
from platforms.models import Platform


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_action(AuditEntry.LOGIN, actor=user, request=request, platform=None)
    do_clear_login_failures(user.email)


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
    if email:
        do_record_login_failure(email)


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    from accounts.models import User

    user = User.objects.filter(email=(username or "").lower()).first()
    log_action(AuditEntry.LOCKED_OUT, actor=user, request=request, platform=None, label=username or "")


@receiver(post_save, sender=LogEntry)
def on_admin_log_entry(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """Every add, change or deletion on the operator's admin site, in the audit log of the platform
    the object belongs to (the operator-wide log, platform empty, for objects of no platform).

    Django writes a ``LogEntry`` per object for each admin form (bulk deletion is switched off on
    the site, ``accounts.admin_site``); a deletion's entry is written before the object goes, so
    its platform is still known. Only the names of the changed fields are kept, never values."""
    if not created:
        return
    action = {
        ADDITION: AuditEntry.ADMIN_ADDED,
        CHANGE: AuditEntry.ADMIN_CHANGED,
        DELETION: AuditEntry.ADMIN_DELETED,
    }[instance.action_flag]
    obj = None
    with scopes_disabled():
        try:
            obj = instance.get_edited_object()
        except (ObjectDoesNotExist, AttributeError):
            obj = None
        platform = obj if isinstance(obj, Platform) else getattr(obj, "platform", None)
    if platform is not None and not isinstance(platform, Platform):
        platform = None
    content_type = instance.content_type
    log_action(
        action,
        actor=instance.user,
        platform=platform,
        label=str(instance.user),
        data={
            "model": f"{content_type.app_label}.{content_type.model}" if content_type else "",
            "object_id": str(instance.object_id or ""),
            "object": instance.object_repr,
            "change": instance.get_change_message(),
        },
    )
