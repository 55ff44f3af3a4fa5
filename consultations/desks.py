"""The desk's web chat and LINE account as the platform's own desks (platforms.desks).

Read only: a platform whose desk was never set up (no DeskSettings) shows neither.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import quote

import segno
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.hours import Schedule, format_slot
from consultations.models import Channel, ChannelKind, DeskSettings
from platforms.desks import Desk
from platforms.models import Platform

CHAT_KEYWORDS = (
    "チャット",
    "Webチャット",
    "ウェブ",
    "相談",
    "話す",
    "話したい",
    "悩み",
    "匿名",
    "メッセージ",
)
LINE_KEYWORDS = ("LINE", "ライン", "相談", "チャット", "SNS", "友だち", "悩み", "匿名")


def line_friend_url(basic_id: str) -> str:
    """LINE's 友だち追加 link of an official account's basic id (@733gquft)."""
    basic_id = basic_id.strip()
    if not basic_id.startswith("@"):
        basic_id = "@" + basic_id
    return f"https://line.me/R/ti/p/{quote(basic_id)}"


def today_spans(schedule: Schedule, at: datetime.datetime) -> str:
    """Today's opening times alone (「10:00〜12:00、13:00〜17:00」), for a place already titled
    「今日の対応時間」; empty when the desk does not open today."""
    spans = [
        pgettext("range", "%(first)s〜%(last)s")
        % {"first": f"{timezone.localtime(w.start):%H:%M}", "last": f"{timezone.localtime(w.end):%H:%M}"}
        for w in schedule.windows_starting(timezone.localdate(at))
    ]
    return pgettext("list of opening times", "、").join(spans)


def today_hours(schedule: Schedule, at: datetime.datetime) -> str:
    times = today_spans(schedule, at)
    if not times:
        return _("今日は相談員の対応はありません")
    return _("今日の対応時間 %(times)s") % {"times": times}


def _status(schedule: Schedule, at: datetime.datetime) -> tuple[bool, str]:
    if schedule.is_open(at):
        return True, _("いま相談員が対応しています")
    slot = schedule.next_open(at)
    if slot:
        return False, _("いまは対応時間外です（次の対応は %(slot)s から）。メッセージは24時間送れます。") % {
            "slot": format_slot(slot)
        }
    return False, _("いまは対応時間外です。メッセージは24時間送れます。")


def platform_desks(platform: Platform, at: datetime.datetime) -> Iterable[Desk]:
    desk = DeskSettings.objects.filter(platform=platform).first()
    if desk is None:
        return []
    schedule = Schedule.for_platform(platform)
    open_now, status = _status(schedule, at)
    today = today_hours(schedule, at)
    found = []
    if desk.web_chat_enabled:
        found.append(
            Desk(
                kind="chat",
                title=_("%(name)s（Webチャット）") % {"name": desk.name},
                url=reverse("consultations:chat", args=[platform.slug]),
                link_text=_("チャットで相談する"),
                description=_("匿名・無料。名前や連絡先を書かずに相談できます。"),
                hours=today,
                open_now=open_now,
                status=status,
                keywords=CHAT_KEYWORDS,
                order=10,
            )
        )
    line = (
        Channel.objects.filter(platform=platform, kind=ChannelKind.LINE, is_active=True)
        .exclude(line_basic_id="")
        .first()
    )
    if line is not None:
        url = line_friend_url(line.line_basic_id)
        found.append(
            Desk(
                kind="line",
                title=_("%(name)s（LINE）") % {"name": line.name},
                url=url,
                link_text=_("LINEで友だち追加する（%(id)s）") % {"id": line.line_basic_id},
                description=_(
                    "友だち追加すると、LINEのトークで相談できます。パソコンで見ているときは、QRコードをスマートフォンで読み取ってください。"
                ),
                hours=today,
                open_now=open_now,
                status=status,
                qr_svg=segno.make(url, error="m").svg_data_uri(scale=4, border=2),
                keywords=LINE_KEYWORDS,
                order=20,
            )
        )
    return found
