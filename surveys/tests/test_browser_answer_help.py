"""A respondent who is often lonely sees the 24-hour lines and the platform's desks when done,
on a phone without JavaScript. Screenshot: var/screenshots/survey-done-help-mobile.png."""

from __future__ import annotations

import pytest
from django_scopes import scope

from consultations.services.channels import desk_settings, do_configure_line
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.browser import BrowserTestCase


@pytest.mark.browser
class DoneHelpBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scope(platform=self.platform):
            survey = do_create_survey(
                self.platform,
                slug="kodoku",
                title="孤独・孤立に関する実態調査",
                template="national",
                regions=["中央", "西部"],
                allow_open_web=True,
            )
            do_open_survey(survey)
            desk_settings(self.platform)
            do_configure_line(self.platform, basic_id="@733gquft", name="アルファつながりLINE")

    def test_it_shows_the_lines_and_desks_to_someone_often_lonely_on_a_phone(self) -> None:
        page = self.new_page("mobile", java_script_enabled=False)
        page.goto(self.live_url("surveys:start", "alpha", "kodoku"))
        page.get_by_role("button", name="回答を始める").click()
        page.locator("input[name=q_loneliness_direct][value='1']").check()
        for code in ("ucla_1", "ucla_2", "ucla_3"):
            page.locator(f"input[name=q_{code}][value='4']").check()
        page.get_by_role("button", name="次へ").click()
        page.get_by_label("仕事や学校で平日は毎日外出する").check()
        page.get_by_role("button", name="次へ").click()
        page.get_by_label("30～39歳").check()
        page.get_by_label("中央").check()
        page.get_by_role("button", name="回答を送信する").click()
        main = page.locator("main").inner_text()
        self.assertIn("ご回答ありがとうございました。", main)
        self.assertIn("次の窓口は24時間つながります", main)
        self.assertIn("0120-279-338", main)
        self.assertIn("チャットで相談する", main)
        self.assertIn("LINEで友だち追加する", main)
        self.assertNotIn("help", page.url)
        self.screenshot(page, "survey-done-help-mobile")
