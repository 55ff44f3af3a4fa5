"""Channel configuration: the LINE credentials (stored encrypted) and the web chat."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Actor
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
    actor: Actor | None = None,
) -> Channel:
    """Set the LINE channel secret and/or access token (empty = keep the stored one)."""
    with transaction.atomic():
        channel, created = Channel.objects.select_for_update().get_or_create(
            platform=platform, kind=ChannelKind.LINE, defaults={"name": name or "LINE"}
        )
        changed = []
        if secret:
            if channel.line_channel_secret and channel.line_channel_secret != secret:
                channel.line_previous_secret = channel.line_channel_secret
                channel.line_secret_changed_at = timezone.now()
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
            by=actor,
            platform=platform,
            obj=channel,
            label="command" if actor is None else "",
            data={"changed": changed, "created": created},
        )
    return channel


def do_save_desk(form: Any, *, actor: Actor) -> DeskSettings:
    with transaction.atomic():
        desk = form.save()
        log_action(
            "consultation.desk_changed",
            by=actor,
            obj=desk,
            data={"fields": form.changed_data},
        )
    return desk


def do_add_schedule_item(form: Any, platform: Platform, *, actor: Actor) -> Any:
    with transaction.atomic():
        item = form.save(commit=False)
        item.platform = platform
        item.save()
        log_action("consultation.schedule_added", by=actor, obj=item)
    return item


def do_delete_schedule_item(item: Any, *, actor: Actor) -> None:
    with transaction.atomic():
        log_action("consultation.schedule_deleted", by=actor, obj=item)
        item.delete()
