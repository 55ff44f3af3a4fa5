"""``log_action``: the one way to write to the audit log (re-exported as ``audit.services.log_action``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.http import HttpRequest

from audit.models import AuditEntry
from tsunagari.lib.client import client_ip

if TYPE_CHECKING:  # platforms sits above audit (it writes the log)
    from platforms.models import Platform


class Acting(Protocol):
    """Who acts (``accounts.permissions.Actor``): the audit log reads these three."""

    @property
    def user(self) -> Any: ...
    @property
    def platform(self) -> Platform | None: ...
    @property
    def ip_address(self) -> str | None: ...


def log_action(
    action: str,
    *,
    actor: Any = None,
    platform: Platform | None = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    label: str = "",
    by: Acting | None = None,
) -> AuditEntry:
    """Record one audit entry. Never put message content or other sensitive text in ``data``.

    Services pass ``by=actor`` (an ``Actor``: user, platform, address); ``actor=``/``request=``
    remain for callers that have not moved to actors yet.
    """
    ip_address = client_ip(request)
    if by is not None:
        actor = actor if actor is not None else by.user
        platform = platform if platform is not None else by.platform
        ip_address = ip_address or by.ip_address
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
        ip_address=ip_address,
    )
