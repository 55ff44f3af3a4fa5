"""The Japanese calendar: national holidays (祝日, via jpholiday), 年末年始, business days and 和暦.

Public offices in Japan close on weekends, national holidays (including substitute holidays) and
over 年末年始 (29 December – 3 January); a deadline "in N business days" skips all of these.
和暦 is how a city prints dates and fiscal years (令和元年 for the first year of an era).
"""

from __future__ import annotations

import datetime

import jpholiday

_ERAS = [  # (first day, name), newest first
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
]


def is_year_end(day: datetime.date) -> bool:
    """年末年始: 12/29–1/3."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_national_holiday(day: datetime.date) -> bool:
    """A 国民の祝日 or 振替休日 / 国民の休日 (jpholiday)."""
    return jpholiday.is_holiday(day)


def is_holiday(day: datetime.date) -> bool:
    """A national holiday or 年末年始 (weekends not included)."""
    return is_year_end(day) or is_national_holiday(day)


def is_day_off(day: datetime.date) -> bool:
    """A day public offices are closed: Saturday, Sunday, a national holiday or 年末年始."""
    return day.weekday() >= 5 or is_holiday(day)


def is_business_day(day: datetime.date) -> bool:
    return not is_day_off(day)


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_before(day: datetime.date, days: int) -> datetime.date:
    """The ``days``-th business day before ``day`` (``day`` itself never counts)."""
    remaining = days
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def wareki_year(year: int) -> str:
    """和暦 of a fiscal year that starts in ``year`` (2019 → 令和元, as 年度 are usually named)."""
    for start, era in _ERAS:
        if year >= start.year:
            n = year - start.year + 1
            return f"{era}{'元' if n == 1 else n}"
    return str(year)


def wareki_date(day: datetime.date) -> str:
    """和暦 of a calendar day: 2019-04-30 → 平成31年4月30日, 2019-05-01 → 令和元年5月1日."""
    for start, era in _ERAS:
        if day >= start:
            n = day.year - start.year + 1
            return f"{era}{'元' if n == 1 else n}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
