"""Helpers shared by the governance services: actors, locks, refusals and mail after commit.

The signed links the mails carry are made in ``governance.signing``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.permissions import Actor
from platforms.models import Platform
from tsunagari.lib import mail as outbox


def user_of(actor: Actor | None) -> User | None:
    """The signed-in person acting (None for the system or a visitor with a signed link)."""
    return actor.user if actor is not None else None


def locked(model: Any, obj: Any) -> Any:
    """Re-read ``obj`` with a row lock so two clicks cannot decide the same thing twice."""
    return model.objects.select_for_update().get(pk=obj.pk)


def mail(platform: Platform, to: str, template: str, context: dict[str, Any], *, key: str) -> None:
    """Queue ``governance/email/<template>`` in the outbox (sent after commit, with retries).

    ``key`` makes it idempotent: the same event for the same recipient is queued once.
    """
    if not to:
        return
    context = {"platform": platform, "site_url": settings.SITE_URL, **context}
    outbox.queue_template(
        f"governance/email/{template}",
        context,
        to=[to],
        platform=platform,
        key=f"governance.{template}:{key}",
        kind=f"governance.{template}",
        reply_to=[platform.contact_email] if platform.contact_email else None,
    )


def refuse(message: str, article: str = "") -> ValidationError:
    """A refusal naming the article that forbids it."""
    return ValidationError(f"{message}（{article}）" if article else message)
