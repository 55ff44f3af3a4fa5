"""The secretariat's crisis words page on a desktop and a phone.
Screenshots: var/screenshots/crisis-words-desktop.png, crisis-words-mobile.png."""

from __future__ import annotations

import pytest

from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class CrisisWordsBrowserTestCase(BrowserTestCase):
    def test_it_adds_a_word_and_tries_messages(self) -> None:
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.admin)
            page.goto(self.live_url("consultations:crisis_words", "alpha"))
            if viewport == "desktop":
                page.get_by_label("追加する語").fill("ﾌﾞﾛﾝ")
                page.get_by_role("button", name="語を追加する").click()
                self.assertIn("危機の語を追加しました", page.content())
            page.get_by_label("試すメッセージ（1行に1件）").fill(
                "画面が消えた\nもう消えてしまいたいと思うこともあります\nブロン買ってきた\nブロンドに染めた"
            )
            page.get_by_role("button", name="判定する").click()
            rows = page.locator("table").last.locator("tbody tr")
            self.assertEqual(rows.count(), 4)
            self.assertEqual(
                [rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(4)],
                ["—", "緊急", "緊急", "—"],
            )
            self.screenshot(page, f"crisis-words-{viewport}")
