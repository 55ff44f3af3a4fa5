"""The navigator in Chromium at phone (390×844) and desktop size: screenshots, layout, a11y basics."""

from __future__ import annotations

import pytest
from django.test import override_settings

from directory.tests.search_helpers import make_service
from tsunagari.lib.browser import BrowserTestCase

# Inputs, selects and textareas without an accessible name; elements wider than the viewport.
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.browser
@override_settings(DIRECTORY_MAP_TILES="http://127.0.0.1:9/{z}/{x}/{y}.png")  # no tile server here
class NavigatorBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        p = self.platform
        make_service(
            p,
            "孤独・孤立の相談窓口",
            "ひとりで悩んでいる方、話し相手がほしい方のお話を聞きます。秘密は守ります。",
            terms=["cat-relations", "topic-isolation"],
            phone="058-272-1111",
            is_free=True,
            point=(35.4233, 136.7606),
            address={
                "address_1": "薮田南2-1-1",
                "city": "岐阜市",
                "state_province": "岐阜県",
                "postal_code": "500-8570",
            },
            hours=[("MO,TU,WE,TH,FR", "08:30", "17:15")],
        )
        make_service(
            p,
            "いのちの電話（テスト）",
            "死にたいほどつらい気持ちを聞きます。",
            is_crisis_line=True,
            is_24h=True,
            is_anonymous=True,
            phone="0120-783-556",
        )
        make_service(
            p,
            "子ども食堂ひまわり",
            "地域の子どもが誰でも無料で食事できます。",
            terms=["cat-children"],
            is_free=True,
            point=(35.41, 136.75),
            address={
                "address_1": "長住町1-1",
                "city": "岐阜市",
                "state_province": "岐阜県",
                "postal_code": "500-8833",
            },
        )

    def check(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        self.assertEqual(page.evaluate(UNLABELLED), [], name)
        self.assertLessEqual(page.evaluate(OVERFLOW), 0, f"{name}: wider than the screen")
        self.assertEqual(page.locator("h1").count(), 1, name)
        self.screenshot(page, name)

    def test_it_works_on_a_phone_without_javascript(self) -> None:
        page = self.new_page("mobile", java_script_enabled=False)
        page.goto(self.live_url("directory:home", "alpha"))
        self.check(page, "navigator-home-mobile")
        page.fill("#id_q", "こどく")
        page.click("form[role=search] button[type=submit]")
        self.assertIn("孤独・孤立の相談窓口", page.locator(".results").inner_text())
        self.check(page, "navigator-search-mobile")
        page.click("text=孤独・孤立の相談窓口")
        self.assertIn("058-272-1111", page.inner_text("main"))
        self.check(page, "navigator-service-mobile")

    def test_it_shows_crisis_lines_first_on_a_phone(self) -> None:
        page = self.new_page("mobile")
        page.goto(self.live_url("directory:search", "alpha") + "?q=死にたい")
        first = page.locator(".results .service-card").first
        self.assertIn("いのちの電話（テスト）", first.inner_text())
        self.check(page, "navigator-crisis-mobile")

    def test_it_guides_with_plain_forms_in_plain_japanese(self) -> None:
        page = self.new_page("mobile", java_script_enabled=False)
        page.goto(self.live_url("directory:guide", "alpha") + "?easy=1")
        self.assertIn("だれ の こと", page.inner_text("legend"))
        self.check(page, "navigator-guide-easy-mobile")
        page.check("input[value=self]")
        page.click("text=つぎ へ")
        page.check("input[value=cat-children]")
        page.click("text=つぎ へ")
        page.click("text=つぎ へ")  # how: no preference
        page.click("text=つぎ へ")  # when: no answer
        self.assertIn("子ども食堂ひまわり", page.locator(".results").inner_text())
        self.check(page, "navigator-guide-results-mobile")

    def test_it_shows_the_map_and_the_list_on_a_desktop(self) -> None:
        page = self.new_page("desktop")
        page.goto(self.live_url("directory:map", "alpha"))
        page.wait_for_selector(".leaflet-marker-icon")
        self.assertEqual(page.locator(".leaflet-marker-icon").count(), 2)
        self.assertIn("子ども食堂ひまわり", page.inner_text("main"))
        self.check(page, "navigator-map-desktop")
        phone = self.new_page("mobile", java_script_enabled=False)
        phone.goto(self.live_url("directory:map", "alpha"))
        self.assertIn("岐阜県岐阜市長住町1-1", phone.inner_text("main"))
        self.check(phone, "navigator-map-nojs-mobile")

    def test_it_keeps_focus_visible_and_the_skip_link_first(self) -> None:
        page = self.new_page("desktop")
        page.goto(self.live_url("directory:home", "alpha"))
        page.keyboard.press("Tab")
        self.assertEqual(page.evaluate("document.activeElement.getAttribute('href')"), "#main")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        self.assertNotEqual(outline, "none")
        self.check(page, "navigator-home-desktop")
