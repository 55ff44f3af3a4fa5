"""Mail of the events app, in one place.

The project's outbox (``tsunagari.lib.mail``) is being landed by another part of the team; until
it is on main this adapter sends after the commit, as the other apps do today (a failed send is
logged, never breaks the registration). Every mail of the events app goes through ``queue``, so
adopting the outbox changes this one function.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from platforms.models import Platform

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def platform_url(name: str, platform: Platform, *args: object) -> str:
    return absolute(reverse(name, args=[platform.slug, *args]))


def queue(platform: Platform, to: str, template: str, context: dict[str, object]) -> None:
    """Render ``events/email/<template>_subject.txt`` and ``.txt`` and send after the commit."""
    if not to:
        return
    context = {"platform": platform, **context}
    subject = " ".join(render_to_string(f"events/email/{template}_subject.txt", context).split())
    body = render_to_string(f"events/email/{template}.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        reply_to=[platform.contact_email] if platform.contact_email else None,
    )
    transaction.on_commit(message.send, robust=True)
