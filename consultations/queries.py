"""Reads of the desk that other apps show residents (the survey's done page)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from consultations.crisis import CrisisLine, crisis_lines
from consultations.hours import DeskStatus, desk_status
from consultations.models import Channel, ChannelKind, DeskSettings
from platforms.models import Platform


@dataclass(frozen=True)
class PublicHelp:
    """The 24-hour crisis lines and the platform's own desk (web chat, LINE) as residents see them."""

    crisis_lines: list[CrisisLine]
    desk_name: str
    web_chat: bool
    line_friend_url: str
    status: DeskStatus


def public_help(platform: Platform) -> PublicHelp:
    """Read-only (no settings row is created for a platform that never set its desk up)."""
    desk = DeskSettings.objects.filter(platform=platform).first()
    line = Channel.objects.filter(platform=platform, kind=ChannelKind.LINE).exclude(line_basic_id="").first()
    friend = f"https://line.me/R/ti/p/{urllib.parse.quote(line.line_basic_id)}" if line is not None else ""
    return PublicHelp(
        crisis_lines=crisis_lines(platform),
        desk_name=desk.name if desk is not None else DeskSettings._meta.get_field("name").get_default(),
        web_chat=desk.web_chat_enabled if desk is not None else True,
        line_friend_url=friend,
        status=desk_status(platform),
    )
