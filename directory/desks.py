"""The サポートリスト PDF and the fallback window (「迷ったら」) as the platform's own desks.

The fallback window is the one the secretariat names in the サポートリストの設定 (printed
at the foot of every page of the booklet); without settings, the secretariat itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from directory.models import SupportListSettings
from platforms.desks import Desk
from platforms.models import Platform

SUPPORT_LIST_KEYWORDS = ("サポートリスト", "一覧", "冊子", "PDF", "相談先", "窓口", "相談", "印刷")
FALLBACK_KEYWORDS = ("迷う", "わからない", "どこ", "相談", "窓口", "電話", "事務局")


def fallback_desk(platform: Platform) -> Desk | None:
    """The window to call when a resident does not know where to turn; None if none is known."""
    settings = SupportListSettings.objects.filter(platform=platform).first()
    lead = (settings.fallback_lead if settings else "") or _("どこに相談したらよいか迷ったら")
    name = (settings.fallback_name if settings else "") or platform.secretariat_name or platform.owner_name
    phone = (settings.fallback_phone if settings else "") or platform.contact_phone
    if not (name and phone):
        return None
    return Desk(
        kind="fallback",
        title=name,
        description=lead,
        phone=phone,
        hours=settings.fallback_hours if settings else "",
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
    fallback = fallback_desk(platform)
    if fallback is not None:
        found.append(fallback)
    return found
