"""A household case from an agency's referral to its conference page, on a desktop and a phone.
Screenshots: var/screenshots/case-intake-{desktop,mobile}.png, case-household-{desktop,mobile}.png."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tsunagari.lib.browser import BrowserTestCase
from tsunagari.lib.testing import make_member


@pytest.mark.browser
class CaseIntakeBrowserTestCase(BrowserTestCase):
    def test_it_opens_a_household_case_from_an_agency_and_shows_the_household(self) -> None:
        make_member(self.platform, "鎌倉市社会福祉協議会（テスト）")
        for viewport in ("desktop", "mobile"):
            page = self.new_page(viewport, user=self.users[Role.SECRETARIAT_STAFF])
            page.goto(self.live_url("consultations:case_intake", "alpha"))
            page.get_by_label("きっかけ").select_option("agency")
            page.get_by_label("紹介元の機関").fill("鎌倉市地域包括支援センター")
            page.get_by_label("最初の接触の内容").fill(
                "80代の母を50代の長男が介護。長男は長くひきこもっている。"
            )
            page.get_by_label("見守るしかないケース").check()
            page.locator("#id_m-0-label").fill("母")
            page.locator("#id_m-0-relationship").select_option("parent")
            page.locator("#id_m-0-age_band").select_option("80s+")
            page.locator("#id_m-0-is_concern").check()
            page.locator("#id_m-1-label").fill("長男")
            page.locator("#id_m-1-age_band").select_option("50s")
            page.locator("#id_m-1-is_main_carer").check()
            self.screenshot(page, f"case-intake-{viewport}")
            page.get_by_role("button", name="ケースを開く").click()
            content = page.content()
            self.assertIn("を開きました", content)
            self.assertIn("見守るしかないケース", content)
            self.assertIn("主な介護者", content)
            self.screenshot(page, f"case-household-{viewport}")
