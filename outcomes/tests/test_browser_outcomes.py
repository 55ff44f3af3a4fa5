"""Ise's ad report imported in Debian's Chromium and Tokushima's projects with their total, on a
phone and a desktop. Screenshots go to var/screenshots/outcomes-*.png for people to look at."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django_scopes import scope

from outcomes import demo
from outcomes.models import Campaign, Flyer, TrialProject
from outcomes.tests.helpers import ise_xlsx
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class OutcomesBrowserTestCase(BrowserTestCase):
    def test_it_imports_ises_report_and_flags_the_disagreements(self) -> None:
        with scope(platform=self.platform):
            campaign = Campaign.objects.create(platform=self.platform, name="孤独・孤立啓発動画 SNS広告")
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("outcomes:campaign", "alpha", campaign.uuid))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "ise.xlsx"
            path.write_bytes(ise_xlsx())
            page.set_input_files("input[type=file]", str(path))
            page.get_by_role("button", name="取り込む").click()
        self.assertIn("取り込みました", page.content())
        self.assertEqual(page.locator("tr.flagged").count(), 8)
        self.assertIn("4,287,161", page.locator("tfoot").inner_text())
        self.screenshot(page, "outcomes-campaign-desktop")
        phone = self.new_page("mobile", user=self.admin)
        phone.goto(self.live_url("outcomes:campaign", "alpha", campaign.uuid))
        self.assertLessEqual(phone.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(phone, "outcomes-campaign-mobile")

    def test_it_lists_tokushimas_projects_with_the_total(self) -> None:
        with scope(platform=self.platform):
            demo.load(self.platform, "tokushima", Counter())
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("outcomes:projects", "alpha"))
        self.assertIn("8,712,064", page.locator("tfoot").inner_text())
        self.screenshot(page, "outcomes-projects-desktop")
        phone = self.new_page("mobile", user=self.admin)
        phone.goto(self.live_url("outcomes:projects", "alpha"))
        self.assertLessEqual(phone.evaluate("document.documentElement.scrollWidth"), 390)
        self.screenshot(phone, "outcomes-projects-mobile")


@pytest.mark.browser
class OutcomesDashboardBrowserTestCase(BrowserTestCase):
    """The dashboard, the prefecture's comparison, the annual report page and a flyer, at both widths."""

    def setUp(self) -> None:
        super().setUp()
        # alpha is a prefecture (210005) with a year of its own; beta (212016) is a town in it.
        with scope(platform=self.platform):
            demo.load(self.platform, "gifu-shi", Counter())
        with scope(platform=self.other_platform):
            demo.load(self.other_platform, "ogaki", Counter())

    def look(self, name: str, url: str, shot: str) -> None:
        for size in ("desktop", "mobile"):
            page = self.new_page(size, user=self.admin)
            page.goto(url)
            self.assertEqual(page.locator("h1").count(), 1, url)
            if size == "mobile":
                self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390, name)
            self.screenshot(page, f"{shot}-{size}")

    def test_the_dashboard_comparison_report_and_flyer_read_on_a_desktop_and_a_phone(self) -> None:
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("outcomes:dashboard", "alpha"))
        self.assertGreaterEqual(page.locator("svg[role=img]").count(), 3)
        self.assertIn("相談件数", page.locator("table").first.inner_text())
        page.goto(self.live_url("outcomes:comparison", "alpha"))
        table = page.locator("table").inner_text()
        self.assertIn("212016", table)
        self.assertIn("5未満", table)  # beta's three consultations this year
        self.look("dashboard", self.live_url("outcomes:dashboard", "alpha"), "outcomes-dashboard")
        self.look("comparison", self.live_url("outcomes:comparison", "alpha"), "outcomes-comparison")
        self.look("report", self.live_url("outcomes:report", "alpha"), "outcomes-report")
        with scope(platform=self.platform):
            flyer = Flyer.objects.get()
            project = TrialProject.objects.get()
        self.look("flyer", self.live_url("outcomes:flyer", "alpha", flyer.uuid), "outcomes-flyer")
        self.look(
            "delete", self.live_url("outcomes:project_delete", "alpha", project.uuid), "outcomes-delete"
        )
