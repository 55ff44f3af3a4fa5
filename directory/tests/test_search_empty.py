"""An empty constraint is an empty result: search_services() never raises for it (issue 19)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django_scopes import scopes_disabled

from directory.fallback import parse_hours
from directory.models import Service, SupportListSettings
from directory.search import search_services
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase

# Wednesday 2026-12-02 03:40 in Japan: no weekday window is open.
NIGHT = dt.datetime(2026, 12, 1, 18, 40, tzinfo=dt.UTC)


class EmptyConstraintTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.work = make_service(
            cls.platform,
            "しごと相談",
            "仕事の相談を聞きます。",
            terms=["cat-work"],
            target_groups=["self"],
            hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")],
        )

    def test_it_finds_nothing_within_an_empty_queryset_for_any_query(self) -> None:
        with scopes_disabled():
            nothing = Service.objects.filter(pk__in=[])
            for query in ("", "しごと", "死にたい", "shigoto"):
                with self.subTest(query=query):
                    results = search_services(query, platform=self.platform, within=nothing)
                    self.assertEqual((results.total, results.hits, results.matched), (0, [], 0))
            # The same queryset with something in it still finds the service.
            some = Service.objects.filter(pk__in=[self.work.pk])
            self.assertEqual(search_services("しごと", platform=self.platform, within=some).total, 1)

    def test_it_answers_the_guides_open_now_search_at_night(self) -> None:
        # The URL the guide's 「今すぐ話したい」 sent a resident to at 03:40 (a 500 before).
        with time_machine.travel(NIGHT, tick=False):
            response = self.client.get(
                self.url("directory:search"),
                {"who": "self", "category": "cat-work", "open_now": "on", "guided": "1"},
            )
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "しごと相談")


class AfterHoursTestCase(BaseTestCase):
    """An open-now search that finds nothing local: national 24-hour lines, then 迷ったら."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.work = make_service(
            cls.platform, "しごと相談", "", terms=["cat-work"], hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")]
        )
        cls.line = make_service(
            cls.platform,
            "よりそいライン（テスト）",
            "",
            is_national=True,
            is_24h=True,
            is_crisis_line=True,
            phone="0120-279-338",
        )
        with scopes_disabled():
            SupportListSettings.objects.create(
                platform=cls.platform,
                fallback_name="アルファ市福祉総合相談窓口",
                fallback_phone="058-000-1111",
                fallback_hours="月〜金 8:30〜17:15（土日祝・年末年始を除く）",
            )

    def search(self, at: dt.datetime, **params: str):  # type: ignore[no-untyped-def]
        with time_machine.travel(at, tick=False):
            return self.client.get(self.url("directory:search"), {"open_now": "on", **params})

    def test_it_shows_the_national_lines_then_the_fallback_window_with_its_next_opening(self) -> None:
        response = self.search(NIGHT, category="cat-work")
        page = response.content.decode()
        self.assertContains(response, "今開いている地域の窓口はありません")
        self.assertLess(page.index("よりそいライン（テスト）"), page.index("アルファ市福祉総合相談窓口"))
        self.assertContains(response, 'href="tel:0580001111"')
        self.assertContains(response, "次に開くのは 12月2日（水） 8:30 からです。")
        self.assertEqual(page.count("よりそいライン（テスト）"), 1)  # not listed twice
        self.assertNotContains(response, "条件に合う窓口が見つかりませんでした")
        self.assertNotContains(response, "0件の窓口")  # not a bare 0 above the lines it lists

    def test_it_skips_the_weekend_holidays_and_the_year_end(self) -> None:
        saturday_night = dt.datetime(2026, 12, 5, 14, 0, tzinfo=dt.UTC)  # Sat 23:00 JST
        self.assertContains(self.search(saturday_night), "次に開くのは 12月7日（月） 8:30 からです。")
        new_years_eve = dt.datetime(2026, 12, 31, 3, 0, tzinfo=dt.UTC)  # Thu 12:00 JST, 年末年始
        self.assertContains(self.search(new_years_eve), "次に開くのは 1月4日（月） 8:30 からです。")
        before_a_holiday = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)  # Mon 21:00, 11/3 is 文化の日
        self.assertContains(self.search(before_a_holiday), "次に開くのは 11月4日（水） 8:30 からです。")

    def test_it_lists_the_local_window_when_one_is_open(self) -> None:
        tuesday_noon = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
        response = self.search(tuesday_noon)
        self.assertContains(response, "しごと相談")
        self.assertNotContains(response, "今開いている地域の窓口はありません")


class ParseHoursTestCase(BaseTestCase):
    def test_it_reads_printed_hours_in_full_and_half_width(self) -> None:
        cases = {
            "月〜金 8:30〜17:15": [("MO,TU,WE,TH,FR", "08:30", "17:15")],
            "月曜〜金曜　８：３０～１７：１５": [("MO,TU,WE,TH,FR", "08:30", "17:15")],
            "平日 9時から17時": [("MO,TU,WE,TH,FR", "09:00", "17:00")],
            "月・水・金 10:00〜16:00、土 9:00〜12:00": [
                ("MO,WE,FR", "10:00", "16:00"),
                ("SA", "09:00", "12:00"),
            ],
            "8:30〜17:15（土日祝・年末年始を除く）": [("MO,TU,WE,TH,FR", "08:30", "17:15")],
            "毎日 10:00～22:00（年中無休）": [("MO,TU,WE,TH,FR,SA,SU", "10:00", "22:00")],
            "お電話ください": [],
            "": [],
            "月〜金 25:00〜26:00": [],
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                schedules, _holidays = parse_hours(text)
                got = [
                    (s.byday, s.opens_at.strftime("%H:%M"), s.closes_at.strftime("%H:%M")) for s in schedules
                ]  # type: ignore[union-attr]
                self.assertEqual(got, expected)
        self.assertIs(parse_hours("8:30〜17:15（土日祝・年末年始を除く）")[1], False)
        self.assertIs(parse_hours("毎日 10:00～22:00（年中無休）")[1], True)
