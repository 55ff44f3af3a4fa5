"""Opening hours in words, as a printed サポートリスト shows them (「月〜金 9:00〜17:00」).

Schedules follow HSDS 3.0 (RRULE-style): ``freq`` (WEEKLY, MONTHLY, DAILY), ``byday``
("MO,TU" or with an ordinal for monthly rules: "3TH", "-1FR"), ``opens_at``/``closes_at``
and a free ``description``. Weekly rules with the same hours are merged and consecutive
days become ranges: MO–FR 9:00–12:00 and 13:00–16:00 →「月〜金 9:00〜12:00、13:00〜16:00」.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils import translation
from django.utils.translation import gettext as _

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
DASH = "〜"
# Notes that only say holidays are closed (the holiday note covers them), and notes saying open.
_HOLIDAY_CLOSED = re.compile(
    r"[（(]?(土日)?・?祝日?[・、]?(年末年始)?(等|など)?[はもを]?(休み?|休業|休館|閉庁|除く)[）)]?。?"
)
_HOLIDAY_OPEN = re.compile(r"祝日も|祝日を含|祝日含|年中無休|365日|土日祝.*対応")


class ScheduleLike(Protocol):
    freq: str
    byday: str
    opens_at: datetime.time | None
    closes_at: datetime.time | None
    description: str
    notes: str


@dataclass(frozen=True)
class Slot:
    opens: datetime.time | None
    closes: datetime.time | None


@functools.lru_cache(maxsize=8)
def _day_names(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "MO": _("月"),
            "TU": _("火"),
            "WE": _("水"),
            "TH": _("木"),
            "FR": _("金"),
            "SA": _("土"),
            "SU": _("日"),
        }


def day_names() -> dict[str, str]:
    """Weekday code → short name in the active language (looked up once per language)."""
    return _day_names(translation.get_language() or "ja")


def day_name(code: str) -> str:
    """「月」 for "MO" (in the active language)."""
    return day_names()[code]


def parse_byday(byday: str) -> list[tuple[int | None, str]]:
    """ "MO,3TH" → [(None, "MO"), (3, "TH")]; raises ValueError naming the bad part."""
    parts: list[tuple[int | None, str]] = []
    for raw in (byday or "").replace(" ", "").upper().split(","):
        if not raw:
            continue
        match = _BYDAY.match(raw)
        if match is None:
            raise ValueError(raw)
        parts.append((int(match.group(1)) if match.group(1) else None, match.group(2)))
    return parts


def format_time(value: datetime.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def _is_all_day(slot: Slot) -> bool:
    opens, closes = slot.opens, slot.closes
    if opens is None or closes is None:
        return False
    return opens == closes or (opens == datetime.time(0, 0) and closes == datetime.time(23, 59))


def format_slots(slots: Sequence[Slot]) -> str:
    """ "9:00〜12:00、13:00〜16:00"; "24時間" for a whole day; "" when no time is known."""
    texts = []
    for slot in slots:
        if _is_all_day(slot):
            texts.append(_("24時間"))
        elif slot.opens and slot.closes:
            closes = format_time(slot.closes)
            if slot.closes < slot.opens:  # overnight, e.g. 19:00〜翌2:00
                closes = _("翌%(time)s") % {"time": closes}
            texts.append(f"{format_time(slot.opens)}{DASH}{closes}")
        elif slot.opens:
            texts.append(_("%(time)s から") % {"time": format_time(slot.opens)})
    return "、".join(texts)


def format_days(days: Iterable[str], names: dict[str, str] | None = None) -> str:
    """Weekday codes → 「月〜金」「月・火・木・金」「月・火・木〜土」「毎日」."""
    names = names or day_names()
    indices = sorted({WEEKDAYS.index(d) for d in days})
    if len(indices) == 7:
        return _("毎日")
    runs: list[list[int]] = []
    for index in indices:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        shown = [names[WEEKDAYS[i]] for i in run]
        parts.append(f"{shown[0]}{DASH}{shown[-1]}" if len(run) >= 3 else "・".join(shown))
    return "・".join(parts)


def _ordinal(n: int) -> str:
    return _("最終") if n == -1 else _("第%(n)d") % {"n": n}


def _monthly_days(days: list[tuple[int, str]], names: dict[str, str]) -> str:
    """[(2, "SA"), (4, "SA"), (1, "MO")] → 「第1月曜日・第2・第4土曜日」."""
    by_weekday: dict[str, list[int]] = {}
    for n, day in days:
        by_weekday.setdefault(day, []).append(n)
    parts = []
    for day in sorted(by_weekday, key=lambda d: min(n % 100 for n in by_weekday[d])):
        ordinals = "・".join(_ordinal(n) for n in sorted(set(by_weekday[day]), key=lambda n: n % 100))
        parts.append(_("%(ordinals)s%(day)s曜日") % {"ordinals": ordinals, "day": names[day]})
    return "・".join(parts)


def _weekly_lines(by_day: dict[str, list[Slot]], names: dict[str, str]) -> list[str]:
    """Group weekdays that have identical hours, in weekday order of their first day."""
    groups: dict[tuple[Slot, ...], list[str]] = {}
    for day in WEEKDAYS:
        if day in by_day:
            slots = tuple(sorted(set(by_day[day]), key=lambda s: (s.opens or datetime.time(0), s.closes)))
            groups.setdefault(slots, []).append(day)
    lines = []
    for slots, days in groups.items():
        hours = format_slots(slots)
        lines.append(f"{format_days(days, names)} {hours}".strip())
    return lines


@dataclass
class Hours:
    """受付日時 of one service: rule lines, free-text notes, and whether holidays are closed."""

    lines: list[str]
    notes: list[str]
    closed_on_holidays: bool

    @property
    def holiday_note(self) -> str:
        return _("（祝日・年末年始を除く）") if self.lines and self.closed_on_holidays else ""

    def inline(self) -> list[str]:
        """Lines with the holiday note on the last rule line: 「月〜金 9:00〜17:00（祝日・年末年始を除く）」."""
        lines = list(self.lines)
        if lines:
            lines[-1] += self.holiday_note
        return lines + self.notes


def describe(
    schedules: Iterable[ScheduleLike], *, open_on_holidays: bool = False, names: dict[str, str] | None = None
) -> Hours:
    """Read HSDS schedules into ``Hours``.

    Rules (freq/byday/opens_at/closes_at) are put in words; the schedules' free-text
    ``description`` usually says the same and is shown only when no rule can be read, so
    that nothing a member typed is lost. ``notes`` are kept, except those that only repeat
    that holidays are closed (the holiday note says that). Holidays count as closed unless
    ``open_on_holidays`` (e.g. a 24-hour line), the rules cover every day of the week,
    or a note says the service is open then (「祝日も」「年中無休」「365日」). ``names``
    (weekday names, ``day_names()``) saves looking them up again for every service of a list.
    """
    schedules = list(schedules)
    by_day: dict[str, list[Slot]] = {}
    monthly: dict[tuple[Slot, ...], list[tuple[int, str]]] = {}
    for schedule in schedules:
        freq = (schedule.freq or "").upper()
        slot = Slot(schedule.opens_at, schedule.closes_at)
        try:
            days = parse_byday(schedule.byday)
        except ValueError:
            continue
        if freq == "WEEKLY" and days:
            for _n, day in days:
                by_day.setdefault(day, []).append(slot)
        elif freq == "MONTHLY" and days and all(n is not None for n, _d in days):
            monthly.setdefault((slot,), []).extend((n, d) for n, d in days if n is not None)
        elif freq == "DAILY":
            for day in WEEKDAYS:
                by_day.setdefault(day, []).append(slot)
    names = names or day_names()
    lines = _weekly_lines(by_day, names)
    for (slot,), ordinal_days in monthly.items():
        lines.append(
            _("毎月%(days)s %(hours)s")
            % {"days": _monthly_days(ordinal_days, names), "hours": format_slots([slot])}
        )
    texts = [getattr(s, "notes", "") or "" for s in schedules]
    if not lines:
        texts = [s.description or "" for s in schedules] + texts
    notes = [t.strip() for t in dict.fromkeys(texts) if t and t.strip()]
    open_on_holidays = open_on_holidays or _always_open(by_day) or any(_HOLIDAY_OPEN.search(n) for n in notes)
    notes = [n for n in notes if not _HOLIDAY_CLOSED.fullmatch(n)]
    return Hours([line.strip() for line in lines], notes, not open_on_holidays)


def humanise(schedules: Iterable[ScheduleLike], *, open_on_holidays: bool = False) -> list[str]:
    """The 受付日時 as lines of text, holiday note included."""
    return describe(schedules, open_on_holidays=open_on_holidays).inline()


def _always_open(by_day: dict[str, list[Slot]]) -> bool:
    """Open on every day of the week: such windows (24-hour lines, 毎日 chat) do not close on holidays."""
    return len(by_day) == 7


# Checks of the ranges staff enter (the service form's rows): a range that ends before it starts
# runs past midnight only when it starts after noon and lasts at most 18 hours (19:00〜翌2:00,
# 17:00〜翌9:00); 13:00〜12:00 is a typo, not a 23-hour window.
_LONGEST_OVERNIGHT = 18 * 60


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def order_problem(opens: datetime.time, closes: datetime.time) -> str:
    """Why ``opens``–``closes`` is not a range ("" when it is)."""
    start, end = _minutes(opens), _minutes(closes)
    if end >= start:  # equal: all day
        return ""
    if start >= 12 * 60 and end + 24 * 60 - start <= _LONGEST_OVERNIGHT:
        return ""
    return _(
        "終了時刻 %(closes)s が開始時刻 %(opens)s より前です。"
        "翌日にまたがる時間帯（例: 19:00〜翌2:00）のほかは、終了を開始より後にしてください。"
    ) % {"opens": format_time(opens), "closes": format_time(closes)}


def days_label(days: Iterable[str]) -> str:
    """「月〜金曜日」「水曜日」「毎日」: weekdays named for a message."""
    days = list(days)
    text = format_days(days)
    return text if len(set(days)) == 7 else _("%(days)s曜日") % {"days": text}


def overlaps(ranges: Sequence[tuple[Sequence[str], datetime.time, datetime.time]]) -> list[str]:
    """Messages for ranges that overlap on a day, naming the days: ``ranges`` are (weekday codes,
    opens, closes); a range past midnight also covers the next morning."""
    by_day: dict[int, list[tuple[int, int, int, bool]]] = {}
    for n, (days, opens, closes) in enumerate(ranges):
        start, end = _minutes(opens), _minutes(closes)
        if end <= start:
            end += 24 * 60
        for code in days:
            day = WEEKDAYS.index(code)
            by_day.setdefault(day, []).append((start, end, n, False))
            if end > 24 * 60:
                by_day.setdefault((day + 1) % 7, []).append((0, end - 24 * 60, n, True))
    found: dict[tuple[int, bool, int, bool], list[str]] = {}
    for day in sorted(by_day):
        spans = sorted(by_day[day])
        for i, (_start, end, n, spilled) in enumerate(spans):
            for later_start, _end, m, later_spilled in spans[i + 1 :]:
                if later_start < end and not (spilled and later_spilled):  # both: seen the day before
                    found.setdefault((n, spilled, m, later_spilled), []).append(WEEKDAYS[day])
    messages = []
    for (n, spilled, m, later_spilled), days in found.items():
        first = format_slots([Slot(ranges[n][1], ranges[n][2])])
        second = format_slots([Slot(ranges[m][1], ranges[m][2])])
        if spilled or later_spilled:
            earlier, other = (first, second) if spilled else (second, first)
            messages.append(
                _("%(days)s: 前日からの %(earlier)s と %(other)s の時間帯が重なっています。")
                % {"days": days_label(days), "earlier": earlier, "other": other}
            )
        else:
            messages.append(
                _("%(days)s: %(first)s と %(second)s の時間帯が重なっています。")
                % {"days": days_label(days), "first": first, "second": second}
            )
    return messages
