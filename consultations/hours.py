"""Business hours of a platform's desk: is a counsellor answering now, and if not, when next.

Rules, in order, for one calendar day (Asia/Tokyo):
1. a special period covering the day decides: closed, or its own window every day (only on
   working days unless it includes weekends and holidays; e.g. May's 孤独・孤立対策強化月間 with
   longer evening hours);
2. otherwise 年末年始 (12/29–1/3) and national holidays (jpholiday) are closed when the desk
   says so;
3. otherwise the weekday's windows (several a day; an end at or before the start runs past
   midnight into the next day, e.g. 22:00–02:00).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext, pgettext

from consultations.models import BusinessHours, DeskSettings, SpecialPeriod
from platforms.models import Platform
from tsunagari.lib.jpcalendar import is_day_off, is_national_holiday, is_year_end

SEARCH_DAYS = 60


@dataclass(frozen=True)
class Window:
    start: datetime.datetime
    end: datetime.datetime


class Schedule:
    """A platform's hours loaded once; answers for any moment."""

    def __init__(
        self,
        weekly: list[tuple[int, datetime.time, datetime.time]],
        periods: list[SpecialPeriod],
        *,
        closed_on_holidays: bool = True,
        closed_year_end: bool = True,
    ) -> None:
        self.weekly = sorted(weekly)
        self.periods = periods
        self.closed_on_holidays = closed_on_holidays
        self.closed_year_end = closed_year_end

    @classmethod
    def for_platform(cls, platform: Platform) -> Schedule:
        desk = DeskSettings.objects.filter(platform=platform).first()
        return cls(
            [(h.weekday, h.start, h.end) for h in BusinessHours.objects.filter(platform=platform)],
            list(SpecialPeriod.objects.filter(platform=platform)),
            closed_on_holidays=desk.closed_on_holidays if desk else True,
            closed_year_end=desk.closed_year_end if desk else True,
        )

    def _times_for(self, day: datetime.date) -> list[tuple[datetime.time, datetime.time]]:
        for period in self.periods:
            if period.covers(day):
                if period.closed or period.start is None or period.end is None:
                    return []
                if not period.include_weekends and is_day_off(day):
                    return []
                return [(period.start, period.end)]
        if self.closed_year_end and is_year_end(day):
            return []
        if self.closed_on_holidays and is_national_holiday(day):
            return []
        return [(start, end) for weekday, start, end in self.weekly if weekday == day.weekday()]

    def windows_starting(self, day: datetime.date) -> list[Window]:
        tz = timezone.get_default_timezone()
        found = []
        for start, end in self._times_for(day):
            begin = datetime.datetime.combine(day, start, tzinfo=tz)
            finish_day = day if end > start else day + datetime.timedelta(days=1)
            found.append(Window(begin, datetime.datetime.combine(finish_day, end, tzinfo=tz)))
        return sorted(found, key=lambda w: w.start)

    def current_window(self, at: datetime.datetime) -> Window | None:
        local = timezone.localtime(at)
        for day in (local.date() - datetime.timedelta(days=1), local.date()):
            for window in self.windows_starting(day):
                if window.start <= local < window.end:
                    return window
        return None

    def is_open(self, at: datetime.datetime) -> bool:
        return self.current_window(at) is not None

    def next_open(self, at: datetime.datetime) -> datetime.datetime | None:
        """``at`` itself when open, else the start of the next window (None if none in 60 days)."""
        if self.is_open(at):
            return at
        local = timezone.localtime(at)
        for offset in range(SEARCH_DAYS):
            for window in self.windows_starting(local.date() + datetime.timedelta(days=offset)):
                if window.start > local:
                    return window.start
        return None

    def weekly_summary(self) -> list[tuple[str, str]]:
        """[("月〜金", "18:00〜21:00"), ...] for the public pages, in the active language
        (English: [("Mon–Fri", "18:00–21:00"), ...])."""
        by_times: dict[tuple[tuple[datetime.time, datetime.time], ...], list[int]] = {}
        for weekday in range(7):
            times = tuple((s, e) for d, s, e in self.weekly if d == weekday)
            if times:
                by_times.setdefault(times, []).append(weekday)
        rows = []
        for times, days in by_times.items():
            spans = [_range(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in times]
            rows.append((_day_range(days), pgettext("list of opening times", "、").join(spans)))
        return rows


def _range(first: str, last: str) -> str:
    return pgettext("range", "%(first)s〜%(last)s") % {"first": first, "last": last}


def _day_range(days: list[int]) -> str:
    names = [str(WEEKDAYS_ABBR[d]) for d in days]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return _range(names[0], names[-1])
    return pgettext("list of weekdays", "・").join(names)


def format_slot(moment: datetime.datetime, *, language: str | None = None) -> str:
    """2月17日（金）18:00 — the next answering time, in ``language`` or the active language
    (English: Fri 17 Feb, 18:00). Auto-replies, which are Japanese, ask for "ja"."""
    if language:
        with translation.override(language):
            return format_slot(moment)
    return formats.date_format(timezone.localtime(moment), gettext("n月j日（D）H:i"))


@dataclass
class DeskStatus:
    open_now: bool
    next_slot: str
    weekly: list[tuple[str, str]]
    periods: list[SpecialPeriod]
    closed_on_holidays: bool
    closed_year_end: bool


def desk_status(platform: Platform, at: datetime.datetime | None = None) -> DeskStatus:
    """What the public pages say about the hours right now."""
    at = at or timezone.now()
    schedule = Schedule.for_platform(platform)
    slot = schedule.next_open(at)
    today = timezone.localdate(at)
    soon = today + datetime.timedelta(days=SEARCH_DAYS)
    return DeskStatus(
        open_now=schedule.is_open(at),
        next_slot=format_slot(slot) if slot else "",
        weekly=schedule.weekly_summary(),
        periods=[p for p in schedule.periods if p.end_date >= today and p.start_date <= soon],
        closed_on_holidays=schedule.closed_on_holidays,
        closed_year_end=schedule.closed_year_end,
    )
