"""Tracked links and QR codes per medium: clicks and first contacts, counted on our own server.

No cookie for counting, no IP, no third-party tag: a click adds one to the link's counter
for the day. A first contact is attributed when the person arrives through the link: the
web chat started in the same browser session, or a LINE conversation whose first message
carries the link's ``#code`` (prefilled by the LINE link) or a ``ref=code`` postback.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from consultations.models import LinkClickDay, TrackedLink
from platforms.models import Platform


def do_count_click(link: TrackedLink) -> None:
    with transaction.atomic():
        TrackedLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
        day = timezone.localdate()
        updated = LinkClickDay.objects.filter(link=link, day=day).update(clicks=F("clicks") + 1)
        if not updated:
            LinkClickDay.objects.create(platform=link.platform, link=link, day=day, clicks=1)


def do_create_link(platform: Platform, *, actor: Actor, **fields: Any) -> TrackedLink:
    with transaction.atomic():
        link = TrackedLink.objects.create(platform=platform, **fields)
        log_action("consultation.link_created", by=actor, platform=platform, obj=link)
    return link
