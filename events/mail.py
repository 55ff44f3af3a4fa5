"""Mail of the events app, through the shared outbox (``tsunagari.lib.mail``).

One key per registration and kind of mail, so a step repeated (a retried request, a second
worker) never mails the same person twice.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from events.models import Registration
from platforms.models import Platform
from tsunagari.lib import mail


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def platform_url(name: str, platform: Platform, *args: object) -> str:
    return absolute(reverse(name, args=[platform.slug, *args]))


def queue(
    platform: Platform,
    registration: Registration,
    template: str,
    context: dict[str, object],
    *,
    key: str = "",
) -> None:
    """Queue ``events/email/<template>`` to the registrant (phone sign-ups without e-mail get none)."""
    if not registration.email:
        return
    mail.queue_template(
        f"events/email/{template}",
        {"platform": platform, **context},
        to=[registration.email],
        platform=platform,
        key=key or f"events.{template}:{registration.uuid}",
        kind=f"events.{template}",
        reply_to=[platform.contact_email] if platform.contact_email else None,
    )
