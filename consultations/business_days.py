"""Business days in Japan for referral deadlines: the days the desk's ``hours`` call days off
(weekends, national holidays via jpholiday, 年末年始 12/29–1/3) do not count."""

from __future__ import annotations

import datetime

from consultations.hours import is_day_off


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
