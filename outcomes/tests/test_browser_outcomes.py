"""Ise's ad report imported in Debian's Chromium and Tokushima's projects with their total, on a
phone and a desktop. Screenshots go to var/screenshots/outcomes-*.png for people to look at."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django_scopes import scope

from outcomes import demo
from outcomes.models import Campaign
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
