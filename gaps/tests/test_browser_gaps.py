"""The secretariat's サポートリスト and gap-analysis pages in Debian's Chromium (screenshots in var/screenshots/)."""

from __future__ import annotations

from collections import Counter

import pytest
from django_scopes import scope, scopes_disabled

from accounts.models import Role
from directory.models import SupportListCategory
from directory.tests.support_data import make_entry, term
from gaps import demo
from gaps.models import Department, IsolationSignal, TouchPoint
from gaps.tests.test_touch_points import make_matrix
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class GapsBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_entry(self.platform, "本人の生活相談", target_groups=["self"], areas=[("212016", "岐阜市")])
        make_entry(
            self.platform,
            "仕事の相談",
            categories=("cat-work",),
            target_groups=[],
            areas=[("212024", "大垣市")],
        )
        make_matrix(self.platform)

    def test_it_shows_gaps_on_a_phone_and_a_desktop(self) -> None:
        user = self.users[Role.SECRETARIAT_STAFF]
        page = self.new_page(viewport="mobile", user=user)
        page.goto(self.live_url("gaps:coverage", "alpha"))
        self.assertEqual(page.locator("h1").inner_text(), "棚卸し・ギャップ分析")
        self.assertIn("空白", page.locator("td.gap").first.inner_text())
        self.screenshot(page, "directory-coverage-mobile")
        desktop = self.new_page(viewport="desktop", user=user)
        desktop.goto(self.live_url("gaps:coverage", "alpha"))
        desktop.select_option("#id_dimension", "area")
        desktop.click("button:has-text('集計する')")
        self.assertEqual(desktop.locator("thead th").nth(1).inner_text(), "岐阜市")
        self.screenshot(desktop, "directory-coverage-desktop")
        desktop.goto(self.live_url("gaps:touch_points", "alpha"))
        self.assertIn("接点あり", desktop.locator("td.meet").first.inner_text())
        self.screenshot(desktop, "directory-touch-points-desktop")

    def test_it_orders_the_support_list_categories_without_javascript(self) -> None:
        page = self.new_page(
            viewport="mobile", user=self.users[Role.SECRETARIAT_ADMIN], java_script_enabled=False
        )
        page.goto(self.live_url("directory:support_list_settings", "alpha"))
        page.fill(f"#id_c-pos_{term('cat-money').uuid.hex}", "2")
        page.fill(f"#id_c-pos_{term('cat-work').uuid.hex}", "1")
        page.fill("#id_fallback_name", "アルファ県ふくし総合相談窓口")
        self.screenshot(page, "directory-support-list-settings-mobile")
        page.click("button[value=save]")
        self.assertIn("保存しました", page.locator(".messages").inner_text())
        with scopes_disabled():
            names = [c.term.name for c in SupportListCategory.objects.filter(platform=self.platform)]
        self.assertEqual(names[:2], ["仕事", "お金・住まい"])

    def test_it_shows_ichiharas_whole_touch_point_matrix(self) -> None:
        with scopes_disabled():
            TouchPoint.objects.all().delete()
            Department.objects.all().delete()
            IsolationSignal.objects.all().delete()
        with scope(platform=self.platform):
            demo.load(self.platform, "ichihara", Counter())
        page = self.new_page(viewport="desktop", user=self.users[Role.VIEWER])
        page.goto(self.live_url("gaps:touch_points", "alpha"))
        self.assertEqual(page.locator("tbody tr").count(), 15)
        self.assertEqual(page.locator("td.meet").count(), 14)
        self.assertEqual(page.locator("button[name=action]").count(), 0)  # viewers read, they do not edit
        self.screenshot(page, "directory-touch-points-ichihara-desktop")
