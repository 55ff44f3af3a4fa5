"""Smoke test of the browser-test helper: real Chromium against the live server."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from django_scopes import scopes_disabled

from partnership.models import ActivityField
from tsunagari.lib.browser import BrowserTestCase


def png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int(struct.unpack(">I", header[16:20])[0])


@pytest.mark.browser
class BrowserSmokeTestCase(BrowserTestCase):
    def test_it_renders_the_index_in_japanese_with_the_public_platforms(self) -> None:
        page = self.new_page("desktop")
        response = page.goto(self.live_url("index"))
        assert response is not None
        self.assertEqual(response.status, 200)
        self.assertEqual(page.title(), "tsunagari")
        self.assertEqual(page.locator("html").get_attribute("lang"), "ja")
        self.assertEqual(page.locator("h1").inner_text(), "孤独・孤立対策官民連携プラットフォーム")
        # Fixture platforms are public and listed; the stylesheet is served by the live server.
        self.assertIn("アルファ県PF", page.locator("main").inner_text())
        rules = page.evaluate("Array.from(document.styleSheets).map(s => s.cssRules.length)")
        self.assertGreater(sum(rules), 0)

    def test_it_reports_health_with_every_migration_applied(self) -> None:
        page = self.new_page("desktop")
        response = page.goto(self.live_url("healthz"))
        assert response is not None
        self.assertEqual(response.status, 200)
        body = json.loads(page.locator("body").inner_text())
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["pending_migrations"], 0)

    def test_it_saves_mobile_and_desktop_screenshots_of_the_index(self) -> None:
        paths = self.screenshots(self.live_url("index"), "smoke-index")
        self.assertEqual(png_width(paths["mobile"]), 390)
        self.assertEqual(png_width(paths["desktop"]), 1280)
        self.assertEqual(paths["mobile"].name, "smoke-index-mobile.png")

    def test_it_opens_the_staff_dashboard_when_logged_in_with_a_verified_second_factor(self) -> None:
        page = self.new_page("mobile", user=self.admin)
        response = page.goto(self.live_url("accounts:home"))
        assert response is not None
        self.assertEqual(response.status, 200)
        # Home sends a user with one platform to its staff dashboard (not to login or TOTP).
        self.assertEqual(page.url, self.live_url("platforms:dashboard", "alpha"))
        self.assertIn(self.admin.email, page.locator("header").inner_text())
        self.screenshot(page, "smoke-staff-dashboard-mobile")

    def test_it_restores_the_rows_of_data_migrations_after_the_flush_of_earlier_tests(self) -> None:
        # Runs after other tests of this class (alphabetical order), whose flush emptied every
        # table; serialized_rollback must have put the 19 activity fields back, with the
        # database connection Django uses while Playwright's event loop runs.
        with scopes_disabled():
            codes = set(ActivityField.objects.values_list("code", flat=True))
        self.assertEqual(len(codes), 19)
        self.assertIn("poverty", codes)
        page = self.new_page("desktop")
        page.goto(self.live_url("partnership:join", "alpha"))
        self.assertEqual(page.get_by_label("高齢者支援").count(), 1)
