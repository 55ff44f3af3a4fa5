"""``log_action``: the one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from audit.models import AuditEntry
from platforms.models import Platform
from tsunagari.lib import mail
from tsunagari.lib.outbox.models import OutboxMail


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def log_action(
    action: str,
    *,
    actor: Any = None,
    platform: Platform | None = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    label: str = "",
) -> AuditEntry:
    """Record one audit entry. Never put message content or other sensitive text in ``data``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if platform is None and request is not None:
        platform = getattr(request, "platform", None)
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=(getattr(actor, "email", "") if actor is not None else label)[:254],
        platform=platform,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(getattr(obj, "uuid", None) or getattr(obj, "pk", "") or "") if obj else "",
        object_label=str(obj)[:255] if obj is not None else "",
        data=data or {},
        ip_address=client_ip(request),
    )


@transaction.atomic
def do_requeue_mail(outbox_mail: OutboxMail, *, request: HttpRequest) -> bool:
    """The secretariat sends a failed mail again (False when it is not failed)."""
    if not mail.requeue(outbox_mail):
        return False
    log_action(
        AuditEntry.MAIL_REQUEUED,
        actor=getattr(request, "user", None),
        obj=outbox_mail,
        request=request,
    )
    return True
