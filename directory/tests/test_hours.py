"""受付日時 in words, from HSDS schedules (as the printed サポートリスト shows them)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.test import SimpleTestCase

from directory.hours import describe, format_days, humanise, parse_byday

t = datetime.time


def rule(byday, opens, closes, freq="WEEKLY", text="", notes=""):  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        freq=freq, byday=byday, opens_at=opens, closes_at=closes, description=text, notes=notes
    )


class HoursTestCase(SimpleTestCase):
    def test_it_merges_weekdays_into_a_range_and_notes_holidays(self) -> None:
        lines = humanise([rule("MO,TU,WE,TH,FR", t(9), t(17))])
        self.assertEqual(lines, ["月〜金 9:00〜17:00（祝日・年末年始を除く）"])

    def test_it_joins_split_hours_of_the_same_days(self) -> None:
        lines = humanise([rule("MO,TU,WE,TH,FR", t(13), t(16)), rule("MO,TU,WE,TH,FR", t(9), t(12))])
        self.assertEqual(lines, ["月〜金 9:00〜12:00、13:00〜16:00（祝日・年末年始を除く）"])

    def test_it_lists_days_that_are_not_consecutive(self) -> None:
        self.assertEqual(format_days(["MO", "TU", "TH", "FR"]), "月・火・木・金")
        self.assertEqual(format_days(["MO", "TU", "TH", "FR", "SA"]), "月・火・木〜土")
        self.assertEqual(format_days(["SU", "SA"]), "土・日")

    def test_it_gives_days_with_other_hours_their_own_line(self) -> None:
        lines = humanise(
            [rule("MO,TU,WE,TH,FR", t(8, 30), t(17, 15)), rule("SA", t(9), t(12))], open_on_holidays=True
        )
        self.assertEqual(lines, ["月〜金 8:30〜17:15", "土 9:00〜12:00"])

    def test_it_reads_monthly_rules_with_ordinals_and_keeps_notes(self) -> None:
        hours = describe(
            [
                rule(
                    "3TH",
                    t(9, 30),
                    t(11, 30),
                    freq="MONTHLY",
                    text="原則、第3木曜日",
                    notes="認定司法書士による",
                )
            ]
        )
        self.assertEqual(hours.lines, ["毎月第3木曜日 9:30〜11:30"])
        self.assertEqual(hours.notes, ["認定司法書士による"])
        self.assertEqual(
            humanise([rule("-1FR", t(10), t(12), freq="MONTHLY")])[0],
            "毎月最終金曜日 10:00〜12:00（祝日・年末年始を除く）",
        )
        self.assertEqual(
            describe([rule("4SA,2SA", t(13), t(16), freq="MONTHLY")]).lines,
            ["毎月第2・第4土曜日 13:00〜16:00"],
        )

    def test_it_says_every_day_24_hours_without_a_holiday_note(self) -> None:
        every_day = "MO,TU,WE,TH,FR,SA,SU"
        self.assertEqual(humanise([rule(every_day, t(0), t(0))]), ["毎日 24時間"])
        self.assertEqual(humanise([rule(every_day, t(19), t(2))]), ["毎日 19:00〜翌2:00"])

    def test_it_drops_notes_that_only_repeat_the_holiday_closure(self) -> None:
        hours = describe(
            [rule("MO,WE", t(10), t(15), text="月・水 10時〜15時", notes="祝日・年末年始は休み")]
        )
        self.assertEqual(hours.inline(), ["月・水 10:00〜15:00（祝日・年末年始を除く）"])

    def test_it_knows_from_a_note_that_holidays_are_open(self) -> None:
        hours = describe([rule("SA,SU", t(10), t(16), notes="祝日も開いています")])
        self.assertEqual(hours.inline(), ["土・日 10:00〜16:00", "祝日も開いています"])

    def test_it_keeps_the_description_of_a_rule_it_cannot_read(self) -> None:
        hours = describe([rule("XX", t(9), t(17), text="第2・第4土曜日の午後")])
        self.assertEqual(hours.lines, [])
        self.assertEqual(hours.notes, ["第2・第4土曜日の午後"])
        self.assertEqual(hours.holiday_note, "")

    def test_it_parses_byday_and_rejects_garbage(self) -> None:
        self.assertEqual(parse_byday("MO, 3TH,-1FR"), [(None, "MO"), (3, "TH"), (-1, "FR")])
        with self.assertRaises(ValueError):
            parse_byday("MONDAY")
