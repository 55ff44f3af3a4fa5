"""Open-now computation: weekly and monthly schedules, overnight hours, holidays, 年末年始."""

import datetime as dt

from django.test import SimpleTestCase

from directory.models import Schedule
from directory.opening import TOKYO, is_holiday, is_open


def slot(byday="MO,TU,WE,TH,FR", opens="08:30", closes="17:15", **extra) -> Schedule:  # type: ignore[no-untyped-def]
    """An unsaved Schedule row (the real model: its occurs_on decides the days)."""
    return Schedule(
        freq=extra.pop("freq", "WEEKLY"),
        byday=byday,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
        **extra,
    )


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TOKYO)


class OpeningTestCase(SimpleTestCase):
    def test_it_is_open_within_weekday_hours_only(self) -> None:
        office = [slot()]
        self.assertTrue(is_open(office, at("2026-11-25T10:00")))  # Wednesday
        self.assertFalse(is_open(office, at("2026-11-25T08:29")))
        self.assertFalse(is_open(office, at("2026-11-25T17:15")))
        self.assertFalse(is_open(office, at("2026-11-28T10:00")))  # Saturday

    def test_it_converts_other_time_zones_to_tokyo(self) -> None:
        utc = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo
        self.assertTrue(is_open([slot()], utc))

    def test_it_closes_on_national_holidays_and_year_end(self) -> None:
        office = [slot()]
        self.assertFalse(is_open(office, at("2026-11-23T10:00")))  # 勤労感謝の日 (Monday)
        self.assertFalse(is_open(office, at("2026-12-29T10:00")))  # 年末 (Tuesday)
        self.assertTrue(is_open(office, at("2027-01-04T10:00")))  # first working day
        self.assertTrue(is_open(office, at("2026-11-23T10:00"), open_on_holidays=True))
        self.assertTrue(is_holiday(dt.date(2027, 1, 3)))
        self.assertFalse(is_holiday(dt.date(2026, 12, 28)))

    def test_it_keeps_overnight_windows_open_past_midnight(self) -> None:
        line = [slot(byday="FR,SA", opens="20:00", closes="06:00")]
        self.assertTrue(is_open(line, at("2026-11-27T23:30")))  # Friday night
        self.assertTrue(is_open(line, at("2026-11-28T05:59")))  # Saturday morning, Friday's window
        self.assertFalse(is_open(line, at("2026-11-28T06:00")))
        self.assertFalse(is_open(line, at("2026-11-26T23:30")))  # Thursday

    def test_it_follows_monthly_ordinals(self) -> None:
        second_saturday = [slot(byday="2SA", freq="MONTHLY", opens="13:00", closes="16:00")]
        self.assertTrue(is_open(second_saturday, at("2026-11-14T14:00")))
        self.assertFalse(is_open(second_saturday, at("2026-11-21T14:00")))

    def test_it_keeps_every_day_lines_open_on_holidays(self) -> None:
        daily = [slot(byday="MO,TU,WE,TH,FR,SA,SU", opens="10:00", closes="22:00")]
        self.assertTrue(is_open(daily, at("2027-01-01T12:00")))  # 元日
        self.assertTrue(is_open(daily, at("2026-11-23T21:00")))
        self.assertFalse(is_open(daily, at("2026-11-23T22:30")))
        all_day = [slot(byday="MO,TU,WE,TH,FR,SA,SU", opens="00:00", closes="00:00")]
        self.assertTrue(is_open(all_day, at("2026-12-31T03:00")))

    def test_it_respects_validity_dates_and_24_hour_lines(self) -> None:
        seasonal = [slot(valid_from=dt.date(2026, 12, 1), valid_to=dt.date(2026, 12, 31))]
        self.assertFalse(is_open(seasonal, at("2026-11-25T10:00")))
        self.assertTrue(is_open(seasonal, at("2026-12-02T10:00")))
        self.assertFalse(is_open([], at("2026-12-31T03:00")))
        self.assertTrue(is_open([], at("2026-12-31T03:00"), always_open=True))
