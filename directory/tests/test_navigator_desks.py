"""The platform's own desks on the navigator: the サポートリスト and the fallback window."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from directory.models import SupportListSettings
from directory.tests.search_helpers import make_service
from platforms import desks
from tsunagari.lib.testing import BaseTestCase


class NavigatorDesksTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with scopes_disabled():
            SupportListSettings.objects.create(
                platform=cls.platform,
                fallback_name="アルファ市福祉生活相談センター",
                fallback_phone="0596-21-5555",
                fallback_hours="月〜金 8:30〜17:15",
            )
        make_service(cls.platform, "生活費の相談", "お金の困りごと。", terms=["cat-money"])

    def test_it_shows_the_support_list_and_the_fallback_window_on_the_home_page(self) -> None:
        html = self.client.get(reverse("directory:home", args=["alpha"])).content.decode()
        self.assertIn(reverse("directory:support_list_pdf", args=["alpha"]), html)
        self.assertIn("どこに相談したらよいか迷ったら", html)
        self.assertIn("アルファ市福祉生活相談センター", html)
        self.assertIn('href="tel:0596215555"', html)
        self.assertIn("月〜金 8:30〜17:15", html)

    def test_it_says_whether_the_fallback_window_is_open_now(self) -> None:
        jst = datetime.timezone(datetime.timedelta(hours=9))
        url = reverse("directory:home", args=["alpha"])
        with time_machine.travel(datetime.datetime(2026, 2, 17, 10, 0, tzinfo=jst), tick=False):
            self.assertIn("今開いています", self.client.get(url).content.decode())
        # Saturday night before a Monday: it opens next on Monday morning.
        with time_machine.travel(datetime.datetime(2026, 2, 28, 23, 0, tzinfo=jst), tick=False):
            html = self.client.get(url).content.decode()
        self.assertNotIn("今開いています", html)
        self.assertIn("次に開くのは 3月2日（月） 8:30 からです。", html)

    def test_it_names_the_desks_in_plain_japanese_when_asked(self) -> None:
        html = self.client.get(reverse("directory:home", args=["alpha"]), {"easy": "1"}).content.decode()
        self.assertIn("アルファ県PF の そうだん まどぐち", html)
        self.assertIn("そうだん さき の いちらん（PDF）", html)

    def test_it_leads_an_empty_category_to_the_fallback_window(self) -> None:
        url = reverse("directory:search", args=["alpha"])
        html = self.client.get(url, {"category": "cat-school"}).content.decode()
        self.assertIn("条件に合う窓口が見つかりませんでした", html)
        self.assertIn("アルファ市福祉生活相談センター", html)
        self.assertIn('id="fallback-title"', html)
        html = self.client.get(url, {"category": "cat-money"}).content.decode()
        self.assertIn("生活費の相談", html)
        self.assertNotIn('id="fallback-title"', html)

    def test_it_falls_back_to_the_secretariat_without_settings(self) -> None:
        self.other_platform.secretariat_name = "ベータ市 福祉課"
        self.other_platform.contact_phone = "058-000-1111"
        self.other_platform.save()
        html = self.client.get(
            reverse("directory:search", args=["beta"]), {"q": "ぜんぜんないことば"}
        ).content.decode()
        self.assertIn("ベータ市 福祉課", html)
        self.assertNotIn("アルファ市福祉生活相談センター", html)

    def test_it_still_answers_when_a_desk_provider_fails(self) -> None:
        def broken(platform, at):  # type: ignore[no-untyped-def]
            raise RuntimeError("provider down")

        desks.register("broken-test", broken)
        try:
            with self.assertLogs("platforms.desks", level="ERROR"):
                response = self.client.get(reverse("directory:home", args=["alpha"]))
        finally:
            desks._providers.pop("broken-test")
        self.assertEqual(response.status_code, 200)
        self.assertIn("アルファ市福祉生活相談センター", response.content.decode())
