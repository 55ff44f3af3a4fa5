"""Dates as the membership rules and mails use them (no database): today in Japan, and a day
written the Japanese way (2026年4月1日)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

TOKYO = ZoneInfo("Asia/Tokyo")


def today_in_tokyo() -> datetime.date:
    return timezone.localdate(timezone=TOKYO)


def japanese_date(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}
