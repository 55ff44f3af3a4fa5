"""A resident answers on a phone without JavaScript; staff look at the questionnaire on a desktop.

Screenshots go to var/screenshots/ (survey-*.png) for people to look at.
"""

from __future__ import annotations

import pytest
from django_scopes import scope

from surveys.models import Invitation, Response
from surveys.services.questionnaire import do_create_survey, do_open_survey
from tsunagari.lib.browser import BrowserTestCase

PAGE_BUDGET = 150 * 1024  # BRIEF §6: resident pages under 150 KB


def page_weight(page) -> int:  # type: ignore[no-untyped-def]
    return int(
        page.evaluate(
            """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                   .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""
        )
    )


@pytest.mark.browser
class AnswerBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        with scope(platform=self.platform):
            self.survey = do_create_survey(
                self.platform,
                slug="kodoku",
                title="孤独・孤立に関する実態調査",
                template="national",
                modules=["hikikomori"],
                regions=["中央", "西部", "東部", "北部", "秩父"],
                description="日ごろの暮らしや人とのつながりについてお聞きします。",
            )
            do_open_survey(self.survey)
            Invitation.objects.create(
                platform=self.platform, survey=self.survey, code="ABCD-2345", stratum="秩父"
            )

    def test_it_takes_an_answer_on_a_phone_without_javascript(self) -> None:
        page = self.new_page("mobile", java_script_enabled=False)
        page.goto(self.live_url("surveys:start", "alpha", "kodoku"))
        self.screenshot(page, "survey-start-mobile")
        self.assertLess(page_weight(page), PAGE_BUDGET)
        page.get_by_label("招待コード").fill("abcd 2345")
        page.get_by_role("button", name="コードを入力して回答を始める").click()
        self.assertIn("1 / 3 ページ", page.content())
        page.get_by_role("button", name="次へ").click()  # nothing chosen: the required errors
        self.assertIn("この設問は回答が必要です。", page.content())
        self.screenshot(page, "survey-page1-errors-mobile")
        page.locator("input[name=q_loneliness_direct][value='2']").check()
        for code, value in (("ucla_1", "3"), ("ucla_2", "2"), ("ucla_3", "3")):
            page.locator(f"input[name=q_{code}][value='{value}']").check()
        self.screenshot(page, "survey-page1-mobile")
        self.assertLess(page_weight(page), PAGE_BUDGET)
        page.get_by_role("button", name="次へ").click()
        page.get_by_label("自室からは出るが、家からは出ない").check()
        page.get_by_label("ボランティア活動").check()
        page.get_by_label("町内会・自治会などの地域行事").check()
        self.screenshot(page, "survey-page2-mobile")
        page.get_by_role("button", name="次へ").click()
        page.get_by_label("30～39歳").check()
        page.get_by_label("秩父").check()
        page.get_by_role("button", name="次へ").click()
        self.assertIn("4 / 4 ページ", page.content())
        page.get_by_label("1年～3年未満").check()
        self.screenshot(page, "survey-page4-mobile")
        page.get_by_role("button", name="回答を送信する").click()
        self.assertIn("ご回答ありがとうございました。", page.content())
        self.screenshot(page, "survey-done-mobile")
        with scope(platform=self.platform):
            response = Response.objects.get()
            self.assertEqual(response.answers["outing_duration"], 3)
            self.assertEqual(response.answers["social_participation"], [2, 3])
            self.assertEqual(response.stratum, "秩父")
        again = self.new_page("mobile", java_script_enabled=False)
        again.goto(self.live_url("surveys:start", "alpha", "kodoku") + "?code=ABCD-2345")
        again.get_by_role("button", name="コードを入力して回答を始める").click()
        self.assertIn("すでにご回答をいただいています", again.content())
        self.screenshot(again, "survey-used-code-mobile")

    def test_it_shows_easy_japanese_on_a_phone(self) -> None:
        page = self.new_page("mobile")
        page.goto(self.live_url("surveys:start", "alpha", "kodoku") + "?easy=1")
        page.get_by_label("招待コード").fill("ABCD-2345")
        page.get_by_role("button", name="コードを入力して回答を始める").click()
        self.assertIn("さびしい（ひとりぼっちだ）と感じることが", page.content())
        self.screenshot(page, "survey-page1-easy-mobile")

    def test_staff_see_the_builder_and_preview_on_a_desktop(self) -> None:
        page = self.new_page("desktop", user=self.admin)
        page.goto(self.live_url("surveys:survey", "alpha", self.survey.uuid))
        self.assertIn("第1版", page.content())
        self.screenshot(page, "survey-builder-desktop")
        page.goto(self.live_url("surveys:preview", "alpha", self.survey.uuid))
        self.screenshot(page, "survey-preview-desktop")
