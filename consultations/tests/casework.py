"""Fixtures for casework tests: conversations with messages, consents, referrals."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.permissions import Actor
from consultations.models import (
    Channel,
    ChannelKind,
    Consent,
    Consulter,
    Conversation,
    Direction,
    Message,
    ShareItem,
)
from partnership.models import MemberOrganisation
from platforms.models import Platform


def channel_of(platform: Platform, kind: str = ChannelKind.LINE) -> Channel:
    with scopes_disabled():
        channel, _created = Channel.objects.get_or_create(
            platform=platform, kind=kind, defaults={"name": "LINE" if kind == ChannelKind.LINE else "Web"}
        )
        return channel


def make_conversation(
    platform: Platform,
    *texts: str,
    kind: str = ChannelKind.LINE,
    label: str = "",
    urgent: bool = False,
    at: datetime.datetime | None = None,
    **extra: Any,
) -> Conversation:
    """A consultation whose person sent ``texts`` (one message each, a minute apart)."""
    at = at or timezone.now() - datetime.timedelta(hours=1)
    with scopes_disabled():
        channel = channel_of(platform, kind)
        consulter = Consulter.objects.create(
            platform=platform,
            channel=channel,
            identity_hash=secrets.token_hex(32),
            label=label or secrets.token_hex(2).upper(),
            first_contact_at=at,
        )
        conversation = Conversation.objects.create(
            platform=platform, consulter=consulter, channel=channel, urgent=urgent, opened_at=at, **extra
        )
        for index, text in enumerate(texts):
            when = at + datetime.timedelta(minutes=index)
            Message.objects.create(
                platform=platform,
                conversation=conversation,
                direction=Direction.INBOUND,
                text=text,
                created_at=when,
            )
            conversation.last_inbound_at = when
            conversation.last_message_at = when
        conversation.save()
        return conversation


def make_consent(
    conversation: Conversation,
    *organisations: MemberOrganisation,
    items: tuple[str, ...] = (ShareItem.SUMMARY, ShareItem.PROFILE),
    city_divisions: bool = False,
    days: int = 30,
) -> Consent:
    with scopes_disabled():
        consent = Consent.objects.create(
            platform=conversation.platform,
            conversation=conversation,
            items=list(items),
            city_divisions=city_divisions,
            valid_until=timezone.localdate() + datetime.timedelta(days=days),
            statement="「市の窓口に伝えてよい」と返信あり",
        )
        consent.organisations.set(organisations)
        return consent


def actor(user: Any, platform: Platform) -> Actor:
    """Who acts in a service call a test makes directly (the view passes ``request.actor``)."""
    return Actor(user=user, role=None, platform=platform)
