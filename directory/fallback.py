"""The platform's fallback window (「迷ったら…」): where a resident can always turn.

The secretariat sets it once for the サポートリスト (``SupportListSettings``: lead, name, phone
and hours as printed, e.g. 「月〜金 8:30〜17:15」); without settings it is the secretariat
(its name and phone). The resident pages show it wherever nothing else fits: an open-now search
that finds no local window at night, an error page. Its hours are read from the printed text
(``parse_hours``) so that the page can say whether it is open now and when it opens next.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from directory.models import Schedule
from directory.opening import is_open, next_opening
from directory.queries import settings_for
from platforms.models import Platform

_DAYS = "月火水木金土日"
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DASH = r"(?:[〜~\-−ー–—]|から)"
_TIME = r"(\d{1,2})(?:[:：時](\d{2})?分?)"
_RANGE = re.compile(_TIME + r"\s*" + _DASH + r"\s*" + _TIME)
_DAY_SPEC = re.compile(
    r"毎日|年中無休|365日|平日|土日祝?|[月火水木金土日](?:曜日?)?(?:\s*[〜~\-−ー・、,･]\s*[月火水木金土日](?:曜日?)?)*"
)
_WEEKDAYS_ONLY = re.compile(r"(土日|土・日)[^0-9]*?(祝日?)?[^0-9]*?(除く|休み|休業|休館|閉庁)")
_HOLIDAYS_OPEN = re.compile(r"祝日も|祝日を含|祝日含|年中無休|365日|土日祝も")


def _days(spec: str) -> list[str]:
    if spec in ("毎日", "年中無休", "365日"):
        return list(_CODES)
    if spec == "平日":
        return list(_CODES[:5])
    if spec.startswith("土日"):
        return ["SA", "SU"]
    days: list[str] = []
    chars = [c for c in spec if c in _DAYS or c in "〜~-−ー"]
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in _DAYS and i + 2 < len(chars) and chars[i + 1] in "〜~-−ー" and chars[i + 2] in _DAYS:
            start, end = _DAYS.index(c), _DAYS.index(chars[i + 2])
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
            days += [_CODES[d] for d in span]
            i += 3
        else:
            if c in _DAYS:
                days.append(_CODES[_DAYS.index(c)])
            i += 1
    return days


def _time(hour: str, minute: str | None) -> dt.time | None:
    h, m = int(hour), int(minute or 0)
    if h == 24 and m == 0:
        return dt.time(0, 0)
    if h > 23 or m > 59:
        return None
    return dt.time(h, m)


def parse_hours(text: str) -> tuple[list[Schedule], bool | None]:
    """Weekly schedules (unsaved) read from printed hours, and whether holidays are open
    (None: as ``is_open`` decides, open only for windows that run every day).

    「月〜金 8:30〜17:15」, 「平日 9時〜17時」, 「月・水・金 10:00〜16:00、土 9:00〜12:00」,
    「8:30〜17:15（土日祝・年末年始を除く）」. A time range applies to the days written before
    it; with none before it, to weekdays when the text says weekends are closed, else every day.
    Text without a time range gives no schedules (the page then shows the text only).
    """
    flat = unicodedata.normalize("NFKC", text or "").replace("～", "〜")
    schedules: list[Schedule] = []
    days: list[str] = []
    position = 0
    weekdays_only = bool(_WEEKDAYS_ONLY.search(flat))
    for match in _RANGE.finditer(flat):
        before = flat[position : match.start()]
        specs = [_days(m.group(0)) for m in _DAY_SPEC.finditer(before)]
        specs = [s for s in specs if s]
        if specs:
            days = [d for spec in specs for d in spec]
        position = match.end()
        opens, closes = _time(match.group(1), match.group(2)), _time(match.group(3), match.group(4))
        if opens is None or closes is None:
            continue
        chosen = days or (list(_CODES[:5]) if weekdays_only else list(_CODES))
        schedules.append(
            Schedule(freq="WEEKLY", byday=",".join(dict.fromkeys(chosen)), opens_at=opens, closes_at=closes)
        )
    holidays: bool | None = True if _HOLIDAYS_OPEN.search(flat) else None
    if weekdays_only:
        holidays = False
    return schedules, holidays


@dataclass(frozen=True)
class FallbackWindow:
    lead: str
    name: str
    phone: str
    hours: str
    open_now: bool = False
    next_opening: dt.datetime | None = None
    known_hours: bool = field(default=False)

    @property
    def tel(self) -> str:
        return "".join(c for c in unicodedata.normalize("NFKC", self.phone) if c.isdigit() or c == "+")


def fallback_window(platform: Platform, at: dt.datetime) -> FallbackWindow:
    """The platform's fallback window at ``at``: open now? when does it open next?"""
    settings = settings_for(platform)
    phone = settings.fallback_phone or (platform.contact_phone if not settings.fallback_name else "")
    schedules, holidays = parse_hours(settings.fallback_hours)
    return FallbackWindow(
        lead=settings.fallback_lead,
        name=settings.fallback_name or platform.secretariat_name or platform.owner_name,
        phone=phone,
        hours=settings.fallback_hours,
        open_now=bool(schedules) and is_open(schedules, at, open_on_holidays=holidays),
        next_opening=next_opening(schedules, at, open_on_holidays=holidays) if schedules else None,
        known_hours=bool(schedules),
    )
