from __future__ import annotations

import datetime

from django.test import SimpleTestCase
from django.utils import timezone, translation

from consultations.hours import Schedule, format_slot
from consultations.models import SpecialPeriod

T = datetime.time
TZ = timezone.get_default_timezone()
WEEKDAY_EVENINGS = [(d, T(18), T(21)) for d in range(5)]


def tokyo(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


class ScheduleTestCase(SimpleTestCase):
    def test_it_is_open_on_yamagatas_weekday_evenings_only(self) -> None:
        s = Schedule(WEEKDAY_EVENINGS, [])
        self.assertTrue(s.is_open(tokyo(2023, 2, 16, 18, 0)))  # Thu 18:00
        self.assertTrue(s.is_open(tokyo(2023, 2, 16, 20, 59)))
        self.assertFalse(s.is_open(tokyo(2023, 2, 16, 21, 0)))
        self.assertFalse(s.is_open(tokyo(2023, 2, 18, 19, 0)))  # Saturday

    def test_it_names_the_next_slot_after_a_weekend(self) -> None:
        s = Schedule(WEEKDAY_EVENINGS, [])
        self.assertEqual(s.next_open(tokyo(2023, 2, 17, 22, 30)), tokyo(2023, 2, 20, 18))
        self.assertEqual(format_slot(tokyo(2023, 2, 20, 18)), "2月20日（月）18:00")

    def test_it_names_days_and_times_in_the_active_language(self) -> None:
        s = Schedule([*WEEKDAY_EVENINGS, (5, T(10), T(12)), (5, T(13), T(15))], [])
        slot = tokyo(2023, 2, 20, 18)
        with translation.override("en"):
            self.assertEqual(format_slot(slot), "Mon 20 Feb, 18:00")
            self.assertEqual(
                s.weekly_summary(), [("Mon–Fri", "18:00–21:00"), ("Sat", "10:00–12:00, 13:00–15:00")]
            )
            self.assertEqual(format_slot(slot, language="ja"), "2月20日（月）18:00")  # the auto-reply's
        self.assertEqual(
            s.weekly_summary(), [("月〜金", "18:00〜21:00"), ("土", "10:00〜12:00、13:00〜15:00")]
        )

    def test_it_skips_national_holidays(self) -> None:
        s = Schedule(WEEKDAY_EVENINGS, [])
        # 2023-02-23 (Thu) is 天皇誕生日.
        self.assertFalse(s.is_open(tokyo(2023, 2, 23, 19)))
        self.assertEqual(s.next_open(tokyo(2023, 2, 22, 21, 30)), tokyo(2023, 2, 24, 18))

    def test_it_can_answer_on_holidays_when_told(self) -> None:
        s = Schedule(WEEKDAY_EVENINGS, [], closed_on_holidays=False)
        self.assertTrue(s.is_open(tokyo(2023, 2, 23, 19)))

    def test_it_skips_the_year_end_break(self) -> None:
        s = Schedule(WEEKDAY_EVENINGS, [])
        self.assertEqual(s.next_open(tokyo(2025, 12, 26, 22)), tokyo(2026, 1, 5, 18))

    def test_it_handles_windows_past_midnight(self) -> None:
        s = Schedule(
            [(4, T(22), T(2))], [], closed_on_holidays=False, closed_year_end=False
        )  # Fri 22:00–Sat 02:00
        self.assertTrue(s.is_open(tokyo(2023, 2, 18, 1, 30)))  # Saturday 01:30
        self.assertFalse(s.is_open(tokyo(2023, 2, 18, 2, 0)))
        self.assertEqual(s.next_open(tokyo(2023, 2, 18, 3)), tokyo(2023, 2, 24, 22))

    def test_it_handles_several_windows_a_day(self) -> None:
        s = Schedule([(0, T(12), T(13)), (0, T(18), T(21))], [], closed_on_holidays=False)
        self.assertEqual(s.next_open(tokyo(2023, 2, 20, 13, 30)), tokyo(2023, 2, 20, 18))
        self.assertEqual(s.weekly_summary(), [("月", "12:00〜13:00、18:00〜21:00")])

    def test_it_extends_hours_in_a_special_period_like_mays_campaign_month(self) -> None:
        may = SpecialPeriod(
            name="孤独・孤立対策強化月間",
            start_date=datetime.date(2024, 5, 1),
            end_date=datetime.date(2024, 5, 31),
            start=T(17),
            end=T(23),
            include_weekends=True,
        )
        s = Schedule(WEEKDAY_EVENINGS, [may])
        self.assertTrue(s.is_open(tokyo(2024, 5, 11, 22)))  # Saturday, extended
        self.assertTrue(s.is_open(tokyo(2024, 5, 3, 17, 30)))  # 憲法記念日, included
        self.assertFalse(s.is_open(tokyo(2024, 6, 1, 22)))

    def test_it_closes_for_a_closed_period(self) -> None:
        obon = SpecialPeriod(
            name="お盆休み",
            start_date=datetime.date(2024, 8, 13),
            end_date=datetime.date(2024, 8, 16),
            closed=True,
        )
        s = Schedule(WEEKDAY_EVENINGS, [obon])
        self.assertEqual(s.next_open(tokyo(2024, 8, 13, 10)), tokyo(2024, 8, 19, 18))

    def test_it_finds_nothing_without_hours(self) -> None:
        self.assertIsNone(Schedule([], []).next_open(tokyo(2024, 1, 10)))
        self.assertEqual(Schedule(WEEKDAY_EVENINGS, []).weekly_summary(), [("月〜金", "18:00〜21:00")])
