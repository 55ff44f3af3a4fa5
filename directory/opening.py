"""Is a window open at a given moment? Schedules plus Japanese holidays and 年末年始.

Which days a schedule runs is ``Schedule.occurs_on`` (HSDS RRULE subset: WEEKLY/MONTHLY,
BYDAY with ordinals, BYMONTHDAY, validity dates); a closing time at or before the opening
time means the window runs past midnight (00:00–00:00: all day).

Holidays: Japanese public windows close on national holidays (jpholiday) and over 年末年始
(29 December – 3 January). A service that runs every day of the week (いのちの電話 "毎日")
or is a 24-hour line is taken to be open on those days too; one with weekday-only schedules
is taken to be closed. ``open_on_holidays`` overrides this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tsunagari.lib.jpcalendar import is_holiday

if TYPE_CHECKING:
    from directory.models import Schedule

TOKYO = ZoneInfo("Asia/Tokyo")
EVERY_DAY = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}


def runs_every_day(schedules: Sequence[Schedule]) -> bool:
    days: set[str] = set()
    for schedule in schedules:
        if schedule.freq == "WEEKLY":
            days |= {part.strip() for part in (schedule.byday or "").split(",")}
    return EVERY_DAY <= days


def is_open(
    schedules: Sequence[Schedule],
    at: dt.datetime,
    *,
    always_open: bool = False,
    open_on_holidays: bool | None = None,
) -> bool:
    """Open at ``at`` (aware, any zone) by any of ``schedules``?

    A window without schedules is not known to be open (so it is not listed as open now),
    except a 24-hour window (``always_open``).
    """
    if always_open:
        return True
    if open_on_holidays is None:
        open_on_holidays = runs_every_day(schedules)
    local = at.astimezone(TOKYO)
    today, now = local.date(), local.time().replace(tzinfo=None)
    yesterday = today - dt.timedelta(days=1)
    for schedule in schedules:
        opens, closes = schedule.opens_at, schedule.closes_at
        if opens is None or closes is None:
            continue
        overnight = closes <= opens
        if schedule.occurs_on(today) and (open_on_holidays or not is_holiday(today)):
            if now >= opens and (overnight or now < closes):
                return True
        if overnight and schedule.occurs_on(yesterday) and (open_on_holidays or not is_holiday(yesterday)):
            if now < closes:
                return True
    return False


def next_opening(
    schedules: Sequence[Schedule],
    at: dt.datetime,
    *,
    open_on_holidays: bool | None = None,
    within_days: int = 14,
) -> dt.datetime | None:
    """The first moment after ``at`` at which a window of ``schedules`` opens (Tokyo time),
    skipping holidays and 年末年始 like ``is_open``; None when none opens ``within_days``."""
    if open_on_holidays is None:
        open_on_holidays = runs_every_day(schedules)
    local = at.astimezone(TOKYO)
    best: dt.datetime | None = None
    for offset in range(within_days + 1):
        day = local.date() + dt.timedelta(days=offset)
        if not open_on_holidays and is_holiday(day):
            continue
        for schedule in schedules:
            if schedule.opens_at is None or schedule.closes_at is None or not schedule.occurs_on(day):
                continue
            opens = dt.datetime.combine(day, schedule.opens_at, tzinfo=TOKYO)
            if opens > local and (best is None or opens < best):
                best = opens
        if best is not None:
            return best
    return None
