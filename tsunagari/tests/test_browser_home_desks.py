"""Yamagata's and Ise's home pages and Yamagata's chat notice in Chromium at phone width (issue 19).

The demo's own data (load_demo for the two places): the platform's desks come first on the
home page, the LINE QR code shows, and the chat says how what one writes is kept before the
first message. Screenshots: var/screenshots/home-desks-<slug>-mobile.png, chat-notice-mobile.png.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from directory.models import SupportListSettings
from directory.tests.imported_directory import eight_categories, write_directory
from tsunagari.demo.loader import load_demo
from tsunagari.lib.browser import BrowserTestCase

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.browser
class HomeDesksBrowserTestCase(BrowserTestCase):
    def top(self, page, selector: str) -> float:  # type: ignore[no-untyped-def]
        box = page.locator(selector).first.bounding_box()
        assert box is not None, selector
        return box["y"]

    def test_it_shows_each_places_own_desks_first_and_the_chat_notice_on_a_phone(self) -> None:
        with scopes_disabled():
            load_demo(["yamagata-shi", "ise"])
        page = self.new_page("mobile")

        page.goto(self.live_url("/p/yamagata-shi/"))
        desks = page.locator("section.desks")
        self.assertIn("つながりよりそいチャット（Webチャット）", desks.inner_text())
        self.assertIn("LINEで友だち追加する（@733gquft）", desks.inner_text())
        self.assertIn("つながりサポートリスト（PDF）", desks.inner_text())
        self.assertTrue(page.locator("img.desk-qr").is_visible())
        self.assertLess(self.top(page, "section.desks"), self.top(page, "form.search-box"))
        self.assertEqual(page.evaluate(OVERFLOW), 0)
        self.screenshot(page, "home-desks-yamagata-shi-mobile")

        page.goto(self.live_url("/p/ise/"))
        text = page.locator("section.desks").inner_text()
        self.assertIn("チャット相談（Webチャット）", text)
        self.assertIn("どこに相談したらよいか迷ったら", text)
        self.assertIn("つながりサポートリスト（PDF）", text)
        self.assertLess(self.top(page, "section.desks"), self.top(page, "form.search-box"))
        self.assertEqual(page.evaluate(OVERFLOW), 0)
        self.screenshot(page, "home-desks-ise-mobile")

        page.goto(self.live_url("/p/yamagata-shi/search?q=チャット"))
        self.assertIn(
            "つながりよりそいチャット（Webチャット）", page.locator("#desks-found").locator("..").inner_text()
        )
        self.screenshot(page, "search-chat-yamagata-shi-mobile")

        page.goto(self.live_url("/p/yamagata-shi/chat/"))
        notice = page.locator("section.chat-notice")
        self.assertIn("山形市から委託を受けた認定NPO法人の相談員", notice.inner_text())
        self.assertIn("相談が終わってから36か月保存し", notice.inner_text())
        self.assertLess(self.top(page, "section.chat-notice"), self.top(page, "textarea[name=text]"))
        self.assertEqual(page.evaluate(OVERFLOW), 0)
        self.screenshot(page, "chat-notice-mobile")


@pytest.mark.browser
class EmptyResultsBrowserTestCase(BrowserTestCase):
    def test_it_leads_an_empty_category_to_the_fallback_window_and_warns_about_unprinted_services(
        self,
    ) -> None:
        with tempfile.TemporaryDirectory() as folder, scopes_disabled():
            write_directory(Path(folder))
            call_command("import_hsds", "alpha", folder, stdout=io.StringIO())
            eight_categories(
                SupportListSettings.objects.create(
                    platform=self.platform,
                    fallback_name="アルファ市福祉総合相談窓口",
                    fallback_phone="058-000-1111",
                    fallback_hours="月〜金 8:30〜17:15",
                    print_others=False,
                )
            )
        page = self.new_page("mobile")
        page.goto(self.live_url("directory:search", "alpha") + "?category=cat-school")
        fallback = page.locator("section.fallback-window")
        self.assertTrue(fallback.is_visible())
        self.assertIn("アルファ市福祉総合相談窓口", fallback.inner_text())
        self.assertEqual(page.evaluate(OVERFLOW), 0)
        self.screenshot(page, "search-empty-category-mobile")

        staff = self.new_page("desktop", user=self.users["secretariat_staff"])
        staff.goto(self.live_url("directory:support_list_settings", "alpha"))
        warning = staff.locator("#printed-h + .error-summary")
        self.assertIn("6件は、掲載する分類のどれにも当てはまらないため", warning.inner_text())
        self.screenshot(staff, "support-list-unprinted-warning-desktop")
