"""The サポートリスト PDF and the fallback window (「迷ったら」) as the platform's own desks.

The fallback window is directory.fallback's: the one the secretariat names in the
サポートリストの設定 (printed at the foot of every page of the booklet), or the secretariat.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.fallback import fallback_window
from platforms.desks import Desk
from platforms.models import Platform

SUPPORT_LIST_KEYWORDS = ("サポートリスト", "一覧", "冊子", "PDF", "相談先", "窓口", "相談", "印刷")
FALLBACK_KEYWORDS = ("迷う", "わからない", "どこ", "相談", "窓口", "電話", "事務局")


def fallback_desk(platform: Platform, at: datetime.datetime) -> Desk | None:
    """The window to call when a resident does not know where to turn (directory.fallback),
    with whether it is open now; None when no number is known."""
    window = fallback_window(platform, at)
    if not (window.name and window.phone):
        return None
    status = ""
    if window.open_now:
        status = _("今開いています")
    elif window.next_opening:
        when = date_format(timezone.localtime(window.next_opening), _("n月j日（D） G:i"))
        status = _("次に開くのは %(when)s からです。") % {"when": when}
    return Desk(
        kind="fallback",
        title=window.name,
        description=window.lead or _("どこに相談したらよいか迷ったら"),
        phone=window.phone,
        hours=window.hours,
        open_now=window.open_now if window.known_hours else None,
        status=status,
        keywords=FALLBACK_KEYWORDS,
        order=50,
    )


def platform_desks(platform: Platform, at: datetime.datetime) -> Iterable[Desk]:
    found = []
    if platform.is_public:
        found.append(
            Desk(
                kind="support_list",
                title=_("つながりサポートリスト（PDF）"),
                url=reverse("directory:support_list_pdf", args=[platform.slug]),
                link_text=_("サポートリストを開く（PDF）"),
                description=_("地域の相談窓口を分野ごとにまとめた一覧です。印刷して手元に置けます。"),
                keywords=SUPPORT_LIST_KEYWORDS,
                order=30,
            )
        )
    fallback = fallback_desk(platform, at)
    if fallback is not None:
        found.append(fallback)
    return found
