"""The desk's web chat and LINE account on the platform's home page and in its search."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from consultations.models import BusinessHours, DeskSettings
from consultations.services.channels import do_configure_line, web_channel
from directory.tests.search_helpers import make_service
from tsunagari.lib.testing import BaseTestCase

# Tuesday 2026-02-17 in Japan.
EVENING = datetime.datetime(2026, 2, 17, 19, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
NIGHT = datetime.datetime(2026, 2, 18, 3, 40, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
SUNDAY = datetime.datetime(2026, 2, 22, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))


class HomeDesksTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            DeskSettings.objects.create(platform=cls.platform, name="つながりよりそいチャット")
            web_channel(cls.platform)
            BusinessHours.objects.bulk_create(
                BusinessHours(
                    platform=cls.platform, weekday=d, start=datetime.time(18), end=datetime.time(21)
                )
                for d in range(5)
            )
            do_configure_line(cls.platform, secret="s", token="t", basic_id="@733gquft", name="よりそいLINE")
        make_service(
            cls.platform, "いのちの電話", "つらい気持ちを聞きます。", is_crisis_line=True, is_24h=True
        )

    def home(self, platform_slug: str = "alpha") -> str:
        response = self.client.get(reverse("directory:home", args=[platform_slug]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_the_chat_open_now_with_todays_hours_before_anything_else(self) -> None:
        with time_machine.travel(EVENING, tick=False):
            html = self.home()
        self.assertIn("つながりよりそいチャット（Webチャット）", html)
        self.assertIn("今日の対応時間 18:00〜21:00", html)
        self.assertIn("いま相談員が対応しています", html)
        self.assertIn(reverse("consultations:chat", args=["alpha"]), html)
        # The desks come before the crisis lines, the search box and the categories.
        self.assertLess(html.index('class="desks"'), html.index('class="crisis"'))
        self.assertLess(html.index('class="desks"'), html.index('role="search"'))

    def test_it_says_when_the_chat_answers_next_at_night_and_on_sunday(self) -> None:
        with time_machine.travel(NIGHT, tick=False):
            html = self.home()
        self.assertIn("いまは対応時間外です（次の対応は 2月18日（水）18:00 から）", html)
        self.assertIn("今日の対応時間 18:00〜21:00", html)
        with time_machine.travel(SUNDAY, tick=False):
            html = self.home()
        self.assertIn("今日は相談員の対応はありません", html)
        # Monday 2/23 is 天皇誕生日: the desk answers next on Tuesday.
        self.assertIn("次の対応は 2月24日（火）18:00 から", html)

    def test_it_links_the_line_friend_page_with_a_qr_code(self) -> None:
        html = self.home()
        self.assertIn("https://line.me/R/ti/p/%40733gquft", html)
        self.assertIn("LINEで友だち追加する（@733gquft）", html)
        self.assertIn('src="data:image/svg+xml', html)

    def test_it_finds_the_platforms_own_desks_when_searching_for_chat_line_or_consultation(self) -> None:
        url = reverse("directory:search", args=["alpha"])
        chat, line = "つながりよりそいチャット（Webチャット）", "よりそいLINE（LINE）"
        for query, desk in (
            ("チャット", chat),
            ("ちゃっと", chat),
            ("相談", chat),
            ("そうだん", chat),
            ("話したい", chat),
            ("チャット", line),
            ("LINE", line),
            ("ＬＩＮＥ", line),
            ("らいん", line),
            ("相談", line),
        ):
            with self.subTest(query=query, desk=desk):
                html = self.client.get(url, {"q": query}).content.decode()
                self.assertIn("あなたの地域の窓口", html)
                self.assertIn(desk, html)
                self.assertLess(html.index(desk), html.index('class="result-count"'))
        html = self.client.get(url, {"q": "子育て"}).content.decode()
        self.assertNotIn("つながりよりそいチャット（Webチャット）", html)

    def test_it_shows_no_desk_of_another_platform(self) -> None:
        html = self.home("beta")
        self.assertNotIn("つながりよりそいチャット", html)
        self.assertNotIn("733gquft", html)
        html = self.client.get(reverse("directory:search", args=["beta"]), {"q": "チャット"}).content.decode()
        self.assertNotIn("つながりよりそいチャット", html)

    def test_it_hides_the_chat_when_the_desk_takes_no_web_chat(self) -> None:
        with scopes_disabled():
            DeskSettings.objects.filter(platform=self.platform).update(web_chat_enabled=False)
        html = self.home()
        self.assertNotIn("（Webチャット）", html)
        self.assertIn("よりそいLINE（LINE）", html)

    def test_it_gives_the_counsellor_home_todays_hours_without_repeating_the_title(self) -> None:
        self.login(self.users[Role.COUNSELLOR])
        with time_machine.travel(EVENING, tick=False):
            html = self.client.get(self.url("platforms:dashboard")).content.decode()
        self.assertIn("18:00〜21:00", html)
        self.assertNotIn("今日の対応時間 18:00〜21:00", html)  # the block is titled 今日の対応時間
        with time_machine.travel(SUNDAY, tick=False):
            html = self.client.get(self.url("platforms:dashboard")).content.decode()
        self.assertIn("今日は相談員の対応はありません", html)
