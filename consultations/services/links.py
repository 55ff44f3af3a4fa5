"""Tracked links and QR codes per medium: clicks and first contacts, counted on our own server.

No cookie for counting, no IP, no third-party tag: a click adds one to the link's counter
for the day. A first contact is attributed when the person arrives through the link: the
web chat started in the same browser session, or a LINE conversation whose first message
carries the link's ``#code`` (prefilled by the LINE link) or a ``ref=code`` postback.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from accounts.permissions import Actor
from audit.services import log_action
from consultations.models import Channel, ChannelKind, LinkClickDay, TrackedLink
from platforms.models import Platform


def do_count_click(link: TrackedLink) -> None:
    with transaction.atomic():
        TrackedLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
        day = timezone.localdate()
        updated = LinkClickDay.objects.filter(link=link, day=day).update(clicks=F("clicks") + 1)
        if not updated:
            LinkClickDay.objects.create(platform=link.platform, link=link, day=day, clicks=1)


def line_url(link: TrackedLink) -> str | None:
    """LINE's 'send a message to the official account' URL with the link's code prefilled."""
    channel = Channel.objects.filter(kind=ChannelKind.LINE).first()
    if channel is None or not channel.line_basic_id:
        return None
    text = urllib.parse.quote(f"相談したいです #{link.code}")
    return f"https://line.me/R/oaMessage/{urllib.parse.quote(channel.line_basic_id)}/?{text}"


def do_create_link(platform: Platform, *, actor: Actor, **fields: Any) -> TrackedLink:
    with transaction.atomic():
        link = TrackedLink.objects.create(platform=platform, **fields)
        log_action("consultation.link_created", by=actor, platform=platform, obj=link)
    return link


def link_stats(platform: Platform) -> QuerySet[TrackedLink]:
    """Links with clicks, first contacts (people) and their consultations."""
    return (
        TrackedLink.objects.filter(platform=platform)
        .annotate(
            people=Count("consulters", distinct=True),
            consultations=Count("consulters__conversations", distinct=True),
        )
        .order_by("medium", "label")
    )
