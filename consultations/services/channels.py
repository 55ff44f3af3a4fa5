"""Channel configuration: the LINE credentials (stored encrypted) and the web chat."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from audit.services import log_action
from consultations.models import Channel, ChannelKind, DeskSettings
from platforms.models import Platform


def desk_settings(platform: Platform) -> DeskSettings:
    desk, _created = DeskSettings.objects.get_or_create(platform=platform)
    return desk


def web_channel(platform: Platform) -> Channel:
    channel, _created = Channel.objects.get_or_create(
        platform=platform, kind=ChannelKind.WEB, defaults={"name": "Webチャット"}
    )
    return channel


def do_configure_line(
    platform: Platform,
    *,
    secret: str = "",
    token: str = "",
    basic_id: str | None = None,
    name: str | None = None,
    actor: Any = None,
    request: Any = None,
) -> Channel:
    """Set the LINE channel secret and/or access token (empty = keep the stored one)."""
    with transaction.atomic():
        channel, created = Channel.objects.select_for_update().get_or_create(
            platform=platform, kind=ChannelKind.LINE, defaults={"name": name or "LINE"}
        )
        changed = []
        if secret:
            channel.line_channel_secret = secret
            changed.append("secret")
        if token:
            channel.line_access_token = token
            changed.append("token")
        if basic_id is not None:
            channel.line_basic_id = basic_id
            changed.append("basic_id")
        if name:
            channel.name = name
        channel.save()
        desk_settings(platform)
        # Which credentials changed, never their values.
        log_action(
            "consultation.line_configured",
            actor=actor,
            platform=platform,
            obj=channel,
            request=request,
            label="command" if actor is None else "",
            data={"changed": changed, "created": created},
        )
    return channel
