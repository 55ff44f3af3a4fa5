"""tsunagari.lib.jpcalendar: 祝日, 年末年始, business days and 和暦 in one place."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from tsunagari.lib import jpcalendar

D = datetime.date


class JapaneseCalendarTest(SimpleTestCase):
    def test_it_knows_national_and_substitute_holidays_and_the_year_end(self) -> None:
        self.assertTrue(jpcalendar.is_national_holiday(D(2026, 5, 3)))  # 憲法記念日 (a Sunday)
        self.assertTrue(jpcalendar.is_national_holiday(D(2026, 5, 6)))  # 振替休日
        self.assertFalse(jpcalendar.is_national_holiday(D(2026, 5, 7)))
        for day in [D(2026, 12, 29), D(2026, 12, 31), D(2027, 1, 2), D(2027, 1, 3)]:
            self.assertTrue(jpcalendar.is_year_end(day), day)
            self.assertTrue(jpcalendar.is_holiday(day), day)
        for day in [D(2026, 12, 28), D(2027, 1, 4)]:
            self.assertFalse(jpcalendar.is_year_end(day), day)
        self.assertFalse(jpcalendar.is_holiday(D(2026, 5, 9)))  # a Saturday is no holiday
        self.assertTrue(jpcalendar.is_day_off(D(2026, 5, 9)))

    def test_it_counts_business_days_past_weekends_holidays_and_the_year_end(self) -> None:
        self.assertEqual(jpcalendar.add_business_days(D(2026, 4, 24), 2), D(2026, 4, 28))  # Fri → Tue
        # ゴールデンウィーク: 4/29 昭和の日, 5/3–5/6 (Sun 憲法記念日 → Wed 振替休日)
        self.assertEqual(jpcalendar.add_business_days(D(2026, 4, 28), 2), D(2026, 5, 1))
        self.assertEqual(jpcalendar.add_business_days(D(2026, 5, 1), 1), D(2026, 5, 7))
        self.assertEqual(jpcalendar.add_business_days(D(2026, 12, 28), 1), D(2027, 1, 4))
        self.assertEqual(jpcalendar.add_business_days(D(2026, 12, 30), 0), D(2026, 12, 30))
        self.assertTrue(jpcalendar.is_business_day(D(2027, 1, 4)))
        # and back: the business day before 1/4 is 12/28 (年末年始), before Thu 5/7 is Fri 5/1 (ゴールデンウィーク)
        self.assertEqual(jpcalendar.business_days_before(D(2027, 1, 4), 1), D(2026, 12, 28))
        self.assertEqual(jpcalendar.business_days_before(D(2026, 5, 7), 1), D(2026, 5, 1))
        self.assertEqual(jpcalendar.business_days_before(D(2026, 4, 28), 2), D(2026, 4, 24))
        self.assertEqual(jpcalendar.business_days_before(D(2026, 12, 30), 0), D(2026, 12, 30))

    def test_it_writes_wareki_with_gannen_at_each_era_boundary(self) -> None:
        self.assertEqual(jpcalendar.wareki_date(D(2019, 4, 30)), "平成31年4月30日")
        self.assertEqual(jpcalendar.wareki_date(D(2019, 5, 1)), "令和元年5月1日")
        self.assertEqual(jpcalendar.wareki_date(D(2026, 11, 26)), "令和8年11月26日")
        self.assertEqual(jpcalendar.wareki_date(D(1989, 1, 7)), "昭和64年1月7日")
        self.assertEqual(jpcalendar.wareki_date(D(1989, 1, 8)), "平成元年1月8日")
        self.assertEqual(jpcalendar.wareki_date(D(1900, 1, 1)), "1900年1月1日")
        self.assertEqual(jpcalendar.wareki_year(2019), "令和元")
        self.assertEqual(jpcalendar.wareki_year(2026), "令和8")
        self.assertEqual(jpcalendar.wareki_year(1988), "昭和63")
